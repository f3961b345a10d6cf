/**
 * Learning-rate schedule: linear warm-up, then exponential decay per epoch (the IDF paper: 10 warm-up epochs, then
 * x0.999 per epoch on CIFAR-10). Our runs are far shorter than the paper's 2000 epochs, so warm-up is counted in
 * images rather than epochs.
 */

/** Schedule settings. */
export interface ScheduleOptions {
  /** Peak learning rate (default 1e-3, the paper's). */
  readonly learningRate: number;
  /** Images over which the rate ramps linearly from 0 to the peak. */
  readonly warmupImages: number;
  /** Multiplier per epoch after warm-up, 0 < decay <= 1. */
  readonly decayPerEpoch: number;
}

/** Learning rate after `imagesSeen` training images, with `epochImages` images per epoch. */
export function learningRateAt(options: ScheduleOptions, imagesSeen: number, epochImages: number): number {
  if (imagesSeen < options.warmupImages) return options.learningRate * Math.max(imagesSeen, 1) / options.warmupImages;
  return options.learningRate * options.decayPerEpoch ** ((imagesSeen - options.warmupImages) / epochImages);
}
