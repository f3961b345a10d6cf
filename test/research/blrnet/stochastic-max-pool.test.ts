import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { startBackend } from '../../../src/train/backend.js';
import { stochasticMaxPool, windowArgmax } from '../../../src/research/blrnet/stochastic-max-pool.js';
import { normalNoise } from '../../../src/research/blrnet/stochastic-layers.js';
import { uniformArray } from './blrnet-test-data.js';

before(async () => startBackend('wasm'));

const shape: [number, number, number, number] = [2, 4, 6, 3];
const size = 2 * 4 * 6 * 3;

/** Brute force: for each output, scan its window in raster order and keep the first strict maximum. */
function bruteForce(mean: Float32Array, variance: Float32Array, noise: Float32Array | null): number[] {
  const [n, h, w, c] = shape;
  const sources: number[] = [];
  for (let b = 0; b < n; b++) for (let y = 0; y < h / 2; y++) for (let x = 0; x < w / 2; x++) for (let k = 0; k < c; k++) {
    let best = -1;
    let bestScore = -Infinity;
    for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      const i = ((b * h + 2 * y + dy!) * w + 2 * x + dx!) * c + k;
      const s = mean[i]! + (noise ? Math.sqrt(variance[i]!) * noise[i]! : 0);
      if (s > bestScore) [best, bestScore] = [i, s];
    }
    sources.push(best);
  }
  return sources;
}

test('windowArgmax picks each window\'s sampled maximum, the first in raster order on ties', () => {
  const random = new Random(3);
  const mean = uniformArray(random, size, -2, 2);
  const variance = uniformArray(random, size, 0, 1);
  const noise = normalNoise(random, size);
  assert.deepEqual([...windowArgmax(shape, mean, variance, noise)], bruteForce(mean, variance, noise));
  assert.deepEqual([...windowArgmax(shape, mean, variance, null)], bruteForce(mean, variance, null));
  // Ties: integer-valued means with many equal entries.
  const tied = Float32Array.from(mean, (m) => Math.round(m / 2));
  const sources = windowArgmax(shape, tied, variance, null);
  assert.deepEqual([...sources], bruteForce(tied, variance, null));
  assert.equal(windowArgmax(shape, new Float32Array(size), variance, null)[0], 0, 'an all-equal window selects its top-left position');
});

test('windowArgmax reads a variance shared by the batch (one image) like the full map', () => {
  const random = new Random(4);
  const mean = uniformArray(random, size, -1, 1);
  const oneImage = uniformArray(random, size / 2, 0, 2);
  const full = new Float32Array(size);
  full.set(oneImage);
  full.set(oneImage, size / 2);
  const noise = normalNoise(random, size);
  assert.deepEqual([...windowArgmax(shape, mean, oneImage, noise)], [...windowArgmax(shape, mean, full, noise)]);
});

test('stochasticMaxPool passes on the selected (mean, variance) and sends each output gradient to exactly its source', () => {
  const random = new Random(5);
  const meanValues = uniformArray(random, size, -2, 2);
  const varianceValues = uniformArray(random, size, 0.1, 1);
  const noise = normalNoise(random, size);
  const sources = bruteForce(meanValues, varianceValues, noise);
  const weightsMean = uniformArray(random, size / 4, -1, 1);
  const weightsVar = uniformArray(random, size / 4, -1, 1);
  const mean = tf.tensor4d(meanValues, shape);
  const variance = tf.tensor4d(varianceValues, shape);
  const pooled = stochasticMaxPool({ mean, variance }, noise);
  assert.deepEqual(pooled.mean.shape, [2, 2, 3, 3]);
  assert.deepEqual([...pooled.mean.dataSync()], sources.map((i) => meanValues[i]!));
  assert.deepEqual([...pooled.variance.dataSync()], sources.map((i) => varianceValues[i]!));

  const loss = (m: tf.Tensor, v: tf.Tensor) => {
    const out = stochasticMaxPool({ mean: m as tf.Tensor4D, variance: v as tf.Tensor4D }, noise);
    return tf.add(tf.sum(tf.mul(out.mean, tf.tensor4d(weightsMean, out.mean.shape))), tf.sum(tf.mul(out.variance, tf.tensor4d(weightsVar, out.mean.shape))));
  };
  const [dMean, dVar] = tf.grads(loss)([mean, variance]);
  const expectedMean = new Float32Array(size);
  const expectedVar = new Float32Array(size);
  sources.forEach((i, o) => {
    expectedMean[i] = weightsMean[o]!;
    expectedVar[i] = weightsVar[o]!;
  });
  assert.deepEqual([...dMean!.dataSync()], [...expectedMean]);
  assert.deepEqual([...dVar!.dataSync()], [...expectedVar]);
  // Gradient mass is conserved: every output's gradient arrives once (tfjs's wasm max-pool gradient loses some).
  const total = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);
  assert.ok(Math.abs(total(dMean!.dataSync()) - total(weightsMean)) < 1e-5);

  // Finite differences on a mean that does not change the selection.
  const probe = sources[5]!;
  const bumped = Float32Array.from(meanValues);
  bumped[probe]! += 1e-2;
  const delta = (loss(tf.tensor4d(bumped, shape), variance).dataSync()[0]! - loss(mean, variance).dataSync()[0]!) / 1e-2;
  assert.ok(Math.abs(delta - weightsMean[5]!) < 1e-3, `finite difference ${delta} vs ${weightsMean[5]}`);
});

test('with no noise the pooled mean equals tf.maxPool of the mean', () => {
  const random = new Random(6);
  const mean = tf.tensor4d(uniformArray(random, size, -3, 3), shape);
  const variance = tf.tensor4d(uniformArray(random, size, 0, 1), shape);
  assert.deepEqual([...stochasticMaxPool({ mean, variance }, null).mean.dataSync()], [...tf.maxPool(mean, 2, 2, 'valid').dataSync()]);
});

test('a shared variance map receives the sum of its images\' gradients', () => {
  const random = new Random(7);
  const meanValues = uniformArray(random, size, -2, 2);
  const oneImage = uniformArray(random, size / 2, 0.1, 1);
  const noise = normalNoise(random, size);
  const full = new Float32Array(size);
  full.set(oneImage);
  full.set(oneImage, size / 2);
  const sources = bruteForce(meanValues, full, noise);
  const gradShared = tf.grad((v: tf.Tensor) => tf.sum(stochasticMaxPool({ mean: tf.tensor4d(meanValues, shape), variance: v as tf.Tensor4D }, noise).variance))(tf.tensor4d(oneImage, [1, 4, 6, 3]));
  const expected = new Float32Array(size / 2);
  for (const i of sources) expected[i % (size / 2)]! += 1;
  assert.deepEqual([...gradShared.dataSync()], [...expected]);
});
