/**
 * The labelled image sets `idfz hexaconv` trains and evaluates on, by name: `cifar10` (the official binary batches:
 * 50,000 train, 10,000 test, 32 x 32) and `folder` (the AID layout, class-folders.ts: images resized to 64 x 64, a
 * seeded 80/20 split per class). Invariant: a name, a path and a seed always give the same images and labels.
 */
import { CIFAR10_CLASS_NAMES, readCifar10 } from '../../data/cifar10.js';
import { splitValidation, type ImageDataset, type Split } from '../../data/dataset.js';
import { readClassFolders, stratifiedSplit } from './class-folders.js';

/** Dataset names `idfz hexaconv` accepts. */
export const CLASSIFICATION_DATASETS = ['cifar10', 'folder'] as const;
export type ClassificationDatasetName = (typeof CLASSIFICATION_DATASETS)[number];

/** Side of the images of a class-folder dataset after resizing (the paper's AID setting). */
export const FOLDER_IMAGE_SIZE = 64;
/** Share of each class that a class-folder dataset trains on (the paper's AID setting). */
export const FOLDER_TRAIN_FRACTION = 0.8;

/** One split of a labelled dataset. */
export interface ClassificationSplit {
  /** Square images (32 x 32 or 64 x 64, RGB) with labels. */
  readonly images: ImageDataset;
  /** Class names in label order. */
  readonly classNames: readonly string[];
}

/**
 * Opens one split.
 * @param splitSeed seed of the class-folder split (ignored for cifar10, whose split is published)
 * @throws DataError when the data are missing or malformed (the message says how to get them)
 */
export async function openClassificationSplit(name: ClassificationDatasetName, dataPath: string, split: Split, splitSeed: number): Promise<ClassificationSplit> {
  if (name === 'cifar10') return { images: await readCifar10(dataPath, split), classNames: CIFAR10_CLASS_NAMES };
  const all = await readClassFolders(dataPath, FOLDER_IMAGE_SIZE);
  const parts = stratifiedSplit(all.images, FOLDER_TRAIN_FRACTION, splitSeed);
  return { images: split === 'train' ? parts.train : parts.test, classNames: all.classNames };
}

/**
 * A run's training and validation parts of the training split. CIFAR-10 holds out its last images (its batches are
 * already shuffled); a class folder, whose images come class by class, a subset drawn with `splitSeed`.
 * @param count images held out, 0..images.count - 1 (0: no validation)
 */
export function holdOutValidation(name: ClassificationDatasetName, images: ImageDataset, count: number, splitSeed: number): { train: ImageDataset; validation: ImageDataset | null } {
  if (count === 0) return { train: images, validation: null };
  return splitValidation(images, name === 'cifar10' ? { count } : { count, seed: splitSeed });
}
