/**
 * The in-memory image dataset every reader in src/data returns, and the few operations training code needs on it
 * (one image, a slice, a held-out validation split). Invariant: `images.length === count * height * width * channels`
 * with pixels interleaved HWC, row-major, image after image; `labels`, when present, has exactly `count` entries.
 */
import { DataError } from '../core/errors.js';
import { Random } from '../core/random.js';

/** The two splits a published dataset ships. A validation split is carved from `train` with `splitValidation`. */
export type Split = 'train' | 'test';

/** The splits accepted where a split is chosen by name (CLI values, `openDataset`). */
export const SPLITS: readonly Split[] = ['train', 'test'];

/**
 * A set of equally sized 8-bit images held in one buffer.
 *
 * Image k occupies `images[k*H*W*C, (k+1)*H*W*C)`; within it pixel (y, x) channel c is at `(y*W + x)*C + c`
 * (interleaved HWC, the layout sharp's raw output and tfjs tensors of shape [N, H, W, C] use).
 */
export interface ImageDataset {
  /** Human-readable origin, e.g. `cifar10/train` or `mnist/test`; used in messages and logs. */
  readonly name: string;
  /** Number of images, >= 0. */
  readonly count: number;
  /** Image height in pixels, >= 1. */
  readonly height: number;
  /** Image width in pixels, >= 1. */
  readonly width: number;
  /** Channels per pixel: 1 (grey) or 3 (RGB). */
  readonly channels: number;
  /** All pixels, `count * height * width * channels` bytes, interleaved HWC, image after image. */
  readonly images: Uint8Array;
  /**
   * Class label per image, when the dataset has labels: 0..9 for CIFAR-10 and (Fashion-)MNIST; the stored
   * 1..1000 for downsampled ImageNet (hence 16 bits).
   */
  readonly labels?: Uint16Array;
}

/** Bytes of one image of `dataset` (H * W * C). */
export function imageBytes(dataset: ImageDataset): number {
  return dataset.height * dataset.width * dataset.channels;
}

/**
 * Builds a dataset after checking that its geometry and buffers agree.
 * @throws DataError when a dimension is not a positive integer (count may be 0), channels is not 1 or 3, or the
 *   buffer / label lengths do not match the geometry (`name` says where)
 */
export function makeDataset(fields: ImageDataset): ImageDataset {
  const { name, count, height, width, channels, images, labels } = fields;
  if (!Number.isSafeInteger(count) || count < 0) throw new DataError(`${name}: invalid image count ${count}`);
  for (const [what, value] of [['height', height], ['width', width]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new DataError(`${name}: invalid image ${what} ${value}`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new DataError(`${name}: ${channels} channels per pixel; idfz datasets are grey (1) or RGB (3)`);
  }
  const expected = count * height * width * channels;
  if (images.length !== expected) {
    throw new DataError(
      `${name}: pixel buffer holds ${images.length} bytes but ${count} images of ${height}x${width}x${channels} need ${expected}`,
    );
  }
  if (labels !== undefined && labels.length !== count) {
    throw new DataError(`${name}: ${labels.length} labels for ${count} images`);
  }
  return labels === undefined
    ? { name, count, height, width, channels, images }
    : { name, count, height, width, channels, images, labels };
}

/**
 * The pixels of image `index` (a view into `dataset.images`, not a copy).
 * @param index 0 <= index < count
 * @throws RangeError when `index` is out of range (a caller bug)
 */
export function imageAt(dataset: ImageDataset, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
    throw new RangeError(`image index ${index} outside 0..${dataset.count - 1} of ${dataset.name}`);
  }
  const size = imageBytes(dataset);
  return dataset.images.subarray(index * size, (index + 1) * size);
}

/**
 * Images `start` (inclusive) to `end` (exclusive) as a dataset that shares `dataset`'s buffers (no copy).
 * @param start 0 <= start <= end
 * @param end start <= end <= count
 * @param name name of the result; defaults to `<name>[start:end]`
 * @throws RangeError when the bounds are not integers in that order (a caller bug)
 */
export function sliceDataset(dataset: ImageDataset, start: number, end: number, name?: string): ImageDataset {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > dataset.count) {
    throw new RangeError(`slice ${start}:${end} outside 0:${dataset.count} of ${dataset.name}`);
  }
  const size = imageBytes(dataset);
  return makeDataset({
    name: name ?? `${dataset.name}[${start}:${end}]`,
    count: end - start,
    height: dataset.height,
    width: dataset.width,
    channels: dataset.channels,
    images: dataset.images.subarray(start * size, end * size),
    labels: dataset.labels?.subarray(start, end),
  });
}

/**
 * Gathers the images at `indices` (in that order) into a new dataset with its own buffers.
 * @throws RangeError when an index is out of range (a caller bug)
 */
export function pickImages(dataset: ImageDataset, indices: ArrayLike<number>, name: string): ImageDataset {
  const size = imageBytes(dataset);
  const images = new Uint8Array(indices.length * size);
  const labels = dataset.labels ? new Uint16Array(indices.length) : undefined;
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i]!;
    images.set(imageAt(dataset, k), i * size);
    if (labels) labels[i] = dataset.labels![k]!;
  }
  return makeDataset({ ...geometry(dataset), name, count: indices.length, images, labels });
}

function geometry(dataset: ImageDataset): { height: number; width: number; channels: number } {
  return { height: dataset.height, width: dataset.width, channels: dataset.channels };
}

/** Options of `splitValidation`. */
export interface ValidationSplitOptions {
  /** Images held out for validation, 1..count-1 (5,000 is usual for CIFAR-10's 50,000 training images). */
  count: number;
  /**
   * Without a seed the validation set is the last `count` images (views, no copy; the convention for CIFAR-10,
   * whose batches are already shuffled). With a seed (any 32-bit integer) a seeded random subset is held out and
   * both parts are copies, each in the original order; the same seed always gives the same split.
   */
  seed?: number;
}

/**
 * Splits a training set into the part to train on and a held-out validation part, disjoint and together
 * covering every image exactly once. Names are `<name>:train` and `<name>:validation`.
 * @throws RangeError when `options.count` is not an integer in 1..count-1 (a caller bug)
 */
export function splitValidation(
  dataset: ImageDataset,
  options: ValidationSplitOptions,
): { train: ImageDataset; validation: ImageDataset } {
  const held = options.count;
  if (!Number.isInteger(held) || held < 1 || held >= dataset.count) {
    throw new RangeError(`validation count ${held} must be 1..${dataset.count - 1} for ${dataset.name}`);
  }
  const keep = dataset.count - held;
  if (options.seed === undefined) {
    return {
      train: sliceDataset(dataset, 0, keep, `${dataset.name}:train`),
      validation: sliceDataset(dataset, keep, dataset.count, `${dataset.name}:validation`),
    };
  }
  const order = new Random(options.seed).shuffle(Array.from({ length: dataset.count }, (_, k) => k));
  const isHeld = new Uint8Array(dataset.count);
  for (let i = 0; i < held; i++) isHeld[order[i]!] = 1;
  const trainIndices: number[] = [];
  const validationIndices: number[] = [];
  for (let k = 0; k < dataset.count; k++) (isHeld[k] ? validationIndices : trainIndices).push(k);
  return {
    train: pickImages(dataset, trainIndices, `${dataset.name}:train`),
    validation: pickImages(dataset, validationIndices, `${dataset.name}:validation`),
  };
}

/**
 * Joins datasets of the same geometry into one (copies the pixels), e.g. crops drawn from several folders.
 * @throws DataError when the geometries differ
 */
export function concatDatasets(parts: readonly ImageDataset[], name: string): ImageDataset {
  if (parts.length === 1) return parts[0]!;
  const first = parts[0]!;
  for (const part of parts) {
    if (part.height !== first.height || part.width !== first.width || part.channels !== first.channels) {
      throw new DataError(`${part.name}: ${part.height}x${part.width}x${part.channels} images cannot join ${first.name}'s ${first.height}x${first.width}x${first.channels}`);
    }
  }
  const images = new Uint8Array(parts.reduce((n, p) => n + p.images.length, 0));
  let at = 0;
  for (const part of parts) {
    images.set(part.images, at);
    at += part.images.length;
  }
  const labelled = parts.every((p) => p.labels);
  const labels = labelled ? new Uint16Array(parts.reduce((n, p) => n + p.count, 0)) : undefined;
  if (labels) {
    let offset = 0;
    for (const part of parts) {
      labels.set(part.labels!, offset);
      offset += part.count;
    }
  }
  return makeDataset({ ...geometry(first), name, count: images.length / imageBytes(first), images, labels });
}
