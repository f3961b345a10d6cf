/**
 * HexaConv training checkpoints: a folder with the network (spec.json), its parameters (params.f32), the SGD
 * velocity (velocity.f32), the normalisation layers' running moments (running.f32) and the run's progress, settings
 * and data description (state.json). Every file is written under a temporary name and renamed, spec.json last, so a
 * crash mid-save leaves the previous checkpoint whole.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../../core/errors.js';
import { floatBytes, hasSpecFile, readFloatFile, readJsonFile, readSpecFile, writeFileAtomic, writeJsonFile, writeSpecFile, type CheckpointKind } from '../../train/checkpoint-files.js';
import type { Normalisation } from './input-pipeline.js';
import type { ClassificationDatasetName } from './classification-data.js';
import { checkWrnSpec, normLayers, wrnLayout, wrnParamCount, type WrnSpec } from './wrn-spec.js';

/** Where a run's data came from, so evaluation can open the matching test split. */
export interface DataRecord {
  readonly dataset: ClassificationDatasetName;
  /** Absolute path given to --data. */
  readonly path: string;
  /** Seed of a class-folder split. */
  readonly splitSeed: number;
  /** Training images held out for validation (the last ones of the training split). */
  readonly validation: number;
  readonly normalisation: Normalisation;
  readonly classNames: readonly string[];
}

/** The settings a run trains with. */
export interface TrainSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly flips: boolean;
  readonly translate: number;
  readonly seed: number;
}

/** Progress of a run, enough to resume it exactly. */
export interface WrnTrainingState {
  imagesSeen: number;
  steps: number;
  trainSeconds: number;
  /** State of the augmentation generator. */
  randomState: number[];
  settings: TrainSettings;
  data: DataRecord;
  /** The latest validation, or null. */
  lastValidation: { epoch: number; accuracy: number; loss: number } | null;
}

/** Everything in a checkpoint folder. */
export interface WrnCheckpoint {
  readonly spec: WrnSpec;
  readonly params: Float32Array;
  readonly velocity: Float32Array;
  readonly running: Float32Array;
  readonly state: WrnTrainingState;
}

const KIND: CheckpointKind = { format: 'idfz-hexaconv-checkpoint', name: 'HexaConv', folder: 'checkpoint folder', trainCommand: 'idfz hexaconv train' };

/** Floats of the running moments of `spec`: mean and variance per channel of every normalisation layer. */
export function runningSize(spec: WrnSpec): number {
  return normLayers(wrnLayout(spec)).reduce((sum, norm) => sum + 2 * norm.channels, 0);
}

/** Initial running moments: mean 0, variance 1. */
export function initialRunning(spec: WrnSpec): Float32Array {
  const running = new Float32Array(runningSize(spec));
  let offset = 0;
  for (const norm of normLayers(wrnLayout(spec))) {
    running.fill(1, offset + norm.channels, offset + 2 * norm.channels);
    offset += 2 * norm.channels;
  }
  return running;
}

/** Writes `checkpoint` into `dir` (created if needed). */
export function saveWrnCheckpoint(dir: string, checkpoint: WrnCheckpoint): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, 'params.f32'), floatBytes(checkpoint.params));
  writeFileAtomic(path.join(dir, 'velocity.f32'), floatBytes(checkpoint.velocity));
  writeFileAtomic(path.join(dir, 'running.f32'), floatBytes(checkpoint.running));
  writeJsonFile(path.join(dir, 'state.json'), checkpoint.state);
  writeSpecFile(dir, KIND, checkpoint.spec);
}

/** Whether `dir` holds a complete checkpoint. */
export function hasWrnCheckpoint(dir: string): boolean {
  return hasSpecFile(dir);
}

/**
 * Reads a checkpoint folder.
 * @throws ModelError when it is not a HexaConv checkpoint, or a file is missing, damaged or does not match the spec
 */
export function loadWrnCheckpoint(dir: string): WrnCheckpoint {
  const spec = checkWrnSpec(readSpecFile(dir, KIND), path.join(dir, 'spec.json'));
  const size = wrnParamCount(spec);
  const state = readJsonFile(path.join(dir, 'state.json')) as WrnTrainingState;
  if (typeof state !== 'object' || state === null || typeof state.imagesSeen !== 'number' || typeof state.data !== 'object' || typeof state.settings !== 'object') {
    throw new ModelError(`${path.join(dir, 'state.json')}: not a HexaConv training state`);
  }
  return {
    spec,
    params: readFloatFile(path.join(dir, 'params.f32'), size),
    velocity: readFloatFile(path.join(dir, 'velocity.f32'), size),
    running: readFloatFile(path.join(dir, 'running.f32'), runningSize(spec)),
    state,
  };
}
