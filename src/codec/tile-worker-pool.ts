/**
 * Codes and decodes tiles on N threads: worker threads (one engine and learned coder each, built once) when N > 1
 * and there is more than one tile, else in the calling thread. Each worker holds one job at a time, so at most N
 * tiles are in flight; results are handed back with their tile index, so what the caller builds does not depend
 * on N or on which worker finished first (the invariant behind "--threads 1 and 2 give the same file"). In the
 * calling thread, the event loop gets a turn between tiles, so a signal (Ctrl-C) is handled within one tile.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InternalError } from '../core/errors.js';
import type { KernelName } from '../engine/index.js';
import type { Samples } from './fallback-coder.js';
import { createLearnedCoder, type LearnedCoderSpec } from './learned-coder-source.js';
import type { LearnedTileCoder } from './learned-tile-coder.js';
import type { TileShape } from './tile-layout.js';
import { decodeTilePayload, encodeTilePayload, type CodedTile, type TileFormat } from './tile-payload.js';
import {
  deserializeError, type TileJobMessage, type TileResultMessage, type TileWorkerInit,
} from './tile-worker-protocol.js';

/** Largest thread count accepted. */
export const MAX_THREADS = 256;

/** The default thread count: every core the process may use. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
}

/** Options of openTilePool. */
export interface TilePoolOptions {
  /** The learned model, or null to code every tile with the fallback coder. */
  readonly learned: LearnedCoderSpec | null;
  /** Engine kernel set; default 'wasm'. Both give identical bytes. */
  readonly kernel?: KernelName;
  /** Threads, 1..MAX_THREADS; default 1. No more workers than tiles are started. */
  readonly threads?: number;
}

/** One tile to code: its samples (padding replicated) and shape. */
export interface EncodeJob {
  readonly tile: Samples;
  readonly shape: TileShape;
}

/** One tile to decode. */
export interface DecodeJob {
  readonly payload: Uint8Array;
  readonly fallback: boolean;
  readonly shape: TileShape;
}

/** Lets the event loop run (signal handlers, I/O) before the next tile is coded in the calling thread. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

type JobFor = (id: number) => { message: TileJobMessage; transfer: ArrayBuffer[] };

/** Tiles coded on one or more threads. Close it when done (it ends its workers). */
export class TilePool {
  private workers: Worker[] = [];

  private constructor(
    /** The learned coder of the calling thread (its channels and size multiple plan the layout), or null. */
    readonly learned: LearnedTileCoder | null,
    private readonly init: TileWorkerInit,
    private readonly threads: number,
  ) {}

  /**
   * Builds the calling thread's learned coder (which also checks the model) and sizes the pool.
   * @throws ModelError when the model cannot be loaded; InternalError for a thread count out of range
   */
  static async open(options: TilePoolOptions): Promise<TilePool> {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
      throw new InternalError(`internal error: thread count ${threads} not in 1..${MAX_THREADS}`);
    }
    const kernel = options.kernel ?? 'wasm';
    const learned = options.learned ? await createLearnedCoder(options.learned, kernel) : null;
    return new TilePool(learned, { learned: options.learned, kernel }, threads);
  }

  /**
   * Codes `count` tiles with the given format.
   * @param job builds tile i (called just before the tile is coded, so only in-flight tiles are in memory)
   * @param done receives tile i's result
   */
  async encode(count: number, format: TileFormat, job: (index: number) => EncodeJob, done: (index: number, tile: CodedTile) => void): Promise<void> {
    if (this.threads === 1 || count <= 1) {
      for (let i = 0; i < count; i++) {
        if (i > 0) await yieldToEventLoop();
        const { tile, shape } = job(i);
        done(i, encodeTilePayload(tile, shape, format, this.learned));
      }
      return;
    }
    await this.run(count, (id) => {
      const { tile, shape } = job(id);
      return { message: { id, op: 'encode', tile, shape, format }, transfer: [tile.buffer as ArrayBuffer] };
    }, (id, result) => {
      if (!('payload' in result)) throw new InternalError('internal error: a tile worker answered an encode job with samples');
      done(id, { payload: result.payload, fallback: result.fallback });
    });
  }

  /**
   * Decodes `count` tiles with the given format.
   * @param job gives tile i's payload (it is copied to the worker)
   * @param done receives tile i's inside part (see decodeTilePayload)
   * @param tileError turns an error raised while decoding tile i into the error to throw (e.g. naming the tile)
   * @throws CorruptStreamError from the first tile that fails to decode
   */
  async decode(
    count: number, format: TileFormat, job: (index: number) => DecodeJob, done: (index: number, samples: Samples) => void,
    tileError: (index: number, error: unknown) => unknown = (_, error) => error,
  ): Promise<void> {
    if (this.threads === 1 || count <= 1) {
      for (let i = 0; i < count; i++) {
        if (i > 0) await yieldToEventLoop();
        const { payload, fallback, shape } = job(i);
        let samples: Samples;
        try {
          samples = decodeTilePayload(payload, fallback, shape, format, this.learned);
        } catch (error) {
          throw tileError(i, error);
        }
        done(i, samples);
      }
      return;
    }
    await this.run(count, (id) => {
      const { payload, fallback, shape } = job(id);
      const copy = new Uint8Array(payload); // a copy with its own buffer (a Buffer's slice() would share the file's)
      return { message: { id, op: 'decode', payload: copy, fallback, shape, format }, transfer: [copy.buffer] };
    }, (id, result) => {
      if (!('samples' in result)) throw new InternalError('internal error: a tile worker answered a decode job with a payload');
      done(id, result.samples);
    }, tileError);
  }

  /** Ends the workers. The pool can be used again afterwards (it starts new ones). */
  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private startWorkers(count: number): void {
    while (this.workers.length < Math.min(this.threads, count)) {
      this.workers.push(new Worker(new URL('./tile-worker.js', import.meta.url), { workerData: this.init }));
    }
  }

  /** Hands jobs 0..count-1 to the workers, one at a time each, until all are answered or one fails. */
  private run(
    count: number, jobFor: JobFor, onResult: (id: number, result: TileResultMessage & { ok: true }) => void,
    tileError: (index: number, error: unknown) => unknown = (_, error) => error,
  ): Promise<void> {
    this.startWorkers(count);
    return new Promise<void>((resolve, reject) => {
      let next = 0;
      let answered = 0;
      let failed = false;
      const cleanups: (() => void)[] = [];
      const finish = (error?: unknown): void => {
        if (failed) return;
        if (error !== undefined) failed = true;
        if (error === undefined && answered < count) return;
        for (const cleanup of cleanups) cleanup();
        if (error !== undefined) {
          // Workers may still be busy with a job: end them so nothing keeps running after the failure.
          void this.close();
          reject(error);
        } else {
          resolve();
        }
      };
      const feed = (worker: Worker): void => {
        if (failed || next >= count) return;
        try {
          const { message, transfer } = jobFor(next++);
          worker.postMessage(message, transfer);
        } catch (error) {
          finish(error);
        }
      };
      for (const worker of this.workers) {
        const onMessage = (result: TileResultMessage): void => {
          if (failed) return;
          if (!result.ok) {
            finish(tileError(result.id, deserializeError(result.error)));
            return;
          }
          try {
            onResult(result.id, result);
          } catch (error) {
            finish(error);
            return;
          }
          answered++;
          feed(worker);
          finish();
        };
        const onError = (error: Error): void => finish(new InternalError(`internal error in a tile worker: ${error.message}`, { cause: error }));
        const onExit = (code: number): void => finish(new InternalError(`internal error: a tile worker exited (code ${code}) before its job was done`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        cleanups.push(() => {
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        });
      }
      if (count === 0) {
        finish();
        return;
      }
      for (const worker of this.workers) feed(worker);
    });
  }
}
