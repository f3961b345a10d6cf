/**
 * Data-parallel PBNet training over worker_threads (plumbing: src/train/worker-fleet.ts, batch-shares.ts): every
 * worker holds its own tfjs instance and computes the gradient sum for a share of each batch; the pool adds them and
 * divides once. Parameters live in one SharedArrayBuffer that only the main thread writes, between requests.
 * Invariant: a step's result depends only on (parameters, indices, flips, seed, worker count).
 */
import type { BackendName } from '../../train/backend.js';
import { batchesOf, meanOfSums, shareOut } from '../../train/batch-shares.js';
import { sharedCopy } from '../../train/shared-copy.js';
import { WorkerFleet } from '../../train/worker-fleet.js';
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

/** A started pool of PBNet workers. */
export class BlrnetPool {
  /** The shared parameter vector: write only between requests. */
  readonly params: Float32Array;

  private constructor(params: Float32Array, private readonly grads: Float32Array[], private readonly fleet: WorkerFleet<BlrnetWorkerRequest, BlrnetWorkerReply>) {
    this.params = params;
  }

  /** Starts `options.workers` workers and waits until each has built its model. */
  static async start(options: BlrnetPoolOptions): Promise<BlrnetPool> {
    const paramsBuffer = sharedCopy(options.initialParams);
    const imagesBuffer = sharedCopy(options.images);
    const labelsBuffer = sharedCopy(options.labels);
    const { height, width, channels } = options.spec;
    const gradBuffers = Array.from({ length: options.workers }, () => new SharedArrayBuffer(options.initialParams.byteLength));
    const inits = gradBuffers.map((grad): BlrnetWorkerInit => ({ backend: options.backend, spec: options.spec, params: paramsBuffer, grad,
      images: imagesBuffer, labels: labelsBuffer, height, width, channels, temperature: options.temperature }));
    const fleet = await WorkerFleet.start<BlrnetWorkerRequest, BlrnetWorkerReply, BlrnetWorkerInit>({ name: 'blrnet', script: new URL('./blrnet-worker.js', import.meta.url), inits });
    return new BlrnetPool(new Float32Array(paramsBuffer), gradBuffers.map((buffer) => new Float32Array(buffer)), fleet);
  }

  /**
   * One training step's mean loss, accuracy and moments; the mean gradient is written into `gradOut`.
   * @param seed seeds the noise; worker w draws with seed + w
   */
  async step(indices: readonly number[], flips: readonly boolean[], seed: number, gradOut: Float32Array): Promise<StepResult> {
    const shares = shareOut(indices.map((index, i) => [index, flips[i] ?? false] as const), this.fleet.size);
    const replies = await Promise.all(shares.map(({ worker, items }) =>
      this.fleet.request(worker, { kind: 'step', indices: items.map((p) => p[0]), flips: items.map((p) => p[1]), seed: (seed + worker) >>> 0 }, 'step')));
    meanOfSums(gradOut, shares.map(({ worker }) => this.grads[worker]!), indices.length);
    let lossSum = 0;
    let correct = 0;
    const moments = new Float32Array(replies[0]!.moments.length);
    for (const reply of replies) {
      lossSum += reply.lossSum;
      correct += reply.correct;
      const weight = reply.count / indices.length;
      for (let k = 0; k < moments.length; k++) moments[k]! += weight * reply.moments[k]!;
    }
    const scale = 1 / indices.length;
    return { loss: lossSum * scale, accuracy: correct * scale, moments };
  }

  /** Mean loss and accuracy of the propagation pass over `indices`, `batchSize` images per request. */
  async propagate(indices: readonly number[], running: Float32Array, batchSize: number): Promise<{ loss: number; accuracy: number }> {
    const replies = await this.fleet.drain(batchesOf(indices, batchSize), (worker, batch) => this.fleet.request(worker, { kind: 'propagate', indices: batch, running }, 'propagate'));
    let lossSum = 0;
    let correct = 0;
    for (const reply of replies) {
      lossSum += reply.lossSum;
      correct += reply.correct;
    }
    return { loss: lossSum / indices.length, accuracy: correct / indices.length };
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await this.fleet.close();
  }
}
