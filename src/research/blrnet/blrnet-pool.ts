/**
 * Data-parallel PBNet training over worker_threads (the pattern of src/train/worker-pool.ts): every worker holds its
 * own tfjs instance and computes the gradient sum for a share of each batch; the pool adds them and divides once.
 * Parameters live in one SharedArrayBuffer that only the main thread writes, between requests. Invariant: a step's
 * result depends only on (parameters, indices, flips, seed, worker count).
 */
import { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/errors.js';
import type { BackendName } from '../../train/backend.js';
import type { BlrnetSpec } from './blrnet-spec.js';
import type { BlrnetWorkerInit, BlrnetWorkerReply, BlrnetWorkerRequest } from './blrnet-worker-protocol.js';

/** What the pool trains on. */
export interface BlrnetPoolOptions {
  readonly workers: number;
  readonly backend: BackendName;
  readonly spec: BlrnetSpec;
  readonly initialParams: Float32Array;
  /** Every image the pool may be asked about (train and validation), uint8 HWC, image after image. */
  readonly images: Uint8Array;
  /** Label per image. */
  readonly labels: Uint16Array;
  readonly temperature: number;
}

/** Mean loss, accuracy and batch-norm moments of one step. */
export interface StepResult {
  readonly loss: number;
  readonly accuracy: number;
  /** Per-layer batch moments, averaged over the workers' shares (layout of the running moments). */
  readonly moments: Float32Array;
}

type Unnumbered = BlrnetWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

function shares<T>(items: readonly T[], parts: number): T[][] {
  return [...Array(parts).keys()].map((p) => items.slice(Math.floor((p * items.length) / parts), Math.floor(((p + 1) * items.length) / parts)));
}

/** A started pool of PBNet workers. */
export class BlrnetPool {
  /** The shared parameter vector: write only between requests. */
  readonly params: Float32Array;
  private readonly pending = new Map<number, { resolve: (reply: BlrnetWorkerReply) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  private constructor(params: Float32Array, private readonly grads: Float32Array[], private readonly workers: Worker[]) {
    this.params = params;
    for (const worker of workers) {
      worker.on('message', (reply: BlrnetWorkerReply) => {
        if (reply.kind === 'ready') return;
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (!waiting) return;
        if (reply.kind === 'error') waiting.reject(new InternalError(`blrnet worker failed: ${reply.message}\n${reply.stack ?? ''}`));
        else waiting.resolve(reply);
      });
      worker.on('error', (error) => {
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
      });
    }
  }

  /** Starts `options.workers` workers and waits until each has built its model. */
  static async start(options: BlrnetPoolOptions): Promise<BlrnetPool> {
    const size = options.initialParams.length;
    const paramsBuffer = new SharedArrayBuffer(size * 4);
    const params = new Float32Array(paramsBuffer);
    params.set(options.initialParams);
    const imagesBuffer = new SharedArrayBuffer(options.images.length);
    new Uint8Array(imagesBuffer).set(options.images);
    const labelsBuffer = new SharedArrayBuffer(options.labels.length * 2);
    new Uint16Array(labelsBuffer).set(options.labels);
    const grads: Float32Array[] = [];
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    const { height, width, channels } = options.spec;
    for (let w = 0; w < options.workers; w++) {
      const gradBuffer = new SharedArrayBuffer(size * 4);
      grads.push(new Float32Array(gradBuffer));
      const init: BlrnetWorkerInit = { backend: options.backend, spec: options.spec, params: paramsBuffer, grad: gradBuffer,
        images: imagesBuffer, labels: labelsBuffer, height, width, channels, temperature: options.temperature };
      const worker = new Worker(new URL('./blrnet-worker.js', import.meta.url), { workerData: init });
      ready.push(new Promise((resolve, reject) => {
        worker.once('message', (reply: BlrnetWorkerReply) => (reply.kind === 'ready' ? resolve() : reject(new InternalError('blrnet worker did not start'))));
        worker.once('error', reject);
      }));
      workers.push(worker);
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new BlrnetPool(params, grads, workers);
  }

  private request(worker: Worker, message: Unnumbered): Promise<BlrnetWorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  /**
   * One training step's mean loss, accuracy and moments; the mean gradient is written into `gradOut`.
   * @param seed seeds the noise; worker w draws with seed + w
   */
  async step(indices: readonly number[], flips: readonly boolean[], seed: number, gradOut: Float32Array): Promise<StepResult> {
    const parts = shares(indices.map((index, i) => [index, flips[i] ?? false] as const), this.workers.length);
    const active = parts.map((part, w) => ({ part, w })).filter(({ part }) => part.length > 0);
    const replies = await Promise.all(active.map(({ part, w }) =>
      this.request(this.workers[w]!, { kind: 'step', indices: part.map((p) => p[0]), flips: part.map((p) => p[1]), seed: (seed + w) >>> 0 })));
    gradOut.fill(0);
    let lossSum = 0;
    let correct = 0;
    let moments: Float32Array | null = null;
    for (const [i, { w }] of active.entries()) {
      const reply = replies[i]!;
      if (reply.kind !== 'step') throw new InternalError('unexpected blrnet worker reply');
      lossSum += reply.lossSum;
      correct += reply.correct;
      const weight = reply.count / indices.length;
      moments ??= new Float32Array(reply.moments.length);
      for (let k = 0; k < moments.length; k++) moments[k]! += weight * reply.moments[k]!;
      const grad = this.grads[w]!;
      for (let k = 0; k < gradOut.length; k++) gradOut[k]! += grad[k]!;
    }
    const scale = 1 / indices.length;
    for (let k = 0; k < gradOut.length; k++) gradOut[k]! *= scale;
    return { loss: lossSum * scale, accuracy: correct * scale, moments: moments! };
  }

  /** Mean loss and accuracy of the propagation pass over `indices`, `batchSize` images per request. */
  async propagate(indices: readonly number[], running: Float32Array, batchSize: number): Promise<{ loss: number; accuracy: number }> {
    const batches: number[][] = [];
    for (let i = 0; i < indices.length; i += batchSize) batches.push(indices.slice(i, i + batchSize));
    let next = 0;
    let lossSum = 0;
    let correct = 0;
    await Promise.all(this.workers.map(async (worker) => {
      while (next < batches.length) {
        const reply = await this.request(worker, { kind: 'propagate', indices: batches[next++]!, running });
        if (reply.kind !== 'propagate') throw new InternalError('unexpected blrnet worker reply');
        lossSum += reply.lossSum;
        correct += reply.correct;
      }
    }));
    return { loss: lossSum / indices.length, accuracy: correct / indices.length };
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
