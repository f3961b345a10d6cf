/**
 * The file layer every training stack's checkpoint folder shares: atomic writes, float32 vectors, JSON, the
 * spec.json header (format name, version 1, spec; written last, so its presence marks a complete checkpoint) and the
 * run's state.json with the Adamax moments file beside it (m then u, optional on load). Invariant: every failure to read is a ModelError that names the
 * file and says whether the checkpoint is incomplete or damaged.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../core/errors.js';
import { adamaxState, type AdamaxState } from './adamax.js';

/** What tells one stack's checkpoints apart, and what its messages call them. */
export interface CheckpointKind {
  /** The `format` field of spec.json, e.g. 'idfz-blrnet-checkpoint'. */
  readonly format: string;
  /** The name in "not an idfz NAME checkpoint", e.g. 'blrnet'. */
  readonly name: string;
  /** What a folder without spec.json is not, e.g. 'checkpoint folder' or 'blrnet checkpoint folder'. */
  readonly folder: string;
  /** The command that writes one, e.g. 'idfz blrnet train'. */
  readonly trainCommand: string;
}

/** Writes `data` to a temporary name beside `file`, then renames it over `file` (a crash leaves the old file whole). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, data);
  renameSync(temporary, file);
}

/** The bytes of a float32 view (not of its whole buffer), without copying. */
export function floatBytes(array: Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * The bytes of a checkpoint file.
 * @throws ModelError when it is missing (the checkpoint is incomplete) or cannot be read
 */
export function readCheckpointBytes(file: string): Buffer {
  if (!existsSync(file)) throw new ModelError(`${file}: missing; the checkpoint is incomplete`);
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ModelError(`${file}: cannot read (${(error as Error).message}); the checkpoint is damaged`);
  }
}

/**
 * A float32 vector of exactly `expected` values.
 * @param options.finite also refuse NaN and infinities (default false)
 * @throws ModelError when the file is missing, has another size, or (finite) holds a non-finite value
 */
export function readFloatFile(file: string, expected: number, options: { finite?: boolean } = {}): Float32Array {
  const bytes = readCheckpointBytes(file);
  if (bytes.length !== expected * 4) throw new ModelError(`${file}: holds ${bytes.length} bytes, expected ${expected * 4}; the checkpoint is damaged`);
  const floats = new Float32Array(expected);
  new Uint8Array(floats.buffer).set(bytes);
  if (options.finite) {
    for (let i = 0; i < floats.length; i++) {
      if (!Number.isFinite(floats[i]!)) throw new ModelError(`${file}: value ${i} is ${floats[i]}; the checkpoint is damaged`);
    }
  }
  return floats;
}

/**
 * The parsed contents of a JSON checkpoint file.
 * @throws ModelError when the file is missing or is not valid JSON
 */
export function readJsonFile(file: string): unknown {
  const text = readCheckpointBytes(file).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelError(`${file}: cannot read it: not valid JSON (${(error as Error).message}); the checkpoint is damaged`);
  }
}

/** Writes `value` as indented JSON (state.json's form) atomically. */
export function writeJsonFile(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 1)}\n`);
}

/** Whether `dir` holds a complete checkpoint (its spec.json, written last). */
export function hasSpecFile(dir: string): boolean {
  return existsSync(path.join(dir, 'spec.json'));
}

/** Writes spec.json, `{format, version: 1, spec}` on one line: call it after every other file of the checkpoint. */
export function writeSpecFile(dir: string, kind: CheckpointKind, spec: unknown): void {
  writeFileAtomic(path.join(dir, 'spec.json'), `${JSON.stringify({ format: kind.format, version: 1, spec })}\n`);
}

/**
 * The unchecked `spec` of `dir`'s spec.json (the caller checks it against its own schema).
 * @throws ModelError when there is no spec.json (naming `dir`/checkpoint when that is a checkpoint), or it is not of
 *   this kind and version 1
 */
export function readSpecFile(dir: string, kind: CheckpointKind): unknown {
  const file = path.join(dir, 'spec.json');
  if (!existsSync(file)) {
    // A model folder written by export keeps its float checkpoint in checkpoint/ (models/natural/checkpoint).
    const inner = path.join(dir, 'checkpoint');
    if (existsSync(path.join(inner, 'spec.json'))) throw new ModelError(`${dir}: not a ${kind.folder} (no spec.json), but ${inner} is one: pass that folder`);
    throw new ModelError(`${dir}: not a ${kind.folder} (no spec.json); train one with \`${kind.trainCommand} --out ${dir}\``);
  }
  const parsed = readJsonFile(file) as { format?: unknown; version?: unknown; spec?: unknown } | null;
  if (parsed?.format !== kind.format || parsed.version !== 1 || !parsed.spec) {
    throw new ModelError(`${file}: not an idfz ${kind.name} checkpoint (format ${kind.format}, version 1)`);
  }
  return parsed.spec;
}

/**
 * Writes the run's progress to state.json, with Adamax's step count added as `optimizerStep`, and Adamax's moments to
 * optimizer.f32 (first moments then infinity norms).
 * @param optimizer null for a compact checkpoint: no optimizer.f32 is written and `optimizerStep` is 0
 */
export function writeStateAndOptimizer(dir: string, state: object, optimizer: AdamaxState | null): void {
  if (optimizer) {
    const moments = new Float32Array(optimizer.m.length * 2);
    moments.set(optimizer.m);
    moments.set(optimizer.u, optimizer.m.length);
    writeFileAtomic(path.join(dir, 'optimizer.f32'), floatBytes(moments));
  }
  writeJsonFile(path.join(dir, 'state.json'), { ...state, optimizerStep: optimizer ? optimizer.step : 0 });
}

/**
 * The run's progress from state.json (without `optimizerStep`) and Adamax's state: from optimizer.f32 with the
 * stored step, or fresh (moments restart, bias correction from step 0) when the file is absent, as in compact
 * checkpoints made for committing. The caller checks the state's fields.
 * @param size parameters of the model
 * @param options.finite refuse non-finite moments (default false)
 * @throws ModelError when state.json is missing or not JSON, or optimizer.f32 exists but does not hold 2 * size floats
 */
export function readStateAndOptimizer<State>(dir: string, size: number, options: { finite?: boolean } = {}): { state: State; optimizer: AdamaxState } {
  const { optimizerStep, ...state } = readJsonFile(path.join(dir, 'state.json')) as State & { optimizerStep: number };
  const file = path.join(dir, 'optimizer.f32');
  if (!existsSync(file)) return { state: state as State, optimizer: adamaxState(size) };
  const moments = readFloatFile(file, size * 2, options);
  return { state: state as State, optimizer: { m: moments.slice(0, size), u: moments.slice(size), step: optimizerStep } };
}
