/**
 * Float training checkpoints: a folder with the architecture (spec.json), the parameter vector (params.f32), its
 * exponential moving average (ema.f32, what evaluation and export use), the Adamax state (optimizer.f32, optional on
 * load) and the run's progress (state.json). Every file is written to a temporary name and renamed, so a crash
 * mid-save leaves the previous checkpoint intact.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { checkIdfSpec, type IdfSpec } from '../arch/idf-spec.js';
import { idfParams } from '../arch/idf-params.js';
import { paramCount } from '../arch/param-list.js';
import type { AdamaxState } from './adamax.js';
import {
  floatBytes, hasSpecFile, readFloatFile, readSpecFile, readStateAndOptimizer, writeFileAtomic, writeSpecFile, writeStateAndOptimizer,
  type CheckpointKind,
} from './checkpoint-files.js';

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

const KIND: CheckpointKind = { format: 'idfz-float-checkpoint', name: 'float', folder: 'checkpoint folder', trainCommand: 'idfz train' };

/** Writes `checkpoint` into `dir` (created if needed). */
export function saveCheckpoint(dir: string, checkpoint: Checkpoint): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, 'params.f32'), floatBytes(checkpoint.params));
  writeFileAtomic(path.join(dir, 'ema.f32'), floatBytes(checkpoint.ema));
  writeStateAndOptimizer(dir, checkpoint.state, checkpoint.optimizer);
  writeSpecFile(dir, KIND, checkpoint.spec);
}

/** Whether `dir` holds a complete checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return hasSpecFile(dir);
}

/**
 * Reads only the architecture of a checkpoint.
 * @throws ModelError when `dir` is not an IDF float checkpoint or its spec is invalid
 */
export function loadCheckpointSpec(dir: string): IdfSpec {
  return checkIdfSpec(readSpecFile(dir, KIND) as IdfSpec, path.join(dir, 'spec.json'));
}

/**
 * Reads a checkpoint folder.
 * @throws ModelError when a file is missing, damaged or does not match the architecture
 */
export function loadCheckpoint(dir: string): Checkpoint {
  const spec = loadCheckpointSpec(dir);
  const size = paramCount(idfParams(spec));
  const params = readFloatFile(path.join(dir, 'params.f32'), size);
  const ema = readFloatFile(path.join(dir, 'ema.f32'), size);
  // Committed checkpoints may leave the optimiser out (it doubles their size): Adamax then restarts its moments,
  // with bias correction from step 0.
  const { state, optimizer } = readStateAndOptimizer<TrainingState>(dir, size);
  return { spec, params, ema, optimizer, state };
}
