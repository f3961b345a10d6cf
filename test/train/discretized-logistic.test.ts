import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../src/train/backend.js';
import { discretizedLogisticLogProb, logisticMixtureLogProb } from '../../src/train/discretized-logistic.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

test('discretised logistic: matches the defining difference of sigmoids and sums to 1 over the integers', async () => {
  await startBackend('wasm');
  for (const [mu, scale] of [[0.3, 0.7], [-12.5, 4], [100, 30]] as const) {
    const xs = tf.range(Math.floor(mu) - 2000, Math.floor(mu) + 2000);
    const logP = discretizedLogisticLogProb(xs, tf.scalar(mu), tf.scalar(Math.log(scale))).dataSync();
    let total = 0;
    const values = xs.dataSync();
    for (let i = 0; i < values.length; i++) {
      const x = values[i]!;
      const direct = sigmoid((x + 0.5 - mu) / scale) - sigmoid((x - 0.5 - mu) / scale);
      total += Math.exp(logP[i]!);
      if (direct > 1e-6) assert.ok(Math.abs(Math.exp(logP[i]!) - direct) < 2e-6 * Math.max(1, direct * 10), `x=${x} mu=${mu} s=${scale}`);
    }
    assert.ok(Math.abs(total - 1) < 1e-4, `total ${total}`);
  }
});

test('discretised logistic: far tails stay finite (no log(0))', async () => {
  await startBackend('wasm');
  const logP = discretizedLogisticLogProb(tf.tensor1d([-1000, 1000]), tf.scalar(0), tf.scalar(Math.log(0.5))).dataSync();
  for (const value of logP) assert.ok(Number.isFinite(value) && value < -1000, `${value}`);
});

test('logistic mixture: equals the weighted sum of its components', async () => {
  await startBackend('wasm');
  const x = tf.tensor([3, -2], [1, 1, 2]); // [..., 1, C=2]
  const mu = tf.tensor([[0, 1], [5, -3]], [2, 2]); // K=2, C=2
  const logScale = tf.tensor([[0, 0.5], [1, -0.5]], [2, 2]);
  const logits = tf.tensor([[0, 1], [1, 0]], [2, 2]);
  const mixture = logisticMixtureLogProb(x, mu, logScale, logits).dataSync();
  const xs = [3, -2];
  for (let c = 0; c < 2; c++) {
    const w = [Math.exp([0, 1][c]!), Math.exp([1, 0][c]!)];
    const wsum = w[0]! + w[1]!;
    let expected = 0;
    for (let k = 0; k < 2; k++) {
      const m = [[0, 1], [5, -3]][k]![c]!;
      const s = Math.exp([[0, 0.5], [1, -0.5]][k]![c]!);
      expected += (w[k]! / wsum) * (sigmoid((xs[c]! + 0.5 - m) / s) - sigmoid((xs[c]! - 0.5 - m) / s));
    }
    assert.ok(Math.abs(Math.exp(mixture[c]!) - expected) < 1e-6, `channel ${c}: ${Math.exp(mixture[c]!)} vs ${expected}`);
  }
});
