/**
 * PBNet training checkpoints: a folder with the network (spec.json), the flat parameter vector (params.f32), the
 * running batch-norm moments (running.f32), the Adamax moments (optimizer.f32; optional on load) and the run's
 * progress and settings (state.json). A compact checkpoint (for committing) stores theta as int8 q = round(127 theta)
 * with the sign kept (|q| >= 1 for theta != 0) and gamma, beta as float32 (params.q8), and no optimiser state: its
 * MAP and ternary networks are exactly those of the full checkpoint. Every file is written under a temporary name
 * and renamed, spec.json last, so a crash mid-save leaves the previous checkpoint whole.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../../core/errors.js';
import type { AdamaxState } from '../../train/adamax.js';
import {
  floatBytes, hasSpecFile, readCheckpointBytes, readFloatFile, readSpecFile, readStateAndOptimizer, writeFileAtomic, writeSpecFile, writeStateAndOptimizer,
  type CheckpointKind,
} from '../../train/checkpoint-files.js';
import { blrnetOffsets, bnStatsLength, blrnetParamCount } from './blrnet-params.js';
import { checkBlrnetSpec, type BlrnetSpec } from './blrnet-spec.js';

/** The settings a run was started with; a resumed run keeps them. */
export interface BlrnetSettings {
  readonly dataset: string;
  /** Absolute path given to --data. */
  readonly dataPath: string;
  /** Training images held out for validation (the last ones of the training split). */
  readonly validation: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly warmupImages: number;
  readonly decayPerEpoch: number;
  /** Binary-concrete temperature. */
  readonly temperature: number;
  readonly flips: boolean;
  readonly seed: number;
}

/** Progress of a run, enough to resume it. */
export interface BlrnetState {
  imagesSeen: number;
  steps: number;
  trainSeconds: number;
  /** The latest validation (propagation mode, running moments), or null. */
  lastValidation: { epoch: number; accuracy: number; loss: number } | null;
  settings: BlrnetSettings;
}

/** Everything in a checkpoint folder. */
export interface BlrnetCheckpoint {
  readonly spec: BlrnetSpec;
  readonly params: Float32Array;
  /** Running batch-norm moments (layout: blrnet-params.ts bnStatsOffsets). */
  readonly running: Float32Array;
  readonly optimizer: AdamaxState;
  readonly state: BlrnetState;
}

const KIND: CheckpointKind = { format: 'idfz-blrnet-checkpoint', name: 'blrnet', folder: 'blrnet checkpoint folder', trainCommand: 'idfz blrnet train' };

/**
 * Writes `checkpoint` into `dir` (created if needed).
 * @param options.compact theta as sign-preserving int8 and no optimiser state (about a quarter of the size; for
 *   committed checkpoints)
 */
export function saveBlrnetCheckpoint(dir: string, checkpoint: BlrnetCheckpoint, options: { compact?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  if (options.compact) {
    writeFileAtomic(path.join(dir, 'params.q8'), encodeCompactParams(checkpoint.spec, checkpoint.params));
  } else {
    writeFileAtomic(path.join(dir, 'params.f32'), floatBytes(checkpoint.params));
  }
  writeFileAtomic(path.join(dir, 'running.f32'), floatBytes(checkpoint.running));
  writeStateAndOptimizer(dir, checkpoint.state, options.compact ? null : checkpoint.optimizer);
  writeSpecFile(dir, KIND, checkpoint.spec);
}

/** int8 theta (sign kept) then float32 gamma and beta, in parameter order. */
function encodeCompactParams(spec: BlrnetSpec, params: Float32Array): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, { offset, size }] of blrnetOffsets(spec)) {
    const values = params.subarray(offset, offset + size);
    if (name.endsWith('.theta')) {
      parts.push(new Uint8Array(Int8Array.from(values, (t) => (t === 0 ? 0 : Math.sign(t) * Math.max(1, Math.round(Math.abs(t) * 127)))).buffer));
    } else {
      parts.push(new Uint8Array(Float32Array.from(values).buffer));
    }
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function decodeCompactParams(spec: BlrnetSpec, file: string): Float32Array {
  const bytes = readCheckpointBytes(file);
  const params = new Float32Array(blrnetParamCount(spec));
  let at = 0;
  for (const [name, { offset, size }] of blrnetOffsets(spec)) {
    const width = name.endsWith('.theta') ? 1 : 4;
    if (at + size * width > bytes.length) throw new ModelError(`${file}: too short for the network (${bytes.length} bytes); the checkpoint is damaged`);
    if (width === 1) {
      const q = new Int8Array(bytes.buffer, bytes.byteOffset + at, size);
      for (let i = 0; i < size; i++) {
        if (q[i] === -128) throw new ModelError(`${file}: theta value -128 is outside -127..127; the checkpoint is damaged`);
        params[offset + i] = q[i]! / 127;
      }
    } else {
      const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + size * 4));
      params.set(values, offset);
    }
    at += size * width;
  }
  if (at !== bytes.length) throw new ModelError(`${file}: holds ${bytes.length} bytes, expected ${at}; the checkpoint is damaged`);
  return params;
}

/** Whether `dir` holds a complete checkpoint. */
export function hasBlrnetCheckpoint(dir: string): boolean {
  return hasSpecFile(dir);
}

/**
 * Reads a checkpoint folder.
 * @throws ModelError when a file is missing, damaged or does not match the architecture
 */
export function loadBlrnetCheckpoint(dir: string): BlrnetCheckpoint {
  const spec = checkBlrnetSpec(readSpecFile(dir, KIND) as BlrnetSpec, path.join(dir, 'spec.json'));
  const size = blrnetParamCount(spec);
  const compactFile = path.join(dir, 'params.q8');
  const params = existsSync(compactFile) && !existsSync(path.join(dir, 'params.f32')) ? decodeCompactParams(spec, compactFile) : readFloatFile(path.join(dir, 'params.f32'), size, { finite: true });
  if (!params.every(Number.isFinite)) throw new ModelError(`${dir}: a parameter is not finite; the checkpoint is damaged`);
  const running = readFloatFile(path.join(dir, 'running.f32'), bnStatsLength(spec), { finite: true });
  const { state, optimizer } = readStateAndOptimizer<BlrnetState>(dir, size, { finite: true });
  if (!state.settings || typeof state.imagesSeen !== 'number') throw new ModelError(`${path.join(dir, 'state.json')}: missing the run's settings or progress`);
  return { spec, params, running, optimizer, state };
}
