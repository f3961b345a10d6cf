/**
 * Image classification data in the AID layout (Xia et al. 2017; the HexaConv paper's second benchmark): one
 * sub-folder per class, named after it, holding that class's images of any size, each resized to S x S (64 in the
 * paper) by area averaging, with a seeded per-class split (80% train, 20% test in the paper). Invariant: the same
 * folder and seed give the same images, labels (classes in name order) and split on every machine.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import { makeDataset, pickImages, type ImageDataset } from '../../data/dataset.js';
import { listImageFiles, mapLimited, readImageFile } from '../../data/image-files.js';
import { resizeArea } from './resize-area.js';

/** A class-folder dataset before splitting. */
export interface ClassFolderData {
  /** Every image, RGB, S x S, with its class label. */
  readonly images: ImageDataset;
  /** Class names (the sub-folder names) in label order. */
  readonly classNames: readonly string[];
}

/**
 * Reads every image of every class sub-folder of `dir` (in name order), as RGB (grey images repeated over three
 * channels), resized to size x size.
 * @param size output side in pixels, 8..512
 * @throws DataError when `dir` cannot be listed, has fewer than two non-empty class folders, or an image cannot be
 *   decoded (the message names it)
 */
export async function readClassFolders(dir: string, size: number): Promise<ClassFolderData> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DataError(`${dir}: cannot list the folder (${(error as Error).message}); expected one sub-folder of images per class`, { cause: error });
  }
  const classes: { name: string; files: string[] }[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const files = await listImageFiles(path.join(dir, entry));
    if (files.length > 0) classes.push({ name: entry, files });
  }
  if (classes.length < 2) {
    throw new DataError(`${dir}: ${classes.length} class sub-folder(s) with images; the AID layout has one sub-folder of images per class (at least two)`);
  }
  const files = classes.flatMap((c, label) => c.files.map((file) => ({ file, label })));
  const bytes = size * size * 3;
  const images = new Uint8Array(files.length * bytes);
  const labels = new Uint16Array(files.length);
  await mapLimited(files, 4, async ({ file, label }, i) => {
    const image = await readImageFile(file);
    let rgb = image.data;
    if (image.channels === 1) {
      rgb = new Uint8Array(image.width * image.height * 3);
      for (let p = 0; p < image.width * image.height; p++) rgb.fill(image.data[p]!, p * 3, p * 3 + 3);
    }
    images.set(resizeArea(rgb, image.height, image.width, 3, size, size), i * bytes);
    labels[i] = label;
  });
  return {
    images: makeDataset({ name: `folder:${path.basename(dir)}`, count: files.length, height: size, width: size, channels: 3, images, labels }),
    classNames: classes.map((c) => c.name),
  };
}

/**
 * Splits a labelled dataset class by class: of each class's n images, round(trainFraction * n) drawn with a seeded
 * shuffle go to `train`, the others to `test`; both keep the original order.
 * @param trainFraction in (0, 1)
 * @throws DataError when the dataset has no labels
 */
export function stratifiedSplit(dataset: ImageDataset, trainFraction: number, seed: number): { train: ImageDataset; test: ImageDataset } {
  const labels = dataset.labels;
  if (!labels) throw new DataError(`${dataset.name}: a class split needs labels`);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  });
  const random = new Random(seed);
  const isTrain = new Uint8Array(dataset.count);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = random.shuffle([...byClass.get(label)!]);
    for (const i of members.slice(0, Math.round(trainFraction * members.length))) isTrain[i] = 1;
  }
  const pick = (flag: number) => [...isTrain.keys()].filter((i) => isTrain[i] === flag);
  return {
    train: pickImages(dataset, pick(1), `${dataset.name}:train`),
    test: pickImages(dataset, pick(0), `${dataset.name}:test`),
  };
}
