/**
 * MNIST and Fashion-MNIST folders: the four idx files `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
 * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each raw or gzipped (`.gz`). Invariant: a split is returned
 * only when its images are N x H x W uint8, its labels are N uint8 values 0..9, and both N agree.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { makeDataset, type ImageDataset, type Split } from './dataset.js';
import { readIdxFile } from './idx.js';

/** The two datasets in this layout; also the folder names `npm run data` writes under data/. */
export type MnistVariant = 'mnist' | 'fashion-mnist';

/** Base file names of each split (the reader also accepts `.gz` and the `train-images.idx3-ubyte` spelling). */
export const MNIST_FILES: Readonly<Record<Split, { images: string; labels: string }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

const MNIST_CLASSES = 10;

/** The spellings under which a file may be found: as named, with `.gz`, and with the second '-' as '.'. */
function candidates(base: string): string[] {
  const dotted = base.replace(/-(idx\d-ubyte)$/, '.$1');
  return [base, `${base}.gz`, dotted, `${dotted}.gz`];
}

async function findFile(dir: string, base: string, variant: MnistVariant): Promise<string> {
  for (const name of candidates(base)) {
    const file = path.join(dir, name);
    try {
      if ((await stat(file)).isFile()) return file;
    } catch {
      // not under this spelling; try the next
    }
  }
  throw new DataError(
    `${dir}: no ${base} (nor ${base}.gz); run \`npm run data -- ${variant}\` or point --data at a folder with the four ${variant} idx files`,
  );
}

/**
 * Reads one split of MNIST or Fashion-MNIST from a folder of idx files (raw or gzipped, mixed freely).
 * @param dir folder with the idx files (e.g. `data/mnist` or `data/fashion-mnist` from `npm run data`)
 * @param split `train` (60,000 images in the published files) or `test` (10,000)
 * @param variant which dataset the folder holds; names the result and the hint in errors (default `mnist`)
 * @returns a dataset named `<variant>/<split>`, H x W x 1 (28x28 in the published files), labels 0..9
 * @throws DataError when a file is missing or malformed, the shapes disagree, or a label is above 9
 * @throws LimitError when a gzipped file inflates beyond 1 GiB
 */
export async function readMnist(dir: string, split: Split, variant: MnistVariant = 'mnist'): Promise<ImageDataset> {
  const imagesFile = await findFile(dir, MNIST_FILES[split].images, variant);
  const labelsFile = await findFile(dir, MNIST_FILES[split].labels, variant);
  const images = await readIdxFile(imagesFile);
  const labels = await readIdxFile(labelsFile);
  if (images.dims.length !== 3 || images.dims[1]! < 1 || images.dims[2]! < 1) {
    throw new DataError(`${imagesFile}: idx shape ${images.dims.join('x')}; expected images N x H x W`);
  }
  if (labels.dims.length !== 1) throw new DataError(`${labelsFile}: idx shape ${labels.dims.join('x')}; expected labels N`);
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new DataError(`${labelsFile}: ${labels.dims[0]} labels for the ${count} images of ${imagesFile}`);
  }
  const bad = labels.data.findIndex((label) => label >= MNIST_CLASSES);
  if (bad >= 0) throw new DataError(`${labelsFile}: label ${bad} is ${labels.data[bad]}; expected 0..9`);
  return makeDataset({
    name: `${variant}/${split}`,
    count,
    height,
    width,
    channels: 1,
    images: images.data,
    labels: Uint16Array.from(labels.data),
  });
}
