/**
 * Runs a seeded fuzz campaign against the decoder: the cases run in a worker thread (scripts/fuzz-worker.ts) and
 * this thread times each one, killing the worker when a case has not ended within the limit (a hang) and going on
 * with a fresh worker from the next case. Invariant: every case index of the run gets exactly one outcome.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MUTATION_KINDS } from './fuzz-mutations.js';
import type { FuzzWorkerInput, FuzzWorkerMessage, Outcome } from './fuzz-worker.js';

/** The golden streams: the corpus the mutations start from. */
export const DEFAULT_CORPUS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/golden');

/** Options of runFuzz. */
export interface FuzzOptions {
  /** Cases to run. */
  readonly cases: number;
  /** Index of the first case; default 0 (a long campaign can run as chunks of one seed). */
  readonly first?: number;
  /** Seed of the whole run; default 1. */
  readonly seed?: number;
  /** A case that has not ended after this many milliseconds is a hang; default 1000. */
  readonly limitMs?: number;
  /** Threads handed to decompress; default 1 (2 or more start tile workers for every case: slower). */
  readonly threads?: number;
  /** Pixel limit handed to decompress; default 2^22. */
  readonly maxPixels?: number;
  /** Peak-memory growth in bytes that counts as a crash; default 512 MiB. */
  readonly maxMemoryGrowth?: number;
  /** Folder of golden.json and its files; default fixtures/golden. */
  readonly corpusFolder?: string;
  /** Test seams, see FuzzWorkerInput. */
  readonly simulate?: FuzzWorkerInput['simulate'];
  /** Called after each case with the number done. */
  readonly onProgress?: (done: number) => void;
}

/** A case that crashed or hung, with what is needed to replay it. */
export interface FuzzFailure {
  readonly index: number;
  readonly kind: string;
  readonly source: string;
  readonly outcome: 'crash' | 'hang';
  readonly message: string;
}

/** The result of a run. */
export interface FuzzReport {
  seed: number;
  first: number;
  cases: number;
  crashes: number;
  hangs: number;
  /** Longest time a case took (hangs count with the limit). */
  maxMs: number;
  meanMs: number;
  exact: number;
  corrupt: number;
  limit: number;
  model: number;
  otherErrors: number;
  /** Decodes without error to other pixels than the source file's: a self-consistent different file, not a bug. */
  decodedOther: number;
  seconds: number;
  /** Cases per mutation kind. */
  byKind: Record<string, number>;
  /** The first 50 crashes and hangs. */
  failures: FuzzFailure[];
}

const COUNTERS: Record<Exclude<Outcome, 'crash'>, keyof FuzzReport> = {
  exact: 'exact', 'decoded-other': 'decodedOther', corrupt: 'corrupt', limit: 'limit', model: 'model', 'other-error': 'otherErrors',
};

/**
 * Runs cases first..first+cases-1 of a seed.
 * @throws Error when the corpus does not decode exactly or a worker cannot start
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? 1;
  const limitMs = options.limitMs ?? 1000;
  const first = options.first ?? 0;
  const started = performance.now();
  const report: FuzzReport = {
    seed, first, cases: options.cases, crashes: 0, hangs: 0, maxMs: 0, meanMs: 0, exact: 0, corrupt: 0, limit: 0, model: 0,
    otherErrors: 0, decodedOther: 0, seconds: 0, byKind: Object.fromEntries(MUTATION_KINDS.map((kind) => [kind, 0])), failures: [],
  };
  let totalMs = 0;
  const fail = (failure: FuzzFailure): void => {
    if (failure.outcome === 'crash') report.crashes++;
    else report.hangs++;
    if (report.failures.length < 50) report.failures.push(failure);
  };
  const end = first + options.cases;
  let next = first;
  while (next < end) {
    next = await runWorker({
      corpusFolder: options.corpusFolder ?? DEFAULT_CORPUS,
      seed,
      from: next,
      to: end,
      maxPixels: options.maxPixels ?? 2 ** 22,
      threads: options.threads ?? 1,
      maxMemoryGrowth: options.maxMemoryGrowth ?? 512 * 2 ** 20,
      ...(options.simulate ? { simulate: options.simulate } : {}),
    }, limitMs, (index, kind, source, outcome, ms, message) => {
      report.byKind[kind] = (report.byKind[kind] ?? 0) + 1;
      report.maxMs = Math.max(report.maxMs, ms);
      totalMs += ms;
      if (outcome === 'crash' || outcome === 'hang') fail({ index, kind, source, outcome, message: message ?? '' });
      else (report[COUNTERS[outcome]] as number)++;
      options.onProgress?.(index + 1 - first);
    });
  }
  report.maxMs = Math.round(report.maxMs * 10) / 10;
  report.meanMs = options.cases > 0 ? Math.round((totalMs / options.cases) * 100) / 100 : 0;
  report.seconds = Math.round((performance.now() - started) / 100) / 10;
  return report;
}

type OnCase = (index: number, kind: string, source: string, outcome: Outcome | 'hang', ms: number, message?: string) => void;

/**
 * One worker from `input.from`: resolves with the index to go on from (input.to when all ran, or the case after
 * one that hung or killed the worker).
 */
function runWorker(input: FuzzWorkerInput, limitMs: number, onCase: OnCase): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const worker = new Worker(new URL('./fuzz-worker.js', import.meta.url), { workerData: input });
    let current: { index: number; kind: string; source: string; at: number } | null = null;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.removeAllListeners();
      void worker.terminate();
      action();
    };
    worker.on('message', (message: FuzzWorkerMessage) => {
      switch (message.type) {
        case 'ready':
          return;
        case 'start':
          current = { index: message.index, kind: message.kind, source: message.source, at: performance.now() };
          timer = setTimeout(() => {
            const hung = current!;
            onCase(hung.index, hung.kind, hung.source, 'hang', performance.now() - hung.at, `no end after ${limitMs} ms; the worker was killed`);
            settle(() => resolve(hung.index + 1));
          }, limitMs);
          return;
        case 'end':
          clearTimeout(timer);
          onCase(message.index, current!.kind, current!.source, message.outcome, message.ms, message.message);
          current = null;
          if (message.index + 1 === input.to) settle(() => resolve(input.to));
          return;
        case 'fatal':
          settle(() => reject(new Error(`fuzz worker: ${message.message}`)));
      }
    });
    const died = (why: string): void => {
      if (!current) {
        settle(() => reject(new Error(`fuzz worker: ${why} outside any case`)));
        return;
      }
      const { index, kind, source, at } = current;
      onCase(index, kind, source, 'crash', performance.now() - at, why);
      settle(() => resolve(index + 1));
    };
    worker.on('error', (error) => died(`uncaught ${error.name}: ${error.message}`));
    worker.on('exit', (code) => died(`the worker exited with code ${code}`));
  });
}
