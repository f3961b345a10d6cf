/**
 * SNF checkpoints, laid out like the IDF ones (src/train/checkpoint.ts): a folder with the model (spec.json), its
 * parameters (params.f32, or params.f16 in a compact copy made for committing), the Adamax moments (optimizer.f32,
 * optional on load) and the run's progress, settings and data (state.json). Every file is written under a temporary
 * name and renamed, spec.json last, so a crash mid-save leaves the previous checkpoint whole.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../../core/errors.js';
import { adamaxState, type AdamaxState } from '../../train/adamax.js';
import { decodeHalf, encodeHalf } from './half-float.js';
import { SnfFlow } from './snf-flow.js';
import { checkSnfSpec, type SnfSpec } from './snf-spec.js';

/** Training settings a run keeps for --resume. */
export interface SnfSettings {
  readonly batchSize: number;
  readonly learningRate: number;
  readonly warmupImages: number;
  readonly decayPerEpoch: number;
  readonly clipNorm: number;
  readonly seed: number;
}

/** Where the run's data came from, so eval and resume can reopen it. */
export interface SnfDataRecord {
  readonly dataset: string;
  /** --data as given (absolute). */
  readonly path: string;
  /** Training images held out for validation (the last ones of the training split, as in the paper). */
  readonly validation: number;
}

/** The latest validation. */
export interface SnfValidation {
  readonly imagesSeen: number;
  readonly epoch: number;
  readonly nll: number;
  readonly bpd: number;
  readonly images: number;
}

/** Progress of a run, enough to resume it exactly. */
export interface SnfTrainingState {
  imagesSeen: number;
  steps: number;
  trainSeconds: number;
  /** State of the dequantisation-noise generator. */
  randomState: number[];
  settings: SnfSettings;
  data: SnfDataRecord;
  lastValidation: SnfValidation | null;
}

/** Everything in a checkpoint folder. */
export interface SnfCheckpoint {
  readonly spec: SnfSpec;
  readonly params: Float32Array;
  readonly optimizer: AdamaxState;
  readonly state: SnfTrainingState;
}

const FORMAT = 'idfz-snf-checkpoint';

function writeAtomic(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

function bytesOf(array: Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes `checkpoint` into `dir` (created if needed).
 * @param options.compact float16 parameters and no optimizer state: about a quarter of the size, for committing
 *   (a run resumed from it restarts Adamax's moments)
 */
export function saveSnfCheckpoint(dir: string, checkpoint: SnfCheckpoint, options: { compact?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  const { params, optimizer, state } = checkpoint;
  if (options.compact) {
    writeAtomic(path.join(dir, 'params.f16'), encodeHalf(params));
    rmSync(path.join(dir, 'params.f32'), { force: true });
    rmSync(path.join(dir, 'optimizer.f32'), { force: true });
  } else {
    writeAtomic(path.join(dir, 'params.f32'), bytesOf(params));
    const moments = new Float32Array(optimizer.m.length * 2);
    moments.set(optimizer.m);
    moments.set(optimizer.u, optimizer.m.length);
    writeAtomic(path.join(dir, 'optimizer.f32'), bytesOf(moments));
    rmSync(path.join(dir, 'params.f16'), { force: true });
  }
  writeAtomic(path.join(dir, 'state.json'), `${JSON.stringify({ ...state, optimizerStep: options.compact ? 0 : optimizer.step }, null, 1)}\n`);
  // spec.json last: its presence marks a complete checkpoint.
  writeAtomic(path.join(dir, 'spec.json'), `${JSON.stringify({ format: FORMAT, version: 1, spec: checkpoint.spec })}\n`);
}

/** Whether `dir` holds a complete SNF checkpoint. */
export function hasSnfCheckpoint(dir: string): boolean {
  return existsSync(path.join(dir, 'spec.json'));
}

function readFloats(file: string, expected: number, half: boolean): Float32Array {
  const bytes = readFileSync(file);
  const width = half ? 2 : 4;
  if (bytes.length !== expected * width) throw new ModelError(`${file}: holds ${bytes.length} bytes, expected ${expected * width} for this model; the checkpoint is damaged`);
  if (half) return decodeHalf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const floats = new Float32Array(expected);
  new Uint8Array(floats.buffer).set(bytes);
  return floats;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelError(`${file}: cannot read it as JSON (${(error as Error).message}); the checkpoint is damaged`);
  }
}

/**
 * Reads a checkpoint folder.
 * @throws ModelError when the folder is not an SNF checkpoint, a file is missing or damaged, or sizes disagree
 */
export function loadSnfCheckpoint(dir: string): SnfCheckpoint {
  const specFile = path.join(dir, 'spec.json');
  if (!existsSync(specFile)) throw new ModelError(`${dir}: not a checkpoint folder (no spec.json); train one with \`idfz snf train --out ${dir}\``);
  const parsed = readJson(specFile) as { format?: string; version?: number; spec?: unknown };
  if (parsed.format !== FORMAT || parsed.version !== 1) throw new ModelError(`${specFile}: not an idfz SNF checkpoint (format ${FORMAT}, version 1)`);
  const spec = checkSnfSpec(parsed.spec, specFile);
  const size = new SnfFlow(spec).size;
  const half = !existsSync(path.join(dir, 'params.f32'));
  const paramsFile = path.join(dir, half ? 'params.f16' : 'params.f32');
  if (!existsSync(paramsFile)) throw new ModelError(`${dir}: has neither params.f32 nor params.f16; the checkpoint is incomplete`);
  const params = readFloats(paramsFile, size, half);
  const stateFile = path.join(dir, 'state.json');
  if (!existsSync(stateFile)) throw new ModelError(`${dir}: no state.json; the checkpoint is incomplete`);
  const { optimizerStep, ...state } = readJson(stateFile) as SnfTrainingState & { optimizerStep: number };
  const optimizerFile = path.join(dir, 'optimizer.f32');
  let optimizer = adamaxState(size);
  if (existsSync(optimizerFile)) {
    const moments = readFloats(optimizerFile, size * 2, false);
    optimizer = { m: moments.slice(0, size), u: moments.slice(size), step: optimizerStep };
  }
  return { spec, params, optimizer, state };
}
