/**
 * Test accuracy of a HexaConv checkpoint: its parameters and running normalisation moments on a labelled image set,
 * spread over worker threads. Invariant: the result depends only on the checkpoint and the images (no augmentation,
 * no batch statistics).
 */
import { InternalError } from '../../core/errors.js';
import type { ImageDataset } from '../../data/dataset.js';
import type { BackendName } from '../../train/backend.js';
import type { WrnCheckpoint } from './wrn-checkpoint.js';
import { WrnPool } from './wrn-pool.js';
import { normLayers, wrnLayout } from './wrn-spec.js';

/** Accuracy and mean cross-entropy over a labelled image set. */
export interface WrnEvaluation {
  /** Fraction of images classified correctly, 0..1. */
  readonly accuracy: number;
  readonly images: number;
  /** Mean cross-entropy in nats. */
  readonly loss: number;
  readonly seconds: number;
}

/**
 * Evaluates `checkpoint` on `images`.
 * @throws InternalError when the images do not match the network's input (a caller bug: the CLI checks first)
 */
export async function evaluateWrn(checkpoint: WrnCheckpoint, images: ImageDataset, options: { workers: number; backend: BackendName; batchSize: number }): Promise<WrnEvaluation> {
  const { spec } = checkpoint;
  if (images.height !== spec.imageSize || images.width !== spec.imageSize || images.channels !== spec.imageChannels) {
    throw new InternalError(`${images.name}: ${images.height}x${images.width}x${images.channels} images for a ${spec.imageSize}x${spec.imageSize}x${spec.imageChannels} network`);
  }
  const start = performance.now();
  const pool = await WrnPool.start({
    workers: Math.max(1, Math.min(options.workers, Math.ceil(images.count / options.batchSize))),
    backend: options.backend,
    spec,
    params: checkpoint.params,
    running: checkpoint.running,
    normChannels: normLayers(wrnLayout(spec)).map((norm) => norm.channels),
    images,
    normalisation: checkpoint.state.data.normalisation,
  });
  try {
    const result = await pool.evaluate([...Array(images.count).keys()], options.batchSize);
    return { accuracy: result.correct / images.count, images: images.count, loss: result.lossSum / images.count, seconds: (performance.now() - start) / 1000 };
  } finally {
    await pool.close();
  }
}
