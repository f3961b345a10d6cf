import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { startBackend } from '../../../src/train/backend.js';
import { splineForward, splineInverse, type SplineParams } from '../../../src/research/snf/spline-activation.js';

before(async () => {
  await startBackend('wasm');
});

const BINS = 5;
const BOUND = 3;
const D = 6;

function params(seed: number, scale: number): SplineParams {
  const random = new Random(seed);
  const normal = (size: number) => Float32Array.from({ length: size }, () => scale * random.nextNormal());
  return { widths: tf.tensor2d(normal(D * BINS), [D, BINS]), heights: tf.tensor2d(normal(D * BINS), [D, BINS]), derivatives: tf.tensor2d(normal(D * (BINS - 1)), [D, BINS - 1]) };
}

/** 4 images of 1x2x3 (D = 6) spread over both tails and the spline's inside. */
function inputs(seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: 4 * D }, (_, i) => (i % 7 === 0 ? 5 * (random.nextFloat() - 0.5) * 2 * BOUND : (2 * random.nextFloat() - 1) * BOUND));
}

test('spline: inverse(forward(x)) = x, identity outside [-B, B], ends fixed at -B and B', () => {
  tf.tidy(() => {
    const p = params(1, 1);
    const x = tf.tensor4d(inputs(2), [4, 1, 2, 3]);
    const { y } = splineForward(x, p, BINS, BOUND);
    const back = splineInverse(y, p, BINS, BOUND).dataSync();
    const xs = x.dataSync();
    const ys = y.dataSync();
    let changed = 0;
    xs.forEach((v, i) => {
      assert.ok(Math.abs(back[i]! - v) < 1e-4, `element ${i}: ${v} -> ${ys[i]} -> ${back[i]}`);
      if (Math.abs(v) > BOUND) assert.equal(ys[i], v);
      else if (Math.abs(ys[i]! - v) > 1e-2) changed++;
    });
    assert.ok(changed > 5, 'the spline moved the inside values');
    const ends = splineForward(tf.tensor4d([-BOUND, BOUND, -BOUND, BOUND, -BOUND, BOUND], [1, 1, 2, 3]), p, BINS, BOUND).y.dataSync();
    ends.forEach((v, i) => assert.ok(Math.abs(v - (i % 2 ? BOUND : -BOUND)) < 1e-5));
  });
});

test('spline: log|dy/dx| matches finite differences, and its gradient reaches every parameter', () => {
  tf.tidy(() => {
    const p = params(3, 1);
    const xs = inputs(4).map((v) => Math.max(-BOUND + 0.01, Math.min(BOUND - 0.01, v)));
    const h = 1e-3;
    const at = (shift: number) => splineForward(tf.tensor4d(xs.map((v) => v + shift), [4, 1, 2, 3]), p, BINS, BOUND);
    const plus = at(h).y.dataSync();
    const minus = at(-h).y.dataSync();
    const logdet = at(0).logdet.dataSync();
    for (let n = 0; n < 4; n++) {
      let expected = 0;
      for (let j = 0; j < D; j++) expected += Math.log((plus[n * D + j]! - minus[n * D + j]!) / (2 * h));
      assert.ok(Math.abs(logdet[n]! - expected) < 2e-2, `image ${n}: ${logdet[n]} vs ${expected}`);
    }
    const x = tf.tensor4d(xs, [4, 1, 2, 3]);
    const grads = tf.grads((w: tf.Tensor, hh: tf.Tensor, d: tf.Tensor) => {
      const out = splineForward(x, { widths: w, heights: hh, derivatives: d }, BINS, BOUND);
      return tf.add(tf.sum(tf.square(out.y)), tf.sum(out.logdet));
    })([p.widths, p.heights, p.derivatives]);
    for (const g of grads) {
      const values = g.dataSync();
      assert.ok(values.every(Number.isFinite));
      assert.ok(values.some((v) => Math.abs(v) > 1e-4));
    }
  });
});
