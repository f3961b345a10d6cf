/**
 * PBNet training checkpoints: a folder with the network (spec.json), the flat parameter vector (params.f32), the
 * running batch-norm moments (running.f32), the Adamax moments (optimizer.f32; optional on load) and the run's
 * progress and settings (state.json). A compact checkpoint (for committing) stores theta as int8 q = round(127 theta)
 * with the sign kept (|q| >= 1 for theta != 0) and gamma, beta as float32 (params.q8), and no optimiser state: its
 * MAP and ternary networks are exactly those of the full checkpoint. Every file is written under a temporary name
 * and renamed, spec.json last, so a crash mid-save leaves the previous checkpoint whole.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../../core/errors.js';
import { adamaxState, type AdamaxState } from '../../train/adamax.js';
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

const FORMAT = 'idfz-blrnet-checkpoint';

function writeAtomic(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

function bytesOf(array: Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * Writes `checkpoint` into `dir` (created if needed).
 * @param options.compact theta as sign-preserving int8 and no optimiser state (about a quarter of the size; for
 *   committed checkpoints)
 */
export function saveBlrnetCheckpoint(dir: string, checkpoint: BlrnetCheckpoint, options: { compact?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  if (options.compact) {
    writeAtomic(path.join(dir, 'params.q8'), encodeCompactParams(checkpoint.spec, checkpoint.params));
  } else {
    writeAtomic(path.join(dir, 'params.f32'), bytesOf(checkpoint.params));
    const moments = new Float32Array(checkpoint.optimizer.m.length * 2);
    moments.set(checkpoint.optimizer.m);
    moments.set(checkpoint.optimizer.u, checkpoint.optimizer.m.length);
    writeAtomic(path.join(dir, 'optimizer.f32'), bytesOf(moments));
  }
  writeAtomic(path.join(dir, 'running.f32'), bytesOf(checkpoint.running));
  writeAtomic(path.join(dir, 'state.json'), `${JSON.stringify({ ...checkpoint.state, optimizerStep: options.compact ? 0 : checkpoint.optimizer.step }, null, 1)}\n`);
  writeAtomic(path.join(dir, 'spec.json'), `${JSON.stringify({ format: FORMAT, version: 1, spec: checkpoint.spec })}\n`);
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
  const bytes = readFileSync(file);
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
  return existsSync(path.join(dir, 'spec.json'));
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ModelError(`${file}: cannot read (${(error as Error).message}); the checkpoint is damaged`);
  }
}

function readFloats(file: string, expected: number): Float32Array {
  if (!existsSync(file)) throw new ModelError(`${file}: missing; the checkpoint is incomplete`);
  const bytes = readFileSync(file);
  if (bytes.length !== expected * 4) throw new ModelError(`${file}: holds ${bytes.length} bytes, expected ${expected * 4}; the checkpoint is damaged`);
  const floats = new Float32Array(expected);
  new Uint8Array(floats.buffer).set(bytes);
  for (let i = 0; i < floats.length; i++) {
    if (!Number.isFinite(floats[i]!)) throw new ModelError(`${file}: value ${i} is ${floats[i]}; the checkpoint is damaged`);
  }
  return floats;
}

/**
 * Reads a checkpoint folder.
 * @throws ModelError when a file is missing, damaged or does not match the architecture
 */
export function loadBlrnetCheckpoint(dir: string): BlrnetCheckpoint {
  const specFile = path.join(dir, 'spec.json');
  if (!existsSync(specFile)) throw new ModelError(`${dir}: not a blrnet checkpoint folder (no spec.json); train one with \`idfz blrnet train --out ${dir}\``);
  const parsed = readJson(specFile) as { format?: string; version?: number; spec?: BlrnetSpec };
  if (parsed?.format !== FORMAT || parsed.version !== 1 || !parsed.spec) throw new ModelError(`${specFile}: not an idfz blrnet checkpoint (version 1)`);
  const spec = checkBlrnetSpec(parsed.spec, specFile);
  const size = blrnetParamCount(spec);
  const compactFile = path.join(dir, 'params.q8');
  const params = existsSync(compactFile) && !existsSync(path.join(dir, 'params.f32')) ? decodeCompactParams(spec, compactFile) : readFloats(path.join(dir, 'params.f32'), size);
  if (!params.every(Number.isFinite)) throw new ModelError(`${dir}: a parameter is not finite; the checkpoint is damaged`);
  const running = readFloats(path.join(dir, 'running.f32'), bnStatsLength(spec));
  const { optimizerStep, ...state } = readJson(path.join(dir, 'state.json')) as BlrnetState & { optimizerStep: number };
  if (!state.settings || typeof state.imagesSeen !== 'number') throw new ModelError(`${path.join(dir, 'state.json')}: missing the run's settings or progress`);
  const optimizerFile = path.join(dir, 'optimizer.f32');
  const optimizer = existsSync(optimizerFile)
    ? (() => {
        const moments = readFloats(optimizerFile, size * 2);
        return { m: moments.slice(0, size), u: moments.slice(size), step: optimizerStep };
      })()
    : adamaxState(size);
  return { spec, params, running, optimizer, state };
}
