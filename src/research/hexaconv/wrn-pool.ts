/**
 * Data-parallel HexaConv training over worker_threads (the pattern of src/train/worker-pool.ts): each worker computes
 * the summed gradient and batch moments of its share of a batch; the pool adds the gradients and pools the moments
 * (each worker normalises with its own share's moments, like per-device batch normalisation). Invariant: the mean
 * gradient is exact whatever the split, since workers return sums.
 */
import { Worker } from 'node:worker_threads';
import { InternalError } from '../../core/errors.js';
import type { BackendName } from '../../train/backend.js';
import type { ImageDataset } from '../../data/dataset.js';
import type { Augmentation, Normalisation } from './input-pipeline.js';
import type { WrnSpec } from './wrn-spec.js';
import type { WrnWorkerInit, WrnWorkerReply, WrnWorkerRequest } from './wrn-worker-protocol.js';

/** What a pool is started with. */
export interface WrnPoolOptions {
  readonly workers: number;
  readonly backend: BackendName;
  readonly spec: WrnSpec;
  readonly params: Float32Array;
  /** Running mean then variance of every normalisation layer (normLayers order). */
  readonly running: Float32Array;
  /** Channels of every normalisation layer, normLayers order. */
  readonly normChannels: readonly number[];
  /** Every image the pool may be asked about, with labels. */
  readonly images: ImageDataset;
  readonly normalisation: Normalisation;
}

/** Summed loss (nats) and correct predictions of a batch. */
export interface BatchResult {
  readonly lossSum: number;
  readonly correct: number;
}

type UnnumberedRequest = WrnWorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

function shares<T>(items: readonly T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, p) => items.slice(Math.floor((p * items.length) / parts), Math.floor(((p + 1) * items.length) / parts)));
}

/** A started pool. */
export class WrnPool {
  /** Shared parameters: write only between calls. */
  readonly params: Float32Array;
  /** Shared running moments: write only between calls. */
  readonly running: Float32Array;
  private readonly pending = new Map<number, { resolve: (reply: WrnWorkerReply) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private closing = false;

  private constructor(
    params: Float32Array,
    running: Float32Array,
    private readonly grads: Float32Array[],
    private readonly moments: Float32Array[],
    private readonly workers: Worker[],
    private readonly normChannels: readonly number[],
  ) {
    this.params = params;
    this.running = running;
    for (const worker of workers) {
      worker.on('message', (reply: WrnWorkerReply) => {
        if (reply.kind === 'ready') return;
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (!waiting) return;
        if (reply.kind === 'error') waiting.reject(new InternalError(`hexaconv worker failed: ${reply.message}\n${reply.stack ?? ''}`));
        else waiting.resolve(reply);
      });
      worker.on('error', (error) => this.failAll(error));
      // A worker can also end without an error event (tfjs-wasm aborts on an exhausted heap by exiting).
      worker.on('exit', (code) => {
        if (!this.closing) this.failAll(new InternalError(`hexaconv worker exited (code ${code}); if the wasm heap ran out, use a smaller --batch-size or budget`));
      });
    }
  }

  /** Starts the workers and waits until each has built its network. */
  static async start(options: WrnPoolOptions): Promise<WrnPool> {
    const shared = (floats: Float32Array) => {
      const buffer = new SharedArrayBuffer(floats.byteLength);
      new Float32Array(buffer).set(floats);
      return buffer;
    };
    const paramsBuffer = shared(options.params);
    const runningBuffer = shared(options.running);
    const imagesBuffer = new SharedArrayBuffer(options.images.images.length);
    new Uint8Array(imagesBuffer).set(options.images.images);
    const labelsBuffer = new SharedArrayBuffer(options.images.count * 2);
    if (!options.images.labels) throw new InternalError(`${options.images.name} has no labels`);
    new Uint16Array(labelsBuffer).set(options.images.labels);
    const grads: Float32Array[] = [];
    const moments: Float32Array[] = [];
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let w = 0; w < options.workers; w++) {
      const gradBuffer = new SharedArrayBuffer(options.params.byteLength);
      const momentsBuffer = new SharedArrayBuffer(options.running.byteLength);
      grads.push(new Float32Array(gradBuffer));
      moments.push(new Float32Array(momentsBuffer));
      const init: WrnWorkerInit = {
        backend: options.backend,
        spec: options.spec,
        params: paramsBuffer,
        running: runningBuffer,
        grad: gradBuffer,
        moments: momentsBuffer,
        images: imagesBuffer,
        labels: labelsBuffer,
        normalisation: options.normalisation,
      };
      const worker = new Worker(new URL('./wrn-worker.js', import.meta.url), { workerData: init });
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', (reply: WrnWorkerReply) => (reply.kind === 'ready' ? resolve() : reject(new InternalError('hexaconv worker did not start'))));
          worker.once('error', reject);
        }),
      );
      workers.push(worker);
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new WrnPool(new Float32Array(paramsBuffer), new Float32Array(runningBuffer), grads, moments, workers, options.normChannels);
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  private request(worker: Worker, message: UnnumberedRequest): Promise<WrnWorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  /**
   * One training batch: writes the mean gradient into `gradOut` and the batch moments (each worker's share's moments,
   * averaged with weights by share size: the pooled mean, and the mean of the shares' variances plus the spread of
   * their means) into `momentsOut`.
   */
  async step(indices: readonly number[], augmentations: readonly Augmentation[], gradOut: Float32Array, momentsOut: Float32Array): Promise<BatchResult> {
    const parts = shares(indices.map((index, i) => ({ index, augmentation: augmentations[i]! })), this.workers.length);
    const active = parts.map((part, w) => ({ part, w })).filter(({ part }) => part.length > 0);
    const replies = await Promise.all(
      active.map(({ part, w }) => this.request(this.workers[w]!, { kind: 'step', indices: part.map((p) => p.index), augmentations: part.map((p) => p.augmentation) })),
    );
    gradOut.fill(0);
    momentsOut.fill(0);
    let lossSum = 0;
    let correct = 0;
    const squares = new Float64Array(momentsOut.length);
    for (const [i, { part, w }] of active.entries()) {
      const reply = replies[i]!;
      if (reply.kind !== 'step') throw new InternalError('unexpected hexaconv worker reply');
      lossSum += reply.lossSum;
      correct += reply.correct;
      const grad = this.grads[w]!;
      for (let k = 0; k < gradOut.length; k++) gradOut[k]! += grad[k]!;
      const weight = part.length / indices.length;
      const moments = this.moments[w]!;
      for (let k = 0; k < momentsOut.length; k++) {
        momentsOut[k]! += weight * moments[k]!;
        squares[k]! += weight * moments[k]! ** 2;
      }
    }
    const scale = 1 / indices.length;
    for (let k = 0; k < gradOut.length; k++) gradOut[k]! *= scale;
    // Per layer, means then variances: the pooled variance adds the spread of the shares' means.
    let offset = 0;
    for (const channels of this.normChannels) {
      for (let c = 0; c < channels; c++) momentsOut[offset + channels + c]! += squares[offset + c]! - momentsOut[offset + c]! ** 2;
      offset += 2 * channels;
    }
    return { lossSum, correct };
  }

  /**
   * Predictions (argmax class per image, in `indices` order) with the running moments, and the summed loss and
   * correct count; `batchSize` images per worker request.
   */
  async evaluate(indices: readonly number[], batchSize: number): Promise<BatchResult & { predictions: number[] }> {
    const batches: number[][] = [];
    for (let i = 0; i < indices.length; i += batchSize) batches.push(indices.slice(i, i + batchSize));
    const predictions: number[][] = new Array(batches.length);
    let lossSum = 0;
    let correct = 0;
    let next = 0;
    await Promise.all(
      this.workers.map(async (worker) => {
        while (next < batches.length) {
          const b = next++;
          const reply = await this.request(worker, { kind: 'eval', indices: batches[b]! });
          if (reply.kind !== 'eval') throw new InternalError('unexpected hexaconv worker reply');
          predictions[b] = [...reply.predictions];
          lossSum += reply.lossSum;
          correct += reply.correct;
        }
      }),
    );
    return { lossSum, correct, predictions: predictions.flat() };
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
