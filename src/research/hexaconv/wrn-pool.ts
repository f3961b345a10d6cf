/**
 * Data-parallel HexaConv training over worker_threads (plumbing: src/train/worker-fleet.ts, batch-shares.ts): each
 * worker computes the summed gradient and batch moments of its share of a batch; the pool adds the gradients and
 * pools the moments (each worker normalises with its own share's moments, like per-device batch normalisation).
 * Invariant: the mean gradient is exact whatever the split, since workers return sums.
 */
import { InternalError } from '../../core/errors.js';
import type { BackendName } from '../../train/backend.js';
import { batchesOf, meanOfSums, shareOut } from '../../train/batch-shares.js';
import { sharedCopy } from '../../train/shared-copy.js';
import { WorkerFleet } from '../../train/worker-fleet.js';
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

/** A started pool. */
export class WrnPool {
  /** Shared parameters: write only between calls. */
  readonly params: Float32Array;
  /** Shared running moments: write only between calls. */
  readonly running: Float32Array;

  private constructor(
    params: Float32Array,
    running: Float32Array,
    private readonly grads: Float32Array[],
    private readonly moments: Float32Array[],
    private readonly fleet: WorkerFleet<WrnWorkerRequest, WrnWorkerReply>,
    private readonly normChannels: readonly number[],
  ) {
    this.params = params;
    this.running = running;
  }

  /** Starts the workers and waits until each has built its network. */
  static async start(options: WrnPoolOptions): Promise<WrnPool> {
    const paramsBuffer = sharedCopy(options.params);
    const runningBuffer = sharedCopy(options.running);
    const imagesBuffer = sharedCopy(options.images.images);
    if (!options.images.labels) throw new InternalError(`${options.images.name} has no labels`);
    const labelsBuffer = sharedCopy(options.images.labels);
    const gradBuffers = Array.from({ length: options.workers }, () => new SharedArrayBuffer(options.params.byteLength));
    const momentBuffers = Array.from({ length: options.workers }, () => new SharedArrayBuffer(options.running.byteLength));
    const inits = gradBuffers.map((grad, w): WrnWorkerInit => ({
      backend: options.backend,
      spec: options.spec,
      params: paramsBuffer,
      running: runningBuffer,
      grad,
      moments: momentBuffers[w]!,
      images: imagesBuffer,
      labels: labelsBuffer,
      normalisation: options.normalisation,
    }));
    const fleet = await WorkerFleet.start<WrnWorkerRequest, WrnWorkerReply, WrnWorkerInit>({
      name: 'hexaconv',
      script: new URL('./wrn-worker.js', import.meta.url),
      inits,
      exitHint: 'if the wasm heap ran out, use a smaller --batch-size or budget',
    });
    const floats = (buffers: SharedArrayBuffer[]) => buffers.map((buffer) => new Float32Array(buffer));
    return new WrnPool(new Float32Array(paramsBuffer), new Float32Array(runningBuffer), floats(gradBuffers), floats(momentBuffers), fleet, options.normChannels);
  }

  /**
   * One training batch: writes the mean gradient into `gradOut` and the batch moments (each worker's share's moments,
   * averaged with weights by share size: the pooled mean, and the mean of the shares' variances plus the spread of
   * their means) into `momentsOut`.
   */
  async step(indices: readonly number[], augmentations: readonly Augmentation[], gradOut: Float32Array, momentsOut: Float32Array): Promise<BatchResult> {
    const shares = shareOut(indices.map((index, i) => ({ index, augmentation: augmentations[i]! })), this.fleet.size);
    const replies = await Promise.all(
      shares.map(({ worker, items }) => this.fleet.request(worker, { kind: 'step', indices: items.map((p) => p.index), augmentations: items.map((p) => p.augmentation) }, 'step')),
    );
    meanOfSums(gradOut, shares.map(({ worker }) => this.grads[worker]!), indices.length);
    momentsOut.fill(0);
    let lossSum = 0;
    let correct = 0;
    const squares = new Float64Array(momentsOut.length);
    for (const [i, { worker, items }] of shares.entries()) {
      const reply = replies[i]!;
      lossSum += reply.lossSum;
      correct += reply.correct;
      const weight = items.length / indices.length;
      const moments = this.moments[worker]!;
      for (let k = 0; k < momentsOut.length; k++) {
        momentsOut[k]! += weight * moments[k]!;
        squares[k]! += weight * moments[k]! ** 2;
      }
    }
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
    const replies = await this.fleet.drain(batchesOf(indices, batchSize), (worker, batch) => this.fleet.request(worker, { kind: 'eval', indices: batch }, 'eval'));
    let lossSum = 0;
    let correct = 0;
    for (const reply of replies) {
      lossSum += reply.lossSum;
      correct += reply.correct;
    }
    return { lossSum, correct, predictions: replies.flatMap((reply) => [...reply.predictions]) };
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await this.fleet.close();
  }
}
