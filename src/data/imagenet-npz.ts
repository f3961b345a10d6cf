/**
 * Downsampled ImageNet in the layout of Chrabaszcz, Loshchilov and Hutter (2017): .npz files whose `data` is
 * N x 3*S*S uint8, channel-planar per row (S*S red, then green, then blue, each row-major), S = 32 or 64 (8 and 16
 * exist too), plus `labels` (1..1000 in the published files). Invariant: pixels come out interleaved HWC exactly as
 * stored, labels only when every file has them, and nothing is allocated before the array headers were checked.
 */
import { constants as bufferConstants } from 'node:buffer';
import { DataError, LimitError } from '../core/errors.js';
import { makeDataset, type ImageDataset } from './dataset.js';
import { npyIntegers, npyUint8 } from './npy.js';
import { withNpz } from './npz.js';

/** Options of the ImageNet npz readers. */
export interface ImagenetNpzOptions {
  /** Expected image side (32 for ImageNet32, 64 for ImageNet64); any S with 3*S*S columns when omitted. */
  size?: number;
  /** Read at most this many images (the first ones, in file order); all when omitted. */
  maxImages?: number;
  /** Name of the resulting dataset; defaults to the file name. */
  name?: string;
}

/** The side S of the images in a `data` array of the given shape, or a DataError. */
function sideOf(shape: readonly number[], source: string, expected: number | undefined): number {
  let side: number;
  if (shape.length === 2) {
    side = Math.round(Math.sqrt(shape[1]! / 3));
    if (side < 1 || 3 * side * side !== shape[1]) {
      throw new DataError(`${source}: data rows of ${shape[1]} bytes are not 3 x S x S images`);
    }
  } else if (shape.length === 4 && shape[1] === 3 && shape[2] === shape[3] && shape[2]! >= 1) {
    side = shape[2]!;
  } else {
    throw new DataError(`${source}: data has shape (${shape.join(', ')}); expected N x 3*S*S (or N x 3 x S x S)`);
  }
  if (expected !== undefined && side !== expected) {
    throw new DataError(`${source}: holds ${side}x${side} images, expected ${expected}x${expected}`);
  }
  return side;
}

/**
 * Reads one ImageNet .npz file (e.g. `val_data.npz` or `train_data_batch_3.npz`).
 * @returns a dataset of S x S x 3 images, with labels (0..65535, as stored) when the file has `labels`
 * @throws DataError when the file is not a valid .npz, has no uint8 `data` of N x 3*S*S, has the wrong S, or its
 *   `labels` do not match N or lie outside 0..65535
 * @throws LimitError when an array exceeds the npz size bound
 */
export async function readImagenetNpz(file: string, options: ImagenetNpzOptions = {}): Promise<ImageDataset> {
  return withNpz(file, async (npz) => {
    const dataArray = await npz.array('data');
    const source = `${file}: data`;
    const planar = npyUint8(dataArray, source);
    const side = sideOf(dataArray.shape, source, options.size);
    const stored = dataArray.shape[0]!;
    const count = Math.min(stored, options.maxImages ?? stored);
    let labels: Uint16Array | undefined;
    if (npz.has('labels')) {
      const labelArray = await npz.array('labels');
      if (labelArray.shape.length !== 1 || labelArray.shape[0] !== stored) {
        throw new DataError(`${file}: labels have shape (${labelArray.shape.join(', ')}) for ${stored} images`);
      }
      const values = npyIntegers(labelArray, `${file}: labels`);
      labels = new Uint16Array(count);
      for (let k = 0; k < count; k++) {
        const value = values[k]!;
        if (value < 0 || value > 0xffff) throw new DataError(`${file}: label ${k} is ${value}; expected 0..65535`);
        labels[k] = value;
      }
    }
    const plane = side * side;
    const images = new Uint8Array(count * plane * 3);
    for (let k = 0; k < count; k++) {
      const src = k * plane * 3;
      for (let i = 0; i < plane; i++) {
        const out = src + 3 * i;
        images[out] = planar[src + i]!;
        images[out + 1] = planar[src + plane + i]!;
        images[out + 2] = planar[src + 2 * plane + i]!;
      }
    }
    return makeDataset({ name: options.name ?? file, count, height: side, width: side, channels: 3, images, labels });
  });
}

/**
 * Reads several ImageNet .npz files in order (e.g. `train_data_batch_1..10.npz`) into one dataset.
 * Peak memory is about twice the result; ImageNet64's full training set (15.7 GB) does not fit one buffer, so pass
 * `maxImages` or fewer files for it.
 * @throws DataError as `readImagenetNpz`, or when the files hold different image sizes, or only some have labels
 * @throws LimitError when the images would exceed the largest buffer Node can allocate
 */
export async function readImagenetNpzFiles(files: readonly string[], options: ImagenetNpzOptions = {}): Promise<ImageDataset> {
  const parts: ImageDataset[] = [];
  let remaining = options.maxImages ?? Infinity;
  let total = 0;
  for (const file of files) {
    if (remaining <= 0) break;
    const part = await readImagenetNpz(file, { size: options.size ?? parts[0]?.height, maxImages: remaining === Infinity ? undefined : remaining });
    parts.push(part);
    remaining -= part.count;
    total += part.images.length;
    if (total > bufferConstants.MAX_LENGTH) {
      throw new LimitError(`${file}: the images read so far exceed ${bufferConstants.MAX_LENGTH} bytes, the largest buffer Node allows; read fewer files or set a maximum image count`);
    }
  }
  if (parts.length === 0) throw new DataError('no ImageNet .npz files to read');
  const labelled = parts.filter((part) => part.labels).length;
  if (labelled !== 0 && labelled !== parts.length) throw new DataError(`${files.join(', ')}: only some files have labels`);
  if (parts.length === 1) return makeDataset({ ...parts[0]!, name: options.name ?? parts[0]!.name });
  const images = new Uint8Array(total);
  const labels = labelled ? new Uint16Array(total / (parts[0]!.height * parts[0]!.width * 3)) : undefined;
  let offset = 0;
  let index = 0;
  for (const part of parts) {
    images.set(part.images, offset);
    labels?.set(part.labels!, index);
    offset += part.images.length;
    index += part.count;
  }
  const { height, width } = parts[0]!;
  return makeDataset({ name: options.name ?? files[0]!, count: index, height, width, channels: 3, images, labels });
}
