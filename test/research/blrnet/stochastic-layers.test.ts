import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { startBackend } from '../../../src/train/backend.js';
import {
  activationProbability, batchNormalise, binaryLinearMoments, logisticNoise, normalCdfLogit, normalNoise, stochasticBatchMoments,
  type LayerInput,
} from '../../../src/research/blrnet/stochastic-layers.js';
import { channelSum, denseMatMul } from '../../../src/research/blrnet/fast-ops.js';
import type { BlrnetLayer } from '../../../src/research/blrnet/blrnet-spec.js';
import { exactNormalCdf, uniformArray } from './blrnet-test-data.js';

before(async () => startBackend('wasm'));

const conv: BlrnetLayer = { kind: 'conv', filters: 2, kernelSize: 3, pool: false };

/** Monte Carlo moments of conv(x, a) with a ~ Binary(theta) (and x ~ Binary(m) for 'mean' inputs). */
function monteCarlo(input: LayerInput, theta: Float32Array, draws: number, random: Random): { mean: Float64Array; variance: Float64Array } {
  const x = input.x.dataSync();
  const size = input.x.shape[1]! * input.x.shape[2]! * 2;
  const sum = new Float64Array(size);
  const sumSquares = new Float64Array(size);
  for (let d = 0; d < draws; d++) {
    const w = Float32Array.from(theta, (t) => (random.nextFloat() < (1 + t) / 2 ? 1 : -1));
    const xs = input.kind === 'mean' ? Float32Array.from(x, (m) => (random.nextFloat() < (1 + m) / 2 ? 1 : -1)) : x;
    const out = tf.tidy(() => tf.conv2d(tf.tensor4d(xs, input.x.shape as [number, number, number, number]), tf.tensor4d(w, [3, 3, 2, 2]), 1, 'same').dataSync());
    for (let i = 0; i < size; i++) {
      sum[i]! += out[i]!;
      sumSquares[i]! += out[i]! * out[i]!;
    }
  }
  const mean = sum.map((s) => s / draws);
  return { mean, variance: sumSquares.map((s, i) => s / draws - mean[i]! ** 2) };
}

test('binaryLinearMoments gives the exact mean and variance of a binary-weight layer (checked by sampling)', () => {
  const random = new Random(11);
  const theta = uniformArray(random, 3 * 3 * 2 * 2, -1, 1);
  for (const kind of ['real', 'binary', 'mean'] as const) {
    const values = kind === 'real' ? uniformArray(random, 4 * 4 * 2, -2, 2)
      : kind === 'binary' ? Float32Array.from({ length: 32 }, () => (random.nextFloat() < 0.5 ? 1 : -1))
        : uniformArray(random, 32, -0.9, 0.9);
    const input: LayerInput = { kind, x: tf.tensor4d(values, [1, 4, 4, 2]) };
    const moments = binaryLinearMoments(conv, input, tf.tensor4d(theta, [3, 3, 2, 2]));
    const mean = moments.mean.dataSync();
    const variance = tf.broadcastTo(moments.variance, [1, 4, 4, 2]).dataSync();
    const sampled = monteCarlo(input, theta, 4000, random);
    for (let i = 0; i < mean.length; i++) {
      const spread = Math.sqrt(variance[i]!);
      assert.ok(Math.abs(sampled.mean[i]! - mean[i]!) < 0.08 * spread + 1e-6, `${kind} mean ${i}: ${sampled.mean[i]} vs ${mean[i]}`);
      assert.ok(Math.abs(sampled.variance[i]! - variance[i]!) < 0.1 * variance[i]! + 1e-6, `${kind} variance ${i}: ${sampled.variance[i]} vs ${variance[i]}`);
    }
  }
});

test('a binary input\'s variance is computed once for the whole batch', () => {
  const x = tf.tensor4d(Float32Array.from({ length: 3 * 32 }, (_, i) => (i % 3 === 0 ? 1 : -1)), [3, 4, 4, 2]);
  const moments = binaryLinearMoments(conv, { kind: 'binary', x }, tf.fill([3, 3, 2, 2], 0.5));
  assert.deepEqual(moments.variance.shape, [1, 4, 4, 2]);
  // Corner: 4 taps x 2 channels of variance 1 - 0.25; centre: 9 taps x 2 channels.
  assert.equal(moments.variance.dataSync()[0], 8 * 0.75);
  assert.equal(moments.variance.dataSync()[(1 * 4 + 1) * 2], 18 * 0.75);
});

test('stochasticBatchMoments: m = mean mu, v = (sum var + sum (mu - m)^2) / (M - 1)', () => {
  const mean = tf.tensor4d([1, 10, 2, 20, 3, 30, 6, 40], [2, 1, 2, 2]);
  const variance = tf.tensor4d([0.5, 1, 0.5, 1, 0.5, 1, 0.5, 1], [2, 1, 2, 2]);
  const moments = stochasticBatchMoments({ mean, variance });
  assert.deepEqual([...moments.mean.dataSync()], [3, 25]);
  // channel 0: sum var 2, spread 4+1+0+9 = 14 -> 16 / 3; channel 1: 4 + (225+25+25+225) -> 504 / 3
  const v = moments.variance.dataSync();
  assert.ok(Math.abs(v[0]! - 16 / 3) < 1e-5 && Math.abs(v[1]! - 168) < 1e-4);
  // A shared variance map counts once per image.
  const shared = stochasticBatchMoments({ mean, variance: tf.tensor4d([0.5, 1, 0.5, 1], [1, 1, 2, 2]) });
  assert.deepEqual([...shared.variance.dataSync()], [...v]);
  const normalised = batchNormalise({ mean, variance }, moments, tf.tensor1d([2, 1]), tf.tensor1d([1, 0]));
  const scale0 = 2 / Math.sqrt(16 / 3 + 1e-4);
  assert.ok(Math.abs(normalised.mean.dataSync()[0]! - (scale0 * (1 - 3) + 1)) < 1e-5);
  assert.ok(Math.abs(normalised.variance.dataSync()[0]! - 0.5 * scale0 * scale0) < 1e-5);
});

test('the tanh form of Phi is within 2e-4 of Phi on [-6, 6]', () => {
  const xs = Float32Array.from({ length: 1201 }, (_, i) => -6 + i / 100);
  const approx = tf.sigmoid(normalCdfLogit(tf.tensor1d(xs))).dataSync();
  xs.forEach((x, i) => assert.ok(Math.abs(approx[i]! - exactNormalCdf(x)) < 2e-4, `x = ${x}`));
  assert.ok(Math.abs(exactNormalCdf(1) - 0.8413447460685429) < 1e-15 && Math.abs(exactNormalCdf(-2.5) - 0.0062096653257761) < 1e-15);
  const p = activationProbability({ mean: tf.tensor4d([1, -2, 30, 0], [1, 1, 2, 2]), variance: tf.tensor4d([1, 4, 1, 5], [1, 1, 2, 2]) }).dataSync();
  assert.ok(Math.abs(p[0]! - exactNormalCdf(1)) < 2e-4 && Math.abs(p[1]! - exactNormalCdf(-1)) < 2e-4);
  assert.ok(p[2]! > 0.9999 && p[2]! <= 1, 'mu / sigma is clipped at 5, not overflowed');
  assert.equal(p[3], 0.5);
});

test('noise generators are seeded and have the right moments', () => {
  const normal = normalNoise(new Random(1), 20001);
  assert.deepEqual(normal, normalNoise(new Random(1), 20001));
  const mean = normal.reduce((a, b) => a + b, 0) / normal.length;
  const variance = normal.reduce((a, b) => a + (b - mean) ** 2, 0) / normal.length;
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(variance - 1) < 0.05, `${mean} ${variance}`);
  const logistic = logisticNoise(new Random(2), 20000);
  const below = logistic.filter((l) => l < 1).length / logistic.length;
  assert.ok(Math.abs(below - 1 / (1 + Math.exp(-1))) < 0.015, `P(L < 1) = ${below}`);
});

test('denseMatMul and channelSum have the stock ops\' values and gradients', () => {
  const random = new Random(9);
  const x = tf.tensor2d(uniformArray(random, 6 * 5, -1, 1), [6, 5]);
  const w = tf.tensor2d(uniformArray(random, 5 * 4, -1, 1), [5, 4]);
  const dy = tf.tensor2d(uniformArray(random, 6 * 4, -1, 1), [6, 4]);
  const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(denseMatMul(a as tf.Tensor2D, b as tf.Tensor2D), dy)))([x, w]);
  const stock = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), dy)))([x, w]);
  ours.forEach((g, i) => assert.ok(tf.max(tf.abs(tf.sub(g, stock[i]!))).dataSync()[0]! < 1e-5));
  const m = tf.tensor4d(uniformArray(random, 2 * 3 * 3 * 4, -1, 1), [2, 3, 3, 4]);
  const weights = tf.tensor1d([1, -2, 3, 0.5]);
  assert.ok(tf.max(tf.abs(tf.sub(channelSum(m), tf.sum(m, [0, 1, 2])))).dataSync()[0]! < 1e-5);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(channelSum(t), weights)))(m);
  assert.deepEqual([...g.dataSync()], [...tf.mul(tf.onesLike(m), weights).dataSync()]);
});
