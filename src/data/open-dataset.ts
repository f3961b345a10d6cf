/**
 * Dataset resolution by name for the CLI (train, eval, bench): one entry point that turns a dataset name, a path
 * and a split into an ImageDataset, recognising each published layout. Invariant: a path that holds none of the
 * layouts of the named dataset fails with a DataError that says what was expected and how to get it.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError, UsageError } from '../core/errors.js';
import { readCifar10 } from './cifar10.js';
import { sliceDataset, type ImageDataset, type Split } from './dataset.js';
import { ImageFolder } from './image-folder.js';
import { readImagenetNpzFiles } from './imagenet-npz.js';
import { imagenetPngFolderName, readImagenetPngFolder } from './imagenet-png-folder.js';
import { readMnist } from './mnist.js';

/** Dataset names the CLI accepts. */
export type DatasetName = 'cifar10' | 'mnist' | 'fashion-mnist' | 'imagenet32' | 'imagenet64' | 'folder';

/** All dataset names, in `--help` order. */
export const DATASET_NAMES: readonly DatasetName[] = ['cifar10', 'mnist', 'fashion-mnist', 'imagenet32', 'imagenet64', 'folder'];

/** Where `npm run data` puts each dataset it fetches, relative to the repository root. */
export const FETCHED_DATA_PATHS: Readonly<Partial<Record<DatasetName, string>>> = {
  cifar10: 'data/cifar-10-batches-bin',
  mnist: 'data/mnist',
  'fashion-mnist': 'data/fashion-mnist',
};

/** Whether `value` is a dataset name. */
export function isDatasetName(value: string): value is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(value);
}

/** Options of `openDataset`. */
export interface OpenDatasetOptions {
  /** Read at most this many images (the first ones); all when omitted. For `folder`: at most this many files. */
  maxImages?: number;
  /** For `folder`: the crops to draw. Defaults: size 32, count 10,000, seed 0, no flips. */
  crop?: { size?: number; count?: number; seed?: number; flip?: boolean };
  /** For `folder`: keep grey (1) or colour (3) images. Default 3. */
  channels?: 1 | 3;
}

async function kind(target: string): Promise<'file' | 'dir' | undefined> {
  try {
    const info = await stat(target);
    return info.isDirectory() ? 'dir' : info.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function hint(name: DatasetName): string {
  switch (name) {
    case 'cifar10':
    case 'mnist':
    case 'fashion-mnist':
      return `run \`npm run data -- ${name}\` or point --data at a ${name === 'cifar10' ? 'cifar-10-batches-bin' : `${name} idx`} folder`;
    case 'imagenet32':
    case 'imagenet64':
      return 'point --data at downsampled ImageNet (a Chrabaszcz .npz file or folder, or a van den Oord PNG folder)';
    case 'folder':
      return 'point --data at a folder of images';
  }
}

/**
 * Opens the split of a dataset stored at `dataPath`.
 *
 * - `cifar10`: a `cifar-10-batches-bin` folder (or its parent); see readCifar10.
 * - `mnist`, `fashion-mnist`: a folder of the four idx files, raw or gzipped; see readMnist.
 * - `imagenet32`, `imagenet64` (S = 32, 64): an .npz file; or a folder with `train_data_batch_<i>.npz` (train, in
 *   numeric order) / `val_data.npz` (test) as Chrabaszcz et al. publish them; or a folder with van den Oord's
 *   `train_SxS/` / `valid_SxS/` PNG folders, or that PNG folder itself.
 * - `folder`: images of any size in `dataPath/<split>/` when that folder exists, else in `dataPath`; returns seeded
 *   random crops (options.crop).
 * @param split `test` means the published test set (ImageNet: the validation set); carve validation data from
 *   `train` with splitValidation
 * @throws DataError when the path is missing or holds no layout of that dataset, or its files are malformed
 * @throws LimitError when the data would not fit one buffer (use `maxImages`)
 * @throws UsageError when `options.maxImages` is not a positive integer
 */
export async function openDataset(name: DatasetName, dataPath: string, split: Split, options: OpenDatasetOptions = {}): Promise<ImageDataset> {
  const { maxImages } = options;
  if (maxImages !== undefined && (!Number.isSafeInteger(maxImages) || maxImages < 1)) {
    throw new UsageError(`Expected a positive integer for the maximum image count but received ${maxImages}`);
  }
  const found = await kind(dataPath);
  if (!found) throw new DataError(`${dataPath}: does not exist; ${hint(name)}`);
  const limit = (dataset: ImageDataset): ImageDataset =>
    maxImages !== undefined && maxImages < dataset.count ? sliceDataset(dataset, 0, maxImages, dataset.name) : dataset;
  if (found === 'file' && !(name.startsWith('imagenet') && dataPath.endsWith('.npz'))) {
    throw new DataError(`${dataPath}: is a file; ${hint(name)}`);
  }
  switch (name) {
    case 'cifar10':
      return limit(await readCifar10(dataPath, split));
    case 'mnist':
    case 'fashion-mnist':
      return limit(await readMnist(dataPath, split, name));
    case 'imagenet32':
    case 'imagenet64':
      return openImagenet(name, dataPath, found, split, maxImages);
    case 'folder': {
      const dir = (await kind(path.join(dataPath, split))) === 'dir' ? path.join(dataPath, split) : dataPath;
      const folder = await ImageFolder.open(dir, { channels: options.channels ?? 3, maxImages });
      const crop = options.crop ?? {};
      // Named by the folder read, not the split: without a <split> sub-folder both splits read dataPath itself.
      return folder.crops({ size: crop.size ?? 32, count: crop.count ?? 10_000, seed: crop.seed ?? 0, flip: crop.flip ?? false, name: dir });
    }
  }
}

async function openImagenet(name: 'imagenet32' | 'imagenet64', dataPath: string, found: 'file' | 'dir', split: Split, maxImages: number | undefined): Promise<ImageDataset> {
  const size = name === 'imagenet32' ? 32 : 64;
  const datasetName = `${name}/${split}`;
  if (found === 'file') return readImagenetNpzFiles([dataPath], { size, maxImages, name: datasetName });
  const pngFolder = path.join(dataPath, imagenetPngFolderName(split, size));
  if ((await kind(pngFolder)) === 'dir') return readImagenetPngFolder(pngFolder, { size, maxImages, name: datasetName });
  const names = await readdir(dataPath);
  const npz = split === 'test'
    ? names.filter((file) => file === 'val_data.npz')
    : names
      .map((file) => /^train_data_batch_(\d+)\.npz$/.exec(file))
      .filter((match) => match !== null)
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map((match) => match[0]);
  if (npz.length > 0) return readImagenetNpzFiles(npz.map((file) => path.join(dataPath, file)), { size, maxImages, name: datasetName });
  if (names.some((file) => file.toLowerCase().endsWith('.png'))) return readImagenetPngFolder(dataPath, { size, maxImages, name: datasetName });
  const wanted = split === 'test' ? 'val_data.npz' : 'train_data_batch_<i>.npz';
  throw new DataError(`${dataPath}: no ${wanted}, no ${imagenetPngFolderName(split, size)}/ folder and no PNG files; ${hint(name)}`);
}
