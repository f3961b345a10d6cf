import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../src/train/backend.js';

interface Case {
  shape: [number, number, number, number];
  kernel: [number, number, number, number];
  pad: 'same' | 'valid' | number;
}

const CASES: Case[] = [
  { shape: [2, 6, 5, 3], kernel: [3, 3, 3, 4], pad: 'same' },
  { shape: [3, 7, 7, 2], kernel: [3, 3, 2, 5], pad: 'valid' },
  { shape: [1, 5, 6, 4], kernel: [1, 1, 4, 3], pad: 'same' },
  { shape: [2, 8, 8, 2], kernel: [5, 5, 2, 2], pad: 2 },
  { shape: [2, 6, 6, 3], kernel: [2, 2, 3, 2], pad: 'same' },
];

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** Gradients of sum(conv(x, w) * r) with respect to x and w. */
function gradients(c: Case): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const x = seeded(c.shape, 1);
    const w = seeded(c.kernel, 2);
    const probe = (xs: tf.Tensor, ws: tf.Tensor) => {
      const y = tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, c.pad);
      return tf.sum(tf.mul(y, seeded(y.shape, 3)));
    };
    const [dx, dw] = tf.grads(probe)([x, w]);
    return [dx!.dataSync() as Float32Array, dw!.dataSync() as Float32Array];
  });
}

test('wasm Conv2D gradients (forward-conv formulation) equal the cpu backend stock gradients', async () => {
  await startBackend('cpu');
  const expected = CASES.map(gradients);
  await startBackend('wasm');
  CASES.forEach((c, i) => {
    const actual = gradients(c);
    for (const which of [0, 1]) {
      const a = actual[which]!;
      const e = expected[i]![which]!;
      assert.equal(a.length, e.length);
      let maxError = 0;
      for (let k = 0; k < a.length; k++) maxError = Math.max(maxError, Math.abs(a[k]! - e[k]!));
      assert.ok(maxError < 1e-4, `case ${i} ${which === 0 ? 'dx' : 'dW'}: max error ${maxError}`);
    }
  });
});
