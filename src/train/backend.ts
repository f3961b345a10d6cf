/**
 * Chooses and starts the TensorFlow.js backend for training: `wasm` (default; with the project's Conv2D gradient),
 * `tensorflow` (tfjs-node-gpu or tfjs-node, when the user has installed one; never a dependency of idfz) or `cpu`.
 * Every backend repeats itself bit for bit, but backends differ from each other (RESEARCH.md section 6): that is why
 * no float result of training ever sits on the coding path.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// The tfjs union package's node bundle registers every op's gradient in tfjs's global registry.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { UsageError } from '../core/errors.js';
import { registerConv2dGradient } from './conv2d-gradient.js';

/** Backends `--backend` accepts. */
export const BACKENDS = ['wasm', 'tensorflow', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

const require = createRequire(import.meta.url);

async function startWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(`${distDir}${path.sep}`);
  await tf.setBackend('wasm');
}

async function startTensorflow(): Promise<void> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      await tf.setBackend('tensorflow');
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  throw new UsageError(
    '--backend tensorflow needs @tensorflow/tfjs-node-gpu (CUDA) or @tensorflow/tfjs-node installed next to idfz: ' +
      'run `npm install @tensorflow/tfjs-node-gpu`, or use --backend wasm',
  );
}

/**
 * Starts `name` as the active tfjs backend and installs the project's gradients. Call before building any model.
 * @throws UsageError when `tensorflow` is asked for and no tfjs-node package is installed
 */
export async function startBackend(name: BackendName): Promise<void> {
  // PROD skips tfjs's debug checks and its console advice to install tfjs-node.
  tf.env().set('PROD', true);
  if (name === 'wasm') await startWasm();
  else if (name === 'tensorflow') await startTensorflow();
  else await tf.setBackend('cpu');
  await tf.ready();
  if (name === 'wasm') registerConv2dGradient();
}
