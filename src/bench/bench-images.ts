/**
 * The images a bench run codes. Fixed-size datasets (CIFAR-10, downsampled ImageNet, MNIST) come from openDataset;
 * a `folder` is read as whole images at their full size, grey and colour alike (openDataset would cut crops).
 * Invariant: the same path, split and limit always give the same images in the same order (files by name).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { imageAt, type Split } from '../data/dataset.js';
import { IMAGE_EXTENSIONS, listImageFiles, mapLimited, readImageFile } from '../data/image-files.js';
import { openDataset, type DatasetName } from '../data/open-dataset.js';
import type { BenchImage } from './bench-codec.js';

/** The images of one bench run. */
export interface BenchImages {
  /** Human-readable origin, e.g. `cifar10/test` or the folder path. */
  readonly name: string;
  /** The images, in dataset order (views into the dataset's buffer where it has one). */
  readonly images: readonly BenchImage[];
}

async function kind(target: string): Promise<'folder' | 'other' | 'missing'> {
  try {
    return (await stat(target)).isDirectory() ? 'folder' : 'other';
  } catch {
    return 'missing';
  }
}

/**
 * Reads the images to benchmark.
 * @param name dataset name (see openDataset)
 * @param dataPath dataset location; for `folder`, images directly inside `dataPath/<split>/` when that folder exists,
 *   else inside `dataPath`
 * @param limit at most this many images (the first ones), >= 1; all when omitted
 * @throws DataError when the data is missing or malformed (see openDataset, readImageFile), or a folder holds no image
 * @throws LimitError when an image or the dataset is too large to read
 * @throws UsageError when `limit` is not a positive integer
 */
export async function openBenchImages(name: DatasetName, dataPath: string, split: Split, limit?: number): Promise<BenchImages> {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new UsageError(`Expected a positive integer for the image limit but received ${limit}`);
  }
  if (name !== 'folder') {
    const dataset = await openDataset(name, dataPath, split, limit === undefined ? {} : { maxImages: limit });
    const channels = dataset.channels as 1 | 3;
    const images = Array.from({ length: dataset.count }, (_, k): BenchImage => ({
      name: `${dataset.name}[${k}]`,
      width: dataset.width,
      height: dataset.height,
      channels,
      data: imageAt(dataset, k),
    }));
    return { name: dataset.name, images };
  }
  const found = await kind(dataPath);
  if (found !== 'folder') throw new DataError(`${dataPath}: ${found === 'missing' ? 'does not exist' : 'is not a folder'}; point --data at a folder of images`);
  const dir = (await kind(path.join(dataPath, split))) === 'folder' ? path.join(dataPath, split) : dataPath;
  const files = (await listImageFiles(dir)).slice(0, limit);
  if (files.length === 0) throw new DataError(`${dir}: holds no image files (${IMAGE_EXTENSIONS.join(' ')}); point --data at a folder of images`);
  const decoded = await mapLimited(files, 2, (file) => readImageFile(file));
  return {
    name: dir,
    images: decoded.map((image): BenchImage => ({ name: path.basename(image.file), width: image.width, height: image.height, channels: image.channels, data: image.data })),
  };
}
