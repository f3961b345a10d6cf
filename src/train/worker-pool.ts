/**
 * Data-parallel training over worker_threads: every worker holds its own tfjs instance and computes gradients for a
 * share of each batch; the pool sums them (workers' gradients are sums over images, so the mean is exact whatever
 * the split). Parameters live in one SharedArrayBuffer that only the main thread writes, between steps.
 */
import { Worker } from 'node:worker_threads';
import { InternalError } from '../core/errors.js';
import type { IdfSpec } from '../arch/idf-spec.js';
import type { BackendName } from './backend.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './worker-protocol.js';

/** What the pool trains on. */
export interface PoolOptions {
  readonly workers: number;
  readonly backend: BackendName;
  readonly spec: IdfSpec;
  readonly initialParams: Float32Array;
  /** All images the pool may be asked about (train and validation), uint8 HWC image after image. */
  readonly images: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** A request before the pool numbers it (distributes Omit over the union). */
type UnnumberedRequest = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface PendingReply {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

/** Splits `items` into `parts` contiguous, nearly equal shares. */
function shares<T>(items: readonly T[], parts: number): T[][] {
  const result: T[][] = [];
  for (let p = 0; p < parts; p++) {
    result.push(items.slice(Math.floor((p * items.length) / parts), Math.floor(((p + 1) * items.length) / parts)));
  }
  return result;
}

/** A started pool of gradient workers. */
export class WorkerPool {
  /** The shared parameter vector: write only between calls. */
  readonly params: Float32Array;
  private readonly grads: Float32Array[];
  private readonly workers: Worker[];
  private readonly pending = new Map<number, PendingReply>();
  private nextId = 1;

  private constructor(params: Float32Array, grads: Float32Array[], workers: Worker[]) {
    this.params = params;
    this.grads = grads;
    this.workers = workers;
    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'ready') return;
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (!waiting) return;
        if (reply.kind === 'error') waiting.reject(new InternalError(`training worker failed: ${reply.message}\n${reply.stack ?? ''}`));
        else waiting.resolve(reply);
      });
      worker.on('error', (error) => this.failAll(error));
    }
  }

  /** Starts `options.workers` workers and waits until each has built its model. */
  static async start(options: PoolOptions): Promise<WorkerPool> {
    const size = options.initialParams.length;
    const paramsBuffer = new SharedArrayBuffer(size * 4);
    const params = new Float32Array(paramsBuffer);
    params.set(options.initialParams);
    const imagesBuffer = new SharedArrayBuffer(options.images.length);
    new Uint8Array(imagesBuffer).set(options.images);
    const grads: Float32Array[] = [];
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < options.workers; w++) {
      const gradBuffer = new SharedArrayBuffer(size * 4);
      grads.push(new Float32Array(gradBuffer));
      const init: WorkerInit = {
        backend: options.backend,
        spec: options.spec,
        params: paramsBuffer,
        grad: gradBuffer,
        images: imagesBuffer,
        height: options.height,
        width: options.width,
        channels: options.channels,
      };
      const worker = new Worker(new URL('./gradient-worker.js', import.meta.url), { workerData: init });
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', (reply: WorkerReply) => (reply.kind === 'ready' ? resolve() : reject(new InternalError('worker did not start'))));
          worker.once('error', reject);
        }),
      );
      workers.push(worker);
    }
    await Promise.all(ready);
    return new WorkerPool(params, grads, workers);
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  private request(worker: Worker, message: UnnumberedRequest): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  /**
   * Mean bits/dim of a batch and its gradient (written into `gradOut`, averaged over the batch).
   * @param indices image indices into the pool's images; flips: mirror flags, same length
   */
  async step(indices: readonly number[], flips: readonly boolean[], gradOut: Float32Array): Promise<number> {
    const parts = shares(indices.map((index, i) => [index, flips[i]!] as const), this.workers.length);
    const active = parts.map((part, w) => ({ part, w })).filter(({ part }) => part.length > 0);
    const replies = await Promise.all(
      active.map(({ part, w }) => this.request(this.workers[w]!, { kind: 'step', indices: part.map((p) => p[0]), flips: part.map((p) => p[1]) })),
    );
    gradOut.fill(0);
    let bitsSum = 0;
    for (const [i, { w }] of active.entries()) {
      const reply = replies[i]!;
      if (reply.kind !== 'step') throw new InternalError('unexpected worker reply');
      bitsSum += reply.bitsSum;
      const grad = this.grads[w]!;
      for (let k = 0; k < gradOut.length; k++) gradOut[k]! += grad[k]!;
    }
    const scale = 1 / indices.length;
    for (let k = 0; k < gradOut.length; k++) gradOut[k]! *= scale;
    return bitsSum * scale;
  }

  /** Bits/dim of each image (forward only), in the order of `indices`; `batchSize` images per worker request. */
  async evaluate(indices: readonly number[], batchSize: number): Promise<number[]> {
    const batches: number[][] = [];
    for (let i = 0; i < indices.length; i += batchSize) batches.push(indices.slice(i, i + batchSize));
    const results: number[][] = new Array(batches.length);
    let next = 0;
    await Promise.all(
      this.workers.map(async (worker) => {
        while (next < batches.length) {
          const b = next++;
          const reply = await this.request(worker, { kind: 'eval', indices: batches[b]! });
          if (reply.kind !== 'eval') throw new InternalError('unexpected worker reply');
          results[b] = [...reply.bits];
        }
      }),
    );
    return results.flat();
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
