import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../src/train/backend.js';
import { permuteChannels, roundStraightThrough, squeeze, idfLogLikelihood } from '../../src/train/idf-graph.js';
import { idfPreset } from '../../src/arch/idf-presets.js';
import { idfParams } from '../../src/arch/idf-params.js';
import { paramOffsets } from '../../src/arch/param-list.js';
import { initialParams } from '../../src/train/param-init.js';

test('squeeze is TF space_to_depth 2x2: channel (dy*2+dx)*C + c', async () => {
  await startBackend('wasm');
  const x = tf.tensor4d([...Array(2 * 4 * 4 * 3).keys()], [2, 4, 4, 3]);
  const out = squeeze(x);
  assert.deepEqual(out.shape, [2, 2, 2, 12]);
  const data = x.arraySync();
  const squeezed = out.arraySync();
  for (let n = 0; n < 2; n++) for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) for (let c = 0; c < 3; c++) {
    assert.equal(squeezed[n]![i]![j]![(dy * 2 + dx) * 3 + c], data[n]![2 * i + dy]![2 * j + dx]![c]);
  }
});

test('permuteChannels gathers channels exactly, even for large integers', async () => {
  await startBackend('wasm');
  const x = tf.tensor4d([1000001, -7, 255, 3, 4, 5], [1, 1, 2, 3]);
  assert.deepEqual(Array.from(permuteChannels(x, [2, 0, 1]).dataSync()), [255, 1000001, -7, 5, 3, 4]);
});

test('straight-through rounding: rounds forward, passes the gradient unchanged', async () => {
  await startBackend('wasm');
  const x = tf.tensor1d([0.4, 1.6, -2.5]);
  assert.deepEqual(Array.from(roundStraightThrough(x).dataSync()), [0, 2, -2]);
  const gradient = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(roundStraightThrough(v), tf.tensor1d([1, 2, 3]))))(x);
  assert.deepEqual(Array.from(gradient.dataSync()), [1, 2, 3]);
});

test('an untrained IDF gives finite bits/dim and a gradient for every parameter', async () => {
  await startBackend('wasm');
  const spec = idfPreset('tiny', 3, 5);
  const list = idfParams(spec);
  const flat = initialParams(list, 5);
  const variables = new Map<string, tf.Variable>();
  for (const [name, { offset, size, shape }] of paramOffsets(list)) variables.set(name, tf.variable(tf.tensor(flat.subarray(offset, offset + size), [...shape]), true, name));
  const pixels = tf.sub(tf.floor(tf.randomUniform([2, 8, 8, 3], 0, 256, 'float32', 3)), 128) as tf.Tensor4D;
  const { value, grads } = tf.variableGrads(() => tf.neg(tf.mean(idfLogLikelihood(spec, variables, pixels))) as tf.Scalar);
  assert.ok(Number.isFinite(value.dataSync()[0]!));
  assert.deepEqual(Object.keys(grads).sort(), list.map((p) => p.name).sort());
  // The split-prior and top-prior parameters must receive a non-zero gradient from the first step.
  assert.ok(tf.sum(tf.abs(grads['top.mu']!)).dataSync()[0]! > 0);
  assert.ok(tf.sum(tf.abs(grads['level0.split.out.b']!)).dataSync()[0]! > 0);
});

test('wasm and cpu backends give the same IDF gradients on a tiny model (within float tolerance)', async () => {
  const spec = idfPreset('tiny', 3, 6);
  const list = idfParams(spec);
  const flat = initialParams(list, 6);
  const gradientsOn = async (backend: 'wasm' | 'cpu') => {
    await startBackend(backend);
    let result = new Map<string, number[]>();
    tf.tidy(() => {
      const tensors = new Map<string, tf.Tensor>();
      for (const [name, { offset, size, shape }] of paramOffsets(list)) tensors.set(name, tf.tensor(flat.subarray(offset, offset + size), [...shape]));
      const names = [...tensors.keys()];
      const pixels = tf.sub(tf.floor(tf.randomUniform([2, 8, 8, 3], 0, 256, 'float32', 11)), 128) as tf.Tensor4D;
      const loss = (...values: tf.Tensor[]) => tf.neg(tf.mean(idfLogLikelihood(spec, new Map(names.map((n, i) => [n, values[i]!])), pixels))) as tf.Scalar;
      const grads = tf.grads(loss)(names.map((n) => tensors.get(n)!));
      result = new Map(names.map((n, i) => [n, Array.from(grads[i]!.dataSync())]));
    });
    return result;
  };
  const cpu = await gradientsOn('cpu');
  const wasm = await gradientsOn('wasm');
  for (const [name, expected] of cpu) {
    const actual = wasm.get(name)!;
    const scale = Math.max(1e-3, ...expected.map(Math.abs));
    const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!)));
    assert.ok(worst <= 1e-3 * scale, `${name}: max difference ${worst} (scale ${scale})`);
  }
});
