/**
 * The fuzzer's worker thread: decodes fuzz cases from..to-1 in-process with the real decompress (the installed
 * models found by numeric id, as `idfz decompress` does) and reports each case's outcome and time to the
 * parent, which kills this thread when a case does not end in time. Invariant: a message 'start' precedes every
 * case and 'end' follows it, so the parent always knows which case is running.
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { decompress } from '../src/codec/index.js';
import { CorruptStreamError, IdfzError, InternalError, LimitError, ModelError } from '../src/core/errors.js';
import { pixelBytes } from '../src/image/pixel-buffer.js';
import { findModelByNumericId, loadModel, type LoadedModel } from '../src/zoo/index.js';
import { fuzzCase, loadCorpus } from './fuzz-mutations.js';

/** What the parent hands the worker. */
export interface FuzzWorkerInput {
  readonly corpusFolder: string;
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  readonly maxPixels: number;
  /** Threads decompress decodes tiles on (more than 1 also fuzzes the tile workers and their error passing). */
  readonly threads: number;
  /** Growth of the process's peak memory over the warmed-up peak that counts as a crash, in bytes. */
  readonly maxMemoryGrowth: number;
  /** Test seams: the case that loops forever, the case whose decoder throws a TypeError. */
  readonly simulate?: { readonly hangAt?: number; readonly throwAt?: number };
}

/** How a case ended. Crashes are InternalError, any other exception, or memory past the limit. */
export type Outcome = 'exact' | 'decoded-other' | 'corrupt' | 'limit' | 'model' | 'other-error' | 'crash';

/** Messages to the parent. */
export type FuzzWorkerMessage =
  | { type: 'ready' }
  | { type: 'start'; index: number; kind: string; source: string }
  | { type: 'end'; index: number; outcome: Outcome; ms: number; message?: string }
  | { type: 'fatal'; message: string };

const port = parentPort;
if (!port) throw new Error('fuzz-worker.js must run in a worker thread');
const input = workerData as FuzzWorkerInput;

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const models = new Map<number, Promise<LoadedModel>>();
function modelFor(numericId: number): Promise<LoadedModel> {
  let model = models.get(numericId);
  if (!model) {
    model = findModelByNumericId(numericId).then((record) => {
      if (!record) throw new ModelError(`no installed model has numeric id ${numericId}`);
      return loadModel(record);
    });
    models.set(numericId, model);
  }
  return model;
}

function classify(error: unknown): { outcome: Outcome; message: string } {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (!(error instanceof IdfzError) || error instanceof InternalError) {
    const at = error instanceof Error ? error.stack?.split('\n')[1]?.trim() ?? '' : '';
    return { outcome: 'crash', message: `${message} ${at}`.trim() };
  }
  if (error instanceof CorruptStreamError) return { outcome: 'corrupt', message };
  if (error instanceof LimitError) return { outcome: 'limit', message };
  if (error instanceof ModelError) return { outcome: 'model', message };
  return { outcome: 'other-error', message };
}

async function decodeCase(bytes: Uint8Array, name: string, index: number): Promise<Uint8Array> {
  if (input.simulate?.hangAt === index) for (;;);
  if (input.simulate?.throwAt === index) throw new TypeError('simulated decoder bug');
  const pixels = await decompress(bytes, {
    resolveModel: (numericId) => modelFor(numericId),
    threads: input.threads,
    maxPixels: input.maxPixels,
    source: name,
  });
  return pixelBytes(pixels);
}

async function run(): Promise<void> {
  const { files: corpus, pixelsSha256: expected } = loadCorpus(input.corpusFolder);
  // Warm up (model loading, engine compilation) and check the corpus itself decodes exactly.
  for (const file of corpus) {
    const pixels = await decodeCase(file.bytes, file.name, -1);
    if (sha256Hex(pixels) !== expected.get(file.name)) throw new Error(`${file.name}: the corpus file itself does not decode exactly`);
  }
  let baseline = process.resourceUsage().maxRSS * 1024;
  port!.postMessage({ type: 'ready' } satisfies FuzzWorkerMessage);
  for (let index = input.from; index < input.to; index++) {
    const fuzz = fuzzCase(corpus, input.seed, index);
    const name = `case-${index}`;
    port!.postMessage({ type: 'start', index, kind: fuzz.kind, source: fuzz.source } satisfies FuzzWorkerMessage);
    const started = performance.now();
    let result: { outcome: Outcome; message?: string };
    try {
      const pixels = await decodeCase(fuzz.bytes, name, index);
      result = sha256Hex(pixels) === expected.get(fuzz.source) ? { outcome: 'exact' } : { outcome: 'decoded-other' };
    } catch (error) {
      result = classify(error);
    }
    const ms = performance.now() - started;
    const peak = process.resourceUsage().maxRSS * 1024;
    if (peak - baseline > input.maxMemoryGrowth) {
      result = { outcome: 'crash', message: `peak memory grew by ${Math.round((peak - baseline) / 2 ** 20)} MiB (${result.outcome})` };
      baseline = peak; // the peak only grows: judge later cases against this one
    }
    port!.postMessage({ type: 'end', index, ms, ...result } satisfies FuzzWorkerMessage);
  }
}

run().catch((error: unknown) => {
  port.postMessage({ type: 'fatal', message: error instanceof Error ? error.message : String(error) } satisfies FuzzWorkerMessage);
});
