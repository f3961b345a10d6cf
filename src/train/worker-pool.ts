/**
 * Data-parallel IDF training over worker_threads (plumbing: worker-fleet.ts, batch-shares.ts): every worker holds its
 * own tfjs instance and computes gradients for a share of each batch; the pool sums them (workers' gradients are sums
 * over images, so the mean is exact whatever the split). Parameters live in one SharedArrayBuffer that only the main
 * thread writes, between steps.
 */
import type { IdfSpec } from '../arch/idf-spec.js';
import type { BackendName } from './backend.js';
import { meanOfSums, batchesOf, shareOut } from './batch-shares.js';
import { sharedCopy } from './shared-copy.js';
import { WorkerFleet } from './worker-fleet.js';
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

/** A started pool of gradient workers. */
export class WorkerPool {
  /** The shared parameter vector: write only between calls. */
  readonly params: Float32Array;

  private constructor(
    params: Float32Array,
    private readonly grads: readonly Float32Array[],
    private readonly fleet: WorkerFleet<WorkerRequest, WorkerReply>,
  ) {
    this.params = params;
  }

  /** Starts `options.workers` workers and waits until each has built its model. */
  static async start(options: PoolOptions): Promise<WorkerPool> {
    const paramsBuffer = sharedCopy(options.initialParams);
    const imagesBuffer = sharedCopy(options.images);
    const gradBuffers = Array.from({ length: options.workers }, () => new SharedArrayBuffer(options.initialParams.byteLength));
    const inits = gradBuffers.map((grad): WorkerInit => ({
      backend: options.backend,
      spec: options.spec,
      params: paramsBuffer,
      grad,
      images: imagesBuffer,
      height: options.height,
      width: options.width,
      channels: options.channels,
    }));
    const fleet = await WorkerFleet.start<WorkerRequest, WorkerReply, WorkerInit>({ name: 'training', script: new URL('./gradient-worker.js', import.meta.url), inits });
    return new WorkerPool(new Float32Array(paramsBuffer), gradBuffers.map((buffer) => new Float32Array(buffer)), fleet);
  }

  /**
   * Mean bits/dim of a batch and its gradient (written into `gradOut`, averaged over the batch).
   * @param indices image indices into the pool's images; flips: mirror flags, same length
   */
  async step(indices: readonly number[], flips: readonly boolean[], gradOut: Float32Array): Promise<number> {
    const shares = shareOut(indices.map((index, i) => [index, flips[i]!] as const), this.fleet.size);
    const replies = await Promise.all(
      shares.map(({ worker, items }) => this.fleet.request(worker, { kind: 'step', indices: items.map((p) => p[0]), flips: items.map((p) => p[1]) }, 'step')),
    );
    meanOfSums(gradOut, shares.map(({ worker }) => this.grads[worker]!), indices.length);
    let bitsSum = 0;
    for (const reply of replies) bitsSum += reply.bitsSum;
    return bitsSum * (1 / indices.length);
  }

  /** Bits/dim of each image (forward only), in the order of `indices`; `batchSize` images per worker request. */
  async evaluate(indices: readonly number[], batchSize: number): Promise<number[]> {
    const results = await this.fleet.drain(batchesOf(indices, batchSize), async (worker, batch) => [...(await this.fleet.request(worker, { kind: 'eval', indices: batch }, 'eval')).bits]);
    return results.flat();
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await this.fleet.close();
  }
}
