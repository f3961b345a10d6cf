/**
 * Where learned tile coders come from: a factory named by module URL and export name (so that worker threads can
 * load it too), applied to a model file's bytes and a fresh engine. The IDF coder is the default; tests plug in a
 * double the same way. Coders are kept per model bytes, factory and kernel (so a batch of small files builds the
 * engine once, not once per file). Invariant: a coder handed out here has 1 or 3 channels and a size multiple in
 * 1..4096.
 */
import { InternalError, ModelError } from '../core/errors.js';
import { createEngine, type Engine, type KernelName } from '../engine/index.js';
import type { LearnedTileCoder } from './learned-tile-coder.js';

/** Builds a learned coder from a model file (already sha256-verified) on an engine of the calling thread. */
export type LearnedCoderFactory = (modelBytes: Uint8Array, source: string, engine: Engine) => LearnedTileCoder;

/** A LearnedCoderFactory that any thread can load: `(await import(moduleUrl))[exportName]`. */
export interface LearnedCoderFactoryRef {
  /** file: URL of an ES module. */
  readonly moduleUrl: string;
  /** Name of the module's export that is a LearnedCoderFactory. */
  readonly exportName: string;
}

/** The integer IDF coder (src/codec/idf-tile-coder.ts), used for every model in the registry. */
export const IDF_CODER_FACTORY: LearnedCoderFactoryRef = {
  moduleUrl: new URL('./idf-tile-coder.js', import.meta.url).href,
  exportName: 'createIdfTileCoder',
};

/** A model ready to become a learned coder in any thread. */
export interface LearnedCoderSpec {
  /** The factory that reads the model. */
  readonly factory: LearnedCoderFactoryRef;
  /** The model file, sha256-verified. */
  readonly modelBytes: Uint8Array;
  /** The model's name for messages (its file path). */
  readonly source: string;
}

/**
 * Coders already built, per model file (the same bytes object, e.g. one LoadedModel decoding many files), then per
 * factory and kernel. A coder codes one tile at a time synchronously, so callers in one thread can share it.
 */
const built = new WeakMap<Uint8Array, Map<string, Promise<LearnedTileCoder>>>();

/**
 * The coder of a model on an engine of `kernel`: built on first use for these model bytes, then shared.
 * @throws ModelError when the model cannot be read or describes an unusable coder; InternalError when the factory
 *   module does not export a function of that name
 */
export function createLearnedCoder(spec: LearnedCoderSpec, kernel: KernelName): Promise<LearnedTileCoder> {
  let forModel = built.get(spec.modelBytes);
  if (!forModel) {
    forModel = new Map();
    built.set(spec.modelBytes, forModel);
  }
  const key = `${spec.factory.moduleUrl}#${spec.factory.exportName}#${kernel}`;
  let coder = forModel.get(key);
  if (!coder) {
    coder = buildLearnedCoder(spec, kernel);
    forModel.set(key, coder);
    // A model that fails to load is not remembered: the error comes back on every use.
    coder.catch(() => forModel.delete(key));
  }
  return coder;
}

async function buildLearnedCoder(spec: LearnedCoderSpec, kernel: KernelName): Promise<LearnedTileCoder> {
  const module = (await import(spec.factory.moduleUrl)) as Record<string, unknown>;
  const factory = module[spec.factory.exportName];
  if (typeof factory !== 'function') {
    throw new InternalError(`internal error: ${spec.factory.moduleUrl} exports no learned-coder factory "${spec.factory.exportName}"`);
  }
  const coder = (factory as LearnedCoderFactory)(spec.modelBytes, spec.source, createEngine({ kernel }));
  if (coder.channels !== 1 && coder.channels !== 3) {
    throw new ModelError(`${spec.source}: the model codes ${coder.channels} channels; idfz supports 1 or 3`);
  }
  if (!Number.isInteger(coder.sizeMultiple) || coder.sizeMultiple < 1 || coder.sizeMultiple > 4096) {
    throw new ModelError(`${spec.source}: the model's size multiple ${coder.sizeMultiple} is not in 1..4096`);
  }
  return coder;
}
