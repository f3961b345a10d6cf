/**
 * A training worker thread: its own tfjs instance computes the IDF loss and gradients for the image indices it is
 * sent, reading parameters from and writing gradients to shared memory (see worker-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from './backend.js';
import { idfParams } from '../arch/idf-params.js';
import { paramOffsets } from '../arch/param-list.js';
import { idfLogLikelihood } from './idf-graph.js';
import { serveRequests } from './serve-requests.js';
import { SharedVariables } from './shared-variables.js';
import type { Unnumbered } from './worker-fleet.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const params = new Float32Array(init.params);
const grad = new Float32Array(init.grad);
const images = new Uint8Array(init.images);
const imageSize = init.height * init.width * init.channels;
const dims = imageSize;
const centre = 2 ** (init.spec.bitDepth - 1);

await startBackend(init.backend);
const shared = new SharedVariables(paramOffsets(idfParams(init.spec)), params);
const { variables } = shared;

/** Centred float pixels of the given images, optionally mirrored. */
function batchOf(indices: readonly number[], flips?: readonly boolean[]): tf.Tensor4D {
  const data = new Float32Array(indices.length * imageSize);
  const rowSize = init.width * init.channels;
  indices.forEach((index, i) => {
    const source = images.subarray(index * imageSize, (index + 1) * imageSize);
    const target = data.subarray(i * imageSize, (i + 1) * imageSize);
    if (flips?.[i]) {
      for (let y = 0; y < init.height; y++) {
        for (let x = 0; x < init.width; x++) {
          for (let c = 0; c < init.channels; c++) {
            target[y * rowSize + x * init.channels + c] = source[y * rowSize + (init.width - 1 - x) * init.channels + c]! - centre;
          }
        }
      }
    } else {
      for (let k = 0; k < imageSize; k++) target[k] = source[k]! - centre;
    }
  });
  return tf.tensor4d(data, [indices.length, init.height, init.width, init.channels]);
}

function step(indices: readonly number[], flips: readonly boolean[]): { bitsSum: number; count: number } {
  shared.load();
  const pixels = batchOf(indices, flips);
  // Sum (not mean) of per-image bits/dim, so the main thread can add workers' gradients and divide once.
  const { value, grads } = tf.variableGrads(() => tf.div(tf.neg(tf.sum(idfLogLikelihood(init.spec, variables, pixels))), dims * Math.LN2) as tf.Scalar);
  const bitsSum = value.dataSync()[0]!;
  shared.writeGradients(grads, grad);
  tf.dispose([pixels, value, ...Object.values(grads)]);
  return { bitsSum, count: indices.length };
}

function evaluate(indices: readonly number[]): number[] {
  shared.load();
  return tf.tidy(() => {
    const nats = idfLogLikelihood(init.spec, variables, batchOf(indices));
    return Array.from(nats.dataSync(), (value) => -value / (dims * Math.LN2));
  });
}

serveRequests<WorkerRequest>(port, (request): Unnumbered<WorkerReply> =>
  request.kind === 'step' ? { kind: 'step', ...step(request.indices, request.flips) } : { kind: 'eval', bits: evaluate(request.indices) },
);
