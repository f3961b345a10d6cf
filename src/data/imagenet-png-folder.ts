/**
 * Downsampled ImageNet as van den Oord et al. (2016) published it: folders `train_32x32/`, `valid_32x32/` (and
 * `train_64x64/`, `valid_64x64/`) of S x S RGB PNG files, no labels. Invariant: images come out in file-name order,
 * and every one is checked to be S x S RGB before it is copied, so the result is exactly N x S x S x 3.
 */
import { constants as bufferConstants } from 'node:buffer';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError, LimitError } from '../core/errors.js';
import { makeDataset, type ImageDataset, type Split } from './dataset.js';
import { listImageFiles, mapLimited, readImageFile } from './image-files.js';

/** The published folder name of a split at side `size` (e.g. `train_32x32`, `valid_64x64`). */
export function imagenetPngFolderName(split: Split, size: number): string {
  return `${split === 'train' ? 'train' : 'valid'}_${size}x${size}`;
}

/** Options of `readImagenetPngFolder`. */
export interface ImagenetPngFolderOptions {
  /** Image side S; every file must be S x S (32 or 64 in the published sets). */
  size: number;
  /** Read at most this many images (the first by name); all when omitted. */
  maxImages?: number;
  /** Name of the resulting dataset; defaults to the folder path. */
  name?: string;
  /** Files decoded at once, 1..64; default 8. */
  concurrency?: number;
}

/**
 * Finds the PNG folder of a split: `dir/<train|valid>_SxS` when it exists, else `dir` itself.
 * @throws DataError when `dir` is not a folder
 */
export async function resolveImagenetPngFolder(dir: string, split: Split, size: number): Promise<string> {
  const inner = path.join(dir, imagenetPngFolderName(split, size));
  for (const candidate of [inner, dir]) {
    try {
      if ((await stat(candidate)).isDirectory()) return candidate;
    } catch {
      // try the next candidate
    }
  }
  throw new DataError(`${dir}: not a folder; expected a folder of ${size}x${size} PNGs or one containing ${imagenetPngFolderName(split, size)}/`);
}

/**
 * Reads a folder of S x S RGB PNG files (van den Oord's layout) into one dataset, in file-name order.
 * @throws DataError when the folder has no image files, or a file is unreadable, not S x S, or not RGB
 * @throws LimitError when the images would exceed the largest buffer Node can allocate (use `maxImages`)
 */
export async function readImagenetPngFolder(dir: string, options: ImagenetPngFolderOptions): Promise<ImageDataset> {
  const { size } = options;
  const all = await listImageFiles(dir);
  if (all.length === 0) throw new DataError(`${dir}: no image files; expected ${size}x${size} PNGs as in ${imagenetPngFolderName('test', size)}/`);
  const files = all.slice(0, options.maxImages ?? all.length);
  const imageBytes = size * size * 3;
  if (files.length * imageBytes > bufferConstants.MAX_LENGTH) {
    throw new LimitError(`${dir}: ${files.length} images of ${size}x${size} exceed the largest buffer Node allows; read fewer (maximum image count)`);
  }
  const images = new Uint8Array(files.length * imageBytes);
  const concurrency = Math.min(64, Math.max(1, options.concurrency ?? 8));
  await mapLimited(files, concurrency, async (file, index) => {
    const image = await readImageFile(file);
    if (image.width !== size || image.height !== size || image.channels !== 3) {
      throw new DataError(`${file}: ${image.width}x${image.height} with ${image.channels} channel(s); every image here must be ${size}x${size} RGB`);
    }
    images.set(image.data, index * imageBytes);
  });
  return makeDataset({ name: options.name ?? dir, count: files.length, height: size, width: size, channels: 3, images });
}
