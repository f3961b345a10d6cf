/**
 * SNF checkpoints, laid out like the IDF ones (src/train/checkpoint.ts): a folder with the model (spec.json), its
 * parameters (params.f32, or params.f16 in a compact copy made for committing), the Adamax moments (optimizer.f32,
 * optional on load) and the run's progress, settings and data (state.json). Every file is written under a temporary
 * name and renamed, spec.json last, so a crash mid-save leaves the previous checkpoint whole.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../../core/errors.js';
import type { AdamaxState } from '../../train/adamax.js';
import {
  floatBytes, hasSpecFile, readCheckpointBytes, readFloatFile, readSpecFile, readStateAndOptimizer, writeFileAtomic, writeSpecFile, writeStateAndOptimizer,
  type CheckpointKind,
} from '../../train/checkpoint-files.js';
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

const KIND: CheckpointKind = { format: 'idfz-snf-checkpoint', name: 'SNF', folder: 'checkpoint folder', trainCommand: 'idfz snf train' };

/**
 * Writes `checkpoint` into `dir` (created if needed).
 * @param options.compact float16 parameters and no optimizer state: about a quarter of the size, for committing
 *   (a run resumed from it restarts Adamax's moments)
 */
export function saveSnfCheckpoint(dir: string, checkpoint: SnfCheckpoint, options: { compact?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  const { params, optimizer, state } = checkpoint;
  if (options.compact) {
    writeFileAtomic(path.join(dir, 'params.f16'), encodeHalf(params));
    rmSync(path.join(dir, 'params.f32'), { force: true });
    rmSync(path.join(dir, 'optimizer.f32'), { force: true });
  } else {
    writeFileAtomic(path.join(dir, 'params.f32'), floatBytes(params));
    rmSync(path.join(dir, 'params.f16'), { force: true });
  }
  writeStateAndOptimizer(dir, state, options.compact ? null : optimizer);
  writeSpecFile(dir, KIND, checkpoint.spec);
}

/** Whether `dir` holds a complete SNF checkpoint. */
export function hasSnfCheckpoint(dir: string): boolean {
  return hasSpecFile(dir);
}

/** The float16 parameters of a compact checkpoint. */
function readHalfFile(file: string, expected: number): Float32Array {
  const bytes = readCheckpointBytes(file);
  if (bytes.length !== expected * 2) throw new ModelError(`${file}: holds ${bytes.length} bytes, expected ${expected * 2}; the checkpoint is damaged`);
  return decodeHalf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/**
 * Reads a checkpoint folder.
 * @throws ModelError when the folder is not an SNF checkpoint, a file is missing or damaged, or sizes disagree
 */
export function loadSnfCheckpoint(dir: string): SnfCheckpoint {
  const spec = checkSnfSpec(readSpecFile(dir, KIND), path.join(dir, 'spec.json'));
  const size = new SnfFlow(spec).size;
  const half = !existsSync(path.join(dir, 'params.f32'));
  const paramsFile = path.join(dir, half ? 'params.f16' : 'params.f32');
  if (!existsSync(paramsFile)) throw new ModelError(`${dir}: has neither params.f32 nor params.f16; the checkpoint is incomplete`);
  const params = half ? readHalfFile(paramsFile, size) : readFloatFile(paramsFile, size);
  const { state, optimizer } = readStateAndOptimizer<SnfTrainingState>(dir, size);
  return { spec, params, optimizer, state };
}
