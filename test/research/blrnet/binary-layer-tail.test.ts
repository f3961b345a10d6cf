import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { startBackend } from '../../../src/train/backend.js';
import { binaryLayerTail, type TailNoise } from '../../../src/research/blrnet/binary-layer-tail.js';
import {
  batchNormalise, logisticNoise, normalCdfLogit, normalNoise, RATIO_CLIP, stochasticBatchMoments, VARIANCE_FLOOR,
} from '../../../src/research/blrnet/stochastic-layers.js';
import { stochasticMaxPool } from '../../../src/research/blrnet/stochastic-max-pool.js';
import { exactNormalCdf, uniformArray } from './blrnet-test-data.js';

before(async () => startBackend('wasm'));

/** +-1 by z >= 1/2 with gradient 2 (straight through 2z - 1), as a tfjs op. */
const hardSign = tf.customGrad(((z: tf.Tensor) => ({
  value: tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0.5), 'float32'), 2), 1),
  gradFunc: (dy: tf.Tensor) => [tf.mul(dy, 2)],
})) as never) as (z: tf.Tensor) => tf.Tensor;

/** The same chain composed from tfjs ops: stochastic batch norm, stochastic max-pool, PBNet-S binarisation. */
function composedTail(mu: tf.Tensor, sigma2: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, pool: boolean, noise: TailNoise, temperature: number): tf.Tensor {
  const input = { mean: mu as tf.Tensor4D, variance: sigma2 as tf.Tensor4D };
  let normalised = batchNormalise(input, stochasticBatchMoments(input), gamma, beta);
  if (pool) normalised = stochasticMaxPool(normalised, noise.pool);
  const ratio = tf.clipByValue(tf.div(normalised.mean, tf.sqrt(tf.add(normalised.variance, VARIANCE_FLOOR))), -RATIO_CLIP, RATIO_CLIP);
  const relaxed = tf.sigmoid(tf.div(tf.add(normalCdfLogit(ratio), tf.tensor(noise.logistic, normalised.mean.shape)), temperature));
  return hardSign(relaxed);
}

const cases = [
  { name: 'conv map, pooled, per-image variance', shape: [3, 4, 4, 5], varianceShape: [3, 4, 4, 5], pool: true, temperature: 1 },
  { name: 'conv map, pooled, variance shared by the batch', shape: [3, 4, 6, 2], varianceShape: [1, 4, 6, 2], pool: true, temperature: 1 },
  { name: 'dense layer, shared variance, temperature 2/3', shape: [7, 6], varianceShape: [1, 6], pool: false, temperature: 2 / 3 },
] as const;

for (const c of cases) {
  test(`the fused tail equals the composed tfjs ops in value and gradient: ${c.name}`, () => {
    const random = new Random(21);
    const size = (c.shape as readonly number[]).reduce((a, b) => a * b, 1);
    const varianceSize = (c.varianceShape as readonly number[]).reduce((a, b) => a * b, 1);
    const channels = c.shape[c.shape.length - 1]!;
    const mu = tf.tensor(uniformArray(random, size, -3, 3), [...c.shape]);
    const sigma2 = tf.tensor(uniformArray(random, varianceSize, 0.2, 2), [...c.varianceShape]);
    const gamma = tf.tensor1d(uniformArray(random, channels, 0.5, 1.5).map((g, i) => (i === 1 ? -g : g)));
    const beta = tf.tensor1d(uniformArray(random, channels, -0.5, 0.5));
    const outSize = c.pool ? size / 4 : size;
    const noise: TailNoise = { pool: c.pool ? normalNoise(random, size) : null, logistic: logisticNoise(random, outSize) };
    const weights = tf.tensor(uniformArray(random, outSize, -1, 1), c.pool ? [c.shape[0], c.shape[1]! / 2, c.shape[2]! / 2, channels] : [...c.shape]);

    const fused = binaryLayerTail(mu, sigma2, gamma, beta, c.pool, noise, c.temperature);
    const composed = composedTail(mu, sigma2, gamma, beta, c.pool, noise, c.temperature);
    assert.deepEqual(fused.activations.shape, composed.shape);
    assert.deepEqual([...fused.activations.dataSync()], [...composed.dataSync()]);
    const moments = stochasticBatchMoments({ mean: mu as tf.Tensor4D, variance: sigma2 as tf.Tensor4D });
    fused.moments.mean.forEach((m, i) => assert.ok(Math.abs(m - moments.mean.dataSync()[i]!) < 1e-5));
    fused.moments.variance.forEach((v, i) => assert.ok(Math.abs(v - moments.variance.dataSync()[i]!) < 1e-4 * v));

    const gradFused = tf.grads((a: tf.Tensor, b: tf.Tensor, g: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(binaryLayerTail(a, b, g, d, c.pool, noise, c.temperature).activations, weights)))([mu, sigma2, gamma, beta]);
    const gradComposed = tf.grads((a: tf.Tensor, b: tf.Tensor, g: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(composedTail(a, b, g, d, c.pool, noise, c.temperature), weights)))([mu, sigma2, gamma, beta]);
    ['mu', 'variance', 'gamma', 'beta'].forEach((name, k) => {
      assert.deepEqual(gradFused[k]!.shape, gradComposed[k]!.shape, name);
      const a = gradFused[k]!.dataSync();
      const b = gradComposed[k]!.dataSync();
      const scale = Math.max(...Array.from(b, Math.abs));
      assert.ok(scale > 0, `${name}: the gradient is not zero`);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= 1e-4 * scale, `${name}[${i}]: ${a[i]} vs ${b[i]}`);
    });
  });
}

test('the forward pass draws +1 with probability Phi(mu / sigma) of the normalised pre-activation', () => {
  // 4 distinct pre-activations per channel, 1000 copies each: batch norm maps value j to a known ratio.
  const values = [-1.5, -0.2, 0.4, 1.3];
  const rows = 4000;
  const mu = tf.tensor2d(Float32Array.from({ length: rows }, (_, i) => values[i % 4]!), [rows, 1]);
  const sigma2 = tf.tensor2d([0.3], [1, 1]);
  const counts = [0, 0, 0, 0];
  const draws = 5;
  for (let d = 0; d < draws; d++) {
    const h = binaryLayerTail(mu, sigma2, tf.tensor1d([1]), tf.tensor1d([0.1]), false, { pool: null, logistic: logisticNoise(new Random(d), rows) }).activations.dataSync();
    h.forEach((value, i) => (counts[i % 4]! += value > 0 ? 1 : 0));
  }
  const m = values.reduce((a, b) => a + b, 0) / 4;
  const v = (rows * 0.3 + (rows / 4) * values.reduce((a, b) => a + (b - m) ** 2, 0)) / (rows - 1);
  const k = 1 / Math.sqrt(v + 1e-4);
  values.forEach((value, j) => {
    const ratio = (k * (value - m) + 0.1) / Math.sqrt(0.3 * k * k + 1e-6);
    const frequency = counts[j]! / ((rows / 4) * draws);
    assert.ok(Math.abs(frequency - exactNormalCdf(ratio)) < 0.025, `value ${value}: ${frequency} vs Phi = ${exactNormalCdf(ratio)}`);
  });
});
