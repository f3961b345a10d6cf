/**
 * Bits per dimension of a float checkpoint (its EMA weights) on a set of images, over every core.
 */
import type { Checkpoint } from './checkpoint.js';
import type { TrainingImages } from './trainer.js';
import { WorkerPool } from './worker-pool.js';
import type { BackendName } from './backend.js';

/** Result of an evaluation. */
export interface EvaluationResult {
  /** Mean bits per dimension over the images. */
  readonly bpd: number;
  readonly images: number;
  readonly seconds: number;
}

/**
 * Evaluates `checkpoint` on `data`.
 * @param onProgress called with the number of images done
 */
export async function evaluateIdf(
  checkpoint: Pick<Checkpoint, 'spec' | 'ema'>,
  data: TrainingImages,
  options: { workers: number; backend: BackendName; batchSize: number; onProgress?: (done: number) => void },
): Promise<EvaluationResult> {
  const start = performance.now();
  const pool = await WorkerPool.start({
    workers: options.workers,
    backend: options.backend,
    spec: checkpoint.spec,
    initialParams: checkpoint.ema,
    images: data.images,
    height: data.height,
    width: data.width,
    channels: data.channels,
  });
  try {
    let sum = 0;
    const chunk = options.batchSize * options.workers * 4;
    for (let first = 0; first < data.count; first += chunk) {
      const indices = [...Array(Math.min(chunk, data.count - first)).keys()].map((i) => first + i);
      const bits = await pool.evaluate(indices, options.batchSize);
      sum += bits.reduce((a, b) => a + b, 0);
      options.onProgress?.(first + indices.length);
    }
    return { bpd: data.count > 0 ? sum / data.count : NaN, images: data.count, seconds: (performance.now() - start) / 1000 };
  } finally {
    await pool.close();
  }
}
