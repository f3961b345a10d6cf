/**
 * A model's own estimates of its rate on the bench images, beside the coded figure: the float model's bits per
 * dimension (the EMA weights of its float checkpoint, through src/train) and the integer model's ideal code length
 * (LearnedTileCoder.estimateBits). Invariant: an estimate is a number only when computed on exactly the bench images;
 * otherwise it is null with the reason, never a figure from elsewhere (such as the manifest's validation result).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { IdfzError } from '../core/errors.js';
import { createEngine, type KernelName } from '../engine/index.js';
import { IDF_CODER_FACTORY, type LearnedCoderFactory, type LearnedCoderFactoryRef } from '../codec/index.js';
import { hasCheckpoint, loadCheckpoint } from '../train/checkpoint.js';
import { evaluateIdf } from '../train/evaluate.js';
import type { ModelRecord, LoadedModel } from '../zoo/index.js';
import { subPixels, type BenchImage, type BpdEstimate } from './bench-codec.js';

function none(note: string): BpdEstimate {
  return { bpd: null, note };
}

/**
 * The float checkpoint a model folder ships: `<folder>/checkpoint/`, or the folder `trainedOn.checkpoint` of its
 * manifest names (relative to the model folder).
 * @returns the checkpoint folder, or null when there is none
 */
export async function floatCheckpointOf(record: ModelRecord): Promise<string | null> {
  const named = (record.trainedOn as { checkpoint?: unknown } | null)?.checkpoint;
  const candidates = [path.join(record.folder, 'checkpoint'), ...(typeof named === 'string' ? [path.resolve(record.folder, named)] : [])];
  for (const dir of candidates) {
    const isDir = await stat(dir).then((info) => info.isDirectory(), () => false);
    if (isDir && hasCheckpoint(dir)) return dir;
  }
  return null;
}

/**
 * Bits per dimension of the model's float checkpoint (EMA weights) on `images`, on one worker thread.
 * @returns null with the reason when the folder ships no checkpoint, the images differ in size or channels from
 *   one another or from the checkpoint, or the checkpoint cannot be loaded
 */
export async function floatEstimate(record: ModelRecord, images: readonly BenchImage[]): Promise<BpdEstimate> {
  const dir = await floatCheckpointOf(record);
  if (dir === null) return none(`model ${record.id} ships no float checkpoint (no checkpoint/ folder, no trainedOn.checkpoint in its manifest)`);
  if (images.length === 0) return none('no images');
  const [first] = images;
  if (images.some((image) => image.width !== first!.width || image.height !== first!.height || image.channels !== first!.channels)) {
    return none('the float model is evaluated on equal-size images only, and these differ in size');
  }
  try {
    const checkpoint = loadCheckpoint(dir);
    if (checkpoint.spec.imageChannels !== first!.channels) {
      return none(`the checkpoint models ${checkpoint.spec.imageChannels}-channel images, these have ${first!.channels}`);
    }
    const data = new Uint8Array(images.length * first!.data.length);
    images.forEach((image, k) => data.set(image.data, k * image.data.length));
    const result = await evaluateIdf(checkpoint, { count: images.length, height: first!.height, width: first!.width, channels: first!.channels, images: data }, { workers: 1, backend: 'wasm', batchSize: 50 });
    return { bpd: result.bpd, note: `EMA weights of ${path.relative(record.folder, dir) || '.'} in ${record.id}, tfjs wasm backend` };
  } catch (error) {
    if (error instanceof IdfzError) return none(error.message);
    throw error;
  }
}

/**
 * The integer model's ideal code length on `images`, each image taken as one tile (no container, no fallback
 * tiles, no rANS overhead): the sum of estimateBits over the images, divided by their samples.
 * @param learnedCoder the coder factory; default the IDF coder
 * @returns null with the reason when an image's channels differ from the model's or its size is not a multiple of
 *   the model's size multiple, or the model cannot be read
 */
export async function integerEstimate(model: LoadedModel, images: readonly BenchImage[], kernel: KernelName = 'wasm', learnedCoder: LearnedCoderFactoryRef = IDF_CODER_FACTORY): Promise<BpdEstimate> {
  if (images.length === 0) return none('no images');
  const source = path.join(model.record.folder, model.record.file);
  try {
    const factory = (await import(learnedCoder.moduleUrl) as Record<string, LearnedCoderFactory>)[learnedCoder.exportName]!;
    const coder = factory(model.bytes, source, createEngine({ kernel }));
    let bits = 0;
    let samples = 0;
    for (const image of images) {
      if (image.channels !== coder.channels) return none(`model ${model.record.id} codes ${coder.channels}-channel images, ${image.name} has ${image.channels}`);
      if (image.width % coder.sizeMultiple !== 0 || image.height % coder.sizeMultiple !== 0) {
        return none(`${image.name} is ${image.width}x${image.height}, not a multiple of the model's ${coder.sizeMultiple} (the codec pads such images; the estimate covers whole tiles only)`);
      }
      bits += coder.estimateBits(image.data, image.width, image.height);
      samples += subPixels(image);
    }
    return { bpd: bits / samples, note: `ideal code length of ${model.record.id}, each image as one tile, ${kernel} kernels` };
  } catch (error) {
    if (error instanceof IdfzError) return none(error.message);
    throw error;
  }
}
