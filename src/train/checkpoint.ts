/**
 * Float training checkpoints: a folder with the architecture (spec.json), the parameter vector (params.f32), its
 * exponential moving average (ema.f32, what evaluation and export use), the Adamax state (optimizer.f32, optional on
 * load) and the run's progress (state.json). Every file is written to a temporary name and renamed, so a crash
 * mid-save leaves the previous checkpoint intact.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../core/errors.js';
import { checkIdfSpec, type IdfSpec } from '../arch/idf-spec.js';
import { idfParams } from '../arch/idf-params.js';
import { paramCount } from '../arch/param-list.js';
import { adamaxState, type AdamaxState } from './adamax.js';

/** Progress of a run, enough to resume it exactly. */
export interface TrainingState {
  /** Training images processed so far (over all epochs). */
  imagesSeen: number;
  /** Optimiser steps taken. */
  steps: number;
  /** Wall-clock seconds spent training, summed over resumed runs. */
  trainSeconds: number;
  /** State of the augmentation generator. */
  randomState: number[];
  /** Best validation bits/dim so far (EMA parameters), or null. */
  bestValidationBpd: number | null;
  /** Settings the run was started with (for the record and for --resume). */
  settings: Record<string, unknown>;
}

/** Everything in a checkpoint folder. */
export interface Checkpoint {
  readonly spec: IdfSpec;
  readonly params: Float32Array;
  readonly ema: Float32Array;
  readonly optimizer: AdamaxState;
  readonly state: TrainingState;
}

const FORMAT = 'idfz-float-checkpoint';

function writeAtomic(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

function bytesOf(array: Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Writes `checkpoint` into `dir` (created if needed). */
export function saveCheckpoint(dir: string, checkpoint: Checkpoint): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, 'params.f32'), bytesOf(checkpoint.params));
  writeAtomic(path.join(dir, 'ema.f32'), bytesOf(checkpoint.ema));
  const moments = new Float32Array(checkpoint.optimizer.m.length * 2);
  moments.set(checkpoint.optimizer.m);
  moments.set(checkpoint.optimizer.u, checkpoint.optimizer.m.length);
  writeAtomic(path.join(dir, 'optimizer.f32'), bytesOf(moments));
  writeAtomic(path.join(dir, 'state.json'), `${JSON.stringify({ ...checkpoint.state, optimizerStep: checkpoint.optimizer.step }, null, 1)}\n`);
  // spec.json last: its presence marks a complete checkpoint.
  writeAtomic(path.join(dir, 'spec.json'), `${JSON.stringify({ format: FORMAT, version: 1, spec: checkpoint.spec })}\n`);
}

function readFloats(file: string, expected: number): Float32Array {
  const bytes = readFileSync(file);
  if (bytes.length !== expected * 4) throw new ModelError(`${file}: holds ${bytes.length} bytes, expected ${expected * 4}; the checkpoint is damaged`);
  const floats = new Float32Array(expected);
  new Uint8Array(floats.buffer).set(bytes);
  return floats;
}

/** Whether `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(path.join(dir, 'spec.json'));
}

/** Reads only the architecture of a checkpoint. */
export function loadCheckpointSpec(dir: string): IdfSpec {
  const file = path.join(dir, 'spec.json');
  if (!existsSync(file)) throw new ModelError(`${dir}: not a checkpoint folder (no spec.json); train one with \`idfz train --out ${dir}\``);
  let parsed: { format?: string; version?: number; spec?: IdfSpec };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (parsed.format !== FORMAT || parsed.version !== 1 || !parsed.spec) throw new ModelError(`${file}: not an idfz float checkpoint (version 1)`);
  return checkIdfSpec(parsed.spec, file);
}

/**
 * Reads a checkpoint folder.
 * @throws ModelError when a file is missing, damaged or does not match the architecture
 */
export function loadCheckpoint(dir: string): Checkpoint {
  const spec = loadCheckpointSpec(dir);
  const size = paramCount(idfParams(spec));
  const params = readFloats(path.join(dir, 'params.f32'), size);
  const ema = readFloats(path.join(dir, 'ema.f32'), size);
  const state = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as TrainingState & { optimizerStep: number };
  const { optimizerStep, ...rest } = state;
  // Committed checkpoints may leave the optimiser out (it doubles their size): Adamax then restarts its moments,
  // with bias correction from step 0.
  const optimizerFile = path.join(dir, 'optimizer.f32');
  const optimizer = existsSync(optimizerFile)
    ? (() => {
        const moments = readFloats(optimizerFile, size * 2);
        return { m: moments.slice(0, size), u: moments.slice(size), step: optimizerStep };
      })()
    : adamaxState(size);
  return { spec, params, ema, optimizer, state: rest };
}
