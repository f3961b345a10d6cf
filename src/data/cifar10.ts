/**
 * CIFAR-10 in the official binary layout (`cifar-10-batches-bin`): each record is 1 label byte (0..9) followed by
 * 1024 R, 1024 G and 1024 B bytes of a 32x32 image (row-major planes). Invariant: decoding then encoding a batch
 * gives back the same bytes; every file is checked (size a multiple of 3073, labels 0..9) before it is believed.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../core/errors.js';
import { makeDataset, type ImageDataset, type Split } from './dataset.js';

/** CIFAR-10 image side in pixels. */
export const CIFAR10_SIZE = 32;
/** Bytes per record: 1 label + 3 * 32 * 32 pixels. */
export const CIFAR10_RECORD_BYTES = 1 + 3 * CIFAR10_SIZE * CIFAR10_SIZE;
/** Number of classes; labels are 0..9. */
export const CIFAR10_CLASSES = 10;
/** Class names in label order (as in the official `batches.meta.txt`). */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];
/** The batch files of each split, in the order their records are concatenated. */
export const CIFAR10_FILES: Readonly<Record<Split, readonly string[]>> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};
/** The folder name the official archive and `npm run data -- cifar10` use. */
export const CIFAR10_FOLDER = 'cifar-10-batches-bin';

const PLANE = CIFAR10_SIZE * CIFAR10_SIZE;

/**
 * Decodes the records of one batch file into HWC images and labels.
 * @param bytes the file's bytes: a whole number (>= 1) of 3073-byte records
 * @param source file name for messages
 * @throws DataError when the length is not a positive multiple of 3073 or a label is above 9
 */
export function decodeCifar10Batch(bytes: Uint8Array, source: string): ImageDataset {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new DataError(
      `${source}: ${bytes.length} bytes is not a whole number of CIFAR-10 records (${CIFAR10_RECORD_BYTES} bytes each); ` +
        'the file is truncated or not a CIFAR-10 binary batch',
    );
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  const images = new Uint8Array(count * PLANE * 3);
  const labels = new Uint16Array(count);
  decodeRecordsInto(bytes, source, images, labels, 0);
  return makeDataset({ name: source, count, height: CIFAR10_SIZE, width: CIFAR10_SIZE, channels: 3, images, labels });
}

/** Decodes whole records from `bytes` into `images`/`labels` starting at image `first`. */
function decodeRecordsInto(bytes: Uint8Array, source: string, images: Uint8Array, labels: Uint16Array, first: number): void {
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  for (let k = 0; k < count; k++) {
    const record = k * CIFAR10_RECORD_BYTES;
    const label = bytes[record]!;
    if (label >= CIFAR10_CLASSES) {
      throw new DataError(`${source}: record ${k} (byte ${record}) has label ${label}; CIFAR-10 labels are 0..9`);
    }
    labels[first + k] = label;
    const out = (first + k) * PLANE * 3;
    const r = record + 1;
    for (let i = 0; i < PLANE; i++) {
      images[out + 3 * i] = bytes[r + i]!;
      images[out + 3 * i + 1] = bytes[r + PLANE + i]!;
      images[out + 3 * i + 2] = bytes[r + 2 * PLANE + i]!;
    }
  }
}

/**
 * Encodes 32x32 RGB images with labels 0..9 as CIFAR-10 binary records (the inverse of `decodeCifar10Batch`).
 * @throws DataError when the dataset is not 32x32x3, has no labels, or a label is above 9
 */
export function encodeCifar10Batch(dataset: ImageDataset): Uint8Array {
  const { name, count, images, labels } = dataset;
  if (dataset.height !== CIFAR10_SIZE || dataset.width !== CIFAR10_SIZE || dataset.channels !== 3) {
    throw new DataError(`${name}: CIFAR-10 records hold 32x32 RGB images, not ${dataset.height}x${dataset.width}x${dataset.channels}`);
  }
  if (!labels) throw new DataError(`${name}: CIFAR-10 records need a label per image`);
  const bytes = new Uint8Array(count * CIFAR10_RECORD_BYTES);
  for (let k = 0; k < count; k++) {
    const label = labels[k]!;
    if (label >= CIFAR10_CLASSES) throw new DataError(`${name}: image ${k} has label ${label}; CIFAR-10 labels are 0..9`);
    const record = k * CIFAR10_RECORD_BYTES;
    bytes[record] = label;
    const src = k * PLANE * 3;
    for (let i = 0; i < PLANE; i++) {
      bytes[record + 1 + i] = images[src + 3 * i]!;
      bytes[record + 1 + PLANE + i] = images[src + 3 * i + 1]!;
      bytes[record + 1 + 2 * PLANE + i] = images[src + 3 * i + 2]!;
    }
  }
  return bytes;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds the folder that holds the batch files: `dir` itself, or its `cifar-10-batches-bin` sub-folder (so both the
 * batches folder and the folder it was extracted into work).
 * @throws DataError when neither holds the split's first batch file
 */
export async function resolveCifar10Folder(dir: string, split: Split): Promise<string> {
  const first = CIFAR10_FILES[split][0]!;
  for (const candidate of [dir, path.join(dir, CIFAR10_FOLDER)]) {
    if (await isFile(path.join(candidate, first))) return candidate;
  }
  throw new DataError(
    `${dir}: no ${first}; run \`npm run data -- cifar10\` or point --data at a ${CIFAR10_FOLDER} folder`,
  );
}

/**
 * Reads one split of CIFAR-10 from a `cifar-10-batches-bin` folder (or the folder containing it): `train` is
 * data_batch_1..5.bin in order (50,000 images in the official files), `test` is test_batch.bin (10,000).
 * Every file is size-checked before any pixel buffer is allocated.
 * @param dir folder with the .bin batches (the official one, or `data/cifar-10-batches-bin` from `npm run data`)
 * @param split `train` or `test`
 * @returns a dataset named `cifar10/<split>`, 32x32x3, with labels 0..9
 * @throws DataError when a batch file is missing, unreadable, truncated or holds a label above 9
 */
export async function readCifar10(dir: string, split: Split): Promise<ImageDataset> {
  const folder = await resolveCifar10Folder(dir, split);
  const files = CIFAR10_FILES[split].map((name) => path.join(folder, name));
  const sizes: number[] = [];
  for (const file of files) {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      throw new DataError(`${file}: missing; a complete ${CIFAR10_FOLDER} folder has ${CIFAR10_FILES[split].join(', ')}`);
    }
    if (size === 0 || size % CIFAR10_RECORD_BYTES !== 0) {
      throw new DataError(
        `${file}: ${size} bytes is not a whole number of CIFAR-10 records (${CIFAR10_RECORD_BYTES} bytes each); ` +
          're-fetch it with `npm run data -- cifar10`',
      );
    }
    sizes.push(size);
  }
  const count = sizes.reduce((sum, size) => sum + size / CIFAR10_RECORD_BYTES, 0);
  const images = new Uint8Array(count * PLANE * 3);
  const labels = new Uint16Array(count);
  let first = 0;
  for (const [i, file] of files.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new DataError(`${file}: cannot read (${(error as Error).message})`, { cause: error });
    }
    if (bytes.length !== sizes[i]) throw new DataError(`${file}: changed size while being read; try again`);
    decodeRecordsInto(bytes, file, images, labels, first);
    first += bytes.length / CIFAR10_RECORD_BYTES;
  }
  return makeDataset({ name: `cifar10/${split}`, count, height: CIFAR10_SIZE, width: CIFAR10_SIZE, channels: 3, images, labels });
}
