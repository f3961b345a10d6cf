/**
 * What the translation-invariant top prior costs against the IDF paper's per-position one (issue 4): with a trained
 * checkpoint's flow frozen, fit both kinds of top prior (same mixture size, same optimiser and steps) to the top
 * latents of CIFAR-10 training images, and compare their bits on test images. Prints one JSON object.
 * Usage: node dist/scripts/measure-top-prior.js CHECKPOINT [--train 10000] [--test 2000] [--steps 1500]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../src/train/backend.js';
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { idfParams } from '../src/arch/idf-params.js';
import { paramOffsets } from '../src/arch/param-list.js';
import { idfLogLikelihoodTerms } from '../src/train/idf-graph.js';
import { logisticMixtureLogProb } from '../src/train/discretized-logistic.js';
import { readCifar10 } from '../src/data/cifar10.js';
import type { ImageDataset } from '../src/data/dataset.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { train: { type: 'string', default: '10000' }, test: { type: 'string', default: '2000' }, steps: { type: 'string', default: '1500' }, data: { type: 'string', default: 'data/cifar-10-batches-bin' } } });
await startBackend('wasm');
const checkpoint = loadCheckpoint(positionals[0] ?? 'models/cifar10/checkpoint');
const params = new Map<string, tf.Tensor>();
for (const [name, { offset, size, shape }] of paramOffsets(idfParams(checkpoint.spec))) params.set(name, tf.tensor(checkpoint.ema.subarray(offset, offset + size), [...shape]));

/** Top latents [N, h, w, C] of the first `count` images. */
function topLatents(dataset: ImageDataset, count: number): tf.Tensor4D {
  const parts: tf.Tensor[] = [];
  for (let first = 0; first < count; first += 100) {
    const n = Math.min(100, count - first);
    const top = tf.tidy(() => {
      const pixels = tf.tensor4d(Float32Array.from(dataset.images.subarray(first * 3072, (first + n) * 3072), (v) => v - 128), [n, 32, 32, 3]);
      let captured: tf.Tensor | null = null;
      idfLogLikelihoodTerms(checkpoint.spec, params, pixels, (name, activation) => {
        if (name === 'top') captured = tf.keep(activation.clone());
      });
      return captured!;
    });
    parts.push(top);
  }
  return tf.concat(parts) as tf.Tensor4D;
}

const train = topLatents(await readCifar10(values.data!, 'train'), Number(values.train));
const test = topLatents(await readCifar10(values.data!, 'test'), Number(values.test));
const [, h, w, c] = train.shape;
const k = checkpoint.spec.topPrior.components;

/** Fits a top prior whose parameters have `positions` positions (1 = translation-invariant) and returns test bits/dim. */
function fit(positions: number): number {
  const shape = positions === 1 ? [k, c] : [h, w, k, c];
  const spread = tf.tensor1d([...Array(k).keys()].map((i) => (i - (k - 1) / 2) * 6)).reshape([k, 1]);
  const mu = tf.variable(tf.mul(tf.ones(shape), positions === 1 ? spread : spread.reshape([1, 1, k, 1])));
  const logScale = tf.variable(tf.fill(shape, Math.log(8)));
  const logits = tf.variable(tf.zeros(shape));
  const optimizer = tf.train.adam(0.05);
  const nll = (latents: tf.Tensor) => tf.neg(tf.mean(tf.sum(logisticMixtureLogProb(tf.expandDims(latents, 3), mu, logScale, logits), [1, 2, 3])));
  for (let step = 0; step < Number(values.steps); step++) {
    optimizer.minimize(() => nll(train) as tf.Scalar);
  }
  return tf.tidy(() => nll(test).dataSync()[0]! / (3072 * Math.LN2));
}

const invariant = fit(1);
const perPosition = fit(h * w);
console.log(JSON.stringify({ checkpoint: positionals[0], trainImages: Number(values.train), testImages: Number(values.test), topBitsPerDimInvariant: invariant, topBitsPerDimPerPosition: perPosition, costOfInvarianceBitsPerDim: invariant - perPosition }));
