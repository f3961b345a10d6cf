/**
 * The order in which a training run visits its images: each epoch a fresh shuffle seeded by (run seed, epoch), and a
 * batch is the next `batchSize` images of that order from the run's position (never crossing an epoch's end).
 * Invariant: the batch depends only on (seed, epoch images, images seen, batch size), so a resumed run replays the
 * same batches as one that never stopped.
 */
import { Random } from '../core/random.js';

/** Seeded per-epoch image order of one run. */
export class EpochOrder {
  private order: number[] = [];
  private orderEpoch = -1;

  /**
   * @param seed the run's seed (0..2^31-1)
   * @param epochImages training images per epoch, >= 1
   */
  constructor(
    private readonly seed: number,
    private readonly epochImages: number,
  ) {}

  /** The image indices of the batch that starts after `imagesSeen` images: up to `batchSize`, within one epoch. */
  batch(imagesSeen: number, batchSize: number): number[] {
    const epoch = Math.floor(imagesSeen / this.epochImages);
    if (epoch !== this.orderEpoch) {
      this.order = new Random(this.seed * 1000003 + epoch).shuffle([...Array(this.epochImages).keys()]);
      this.orderEpoch = epoch;
    }
    const position = imagesSeen - epoch * this.epochImages;
    return this.order.slice(position, Math.min(position + batchSize, this.epochImages));
  }
}

/** The first multiple of `every` above `imagesSeen`: when a run (or a resumed one) validates next. */
export function nextMultipleAbove(imagesSeen: number, every: number): number {
  return Math.ceil((imagesSeen + 1) / every) * every;
}
