import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../../src/train/backend.js';
import { adamaxState, adamaxStep } from '../../../src/train/adamax.js';
import { blrnetPreset } from '../../../src/research/blrnet/blrnet-spec.js';
import { blrnetOffsets, clampTheta, initialBlrnetParams, initialBnStats, layerMomentsOf } from '../../../src/research/blrnet/blrnet-params.js';
import { inputBatch, propagateForward, tensorsOf, trainingForward } from '../../../src/research/blrnet/blrnet-graph.js';
import { digitLikeImages } from './blrnet-test-data.js';

before(async () => startBackend('wasm'));

const spec = blrnetPreset('tiny', 28, 28, 1);
const offsets = blrnetOffsets(spec);

test('inputBatch centres pixels at 128 and mirrors flipped images', () => {
  const images = Uint8Array.from({ length: 2 * 2 * 3 }, (_, i) => i * 20);
  assert.deepEqual([...inputBatch(images, 2, 3, 1, [1, 0], [true, false]).dataSync()], [
    160 - 128, 140 - 128, 120 - 128, 220 - 128, 200 - 128, 180 - 128, 0 - 128, 20 - 128, 40 - 128, 60 - 128, 80 - 128, 100 - 128,
  ]);
});

test('the training pass is seeded, reports every layer\'s batch moments and reaches every parameter', () => {
  const params = initialBlrnetParams(spec, 1);
  const { images, labels } = digitLikeImages(16, 2);
  const x = inputBatch(images, 28, 28, 1, [...Array(16).keys()]);
  const truth = Int32Array.from(labels);
  const variables = new Map([...tensorsOf(offsets, params)].map(([name, t]) => [name, tf.variable(t, true, `moments-test/${name}`)]));
  const run = (seed: number) => {
    let moments: number[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const pass = trainingForward(spec, variables, x, truth, seed);
      moments = pass.moments.map((m) => m.mean.length);
      return pass.loss;
    });
    return { loss: value.dataSync()[0]!, grads, moments };
  };
  const first = run(5);
  assert.ok(Number.isFinite(first.loss) && first.loss > 0);
  assert.deepEqual(first.moments, [4, 8, 10]);
  assert.equal(run(5).loss, first.loss, 'the same seed draws the same noise');
  assert.notEqual(run(6).loss, first.loss);
  for (const name of offsets.keys()) {
    const g = first.grads[`moments-test/${name}`]!.dataSync();
    assert.ok(g.every(Number.isFinite) && g.some((v) => v !== 0), `${name} receives a gradient`);
  }
});

test('a tiny PBNet-S learns digit-like images (propagation accuracy on held-out images)', () => {
  const params = initialBlrnetParams(spec, 3);
  const running = initialBnStats(spec);
  const optimizer = adamaxState(params.length);
  const train = digitLikeImages(640, 4);
  const held = digitLikeImages(300, 5);
  const accuracy = () => tf.tidy(() => {
    const tensors = tensorsOf(offsets, params);
    const logits = propagateForward(spec, tensors, layerMomentsOf(spec, running), inputBatch(held.images, 28, 28, 1, [...Array(300).keys()]));
    const predicted = tf.argMax(logits, 1).dataSync();
    return Array.from(predicted).reduce((n, p, i) => n + (p === held.labels[i] ? 1 : 0), 0) / 300;
  });
  const before = accuracy();
  const variables = new Map([...tensorsOf(offsets, params)].map(([name, t]) => [name, tf.variable(t, true, `learning-test/${name}`)]));
  for (let step = 0; step < 120; step++) {
    const indices = [...Array(32).keys()].map((i) => (step * 32 + i) % 640);
    for (const [name, { offset, size }] of offsets) tf.tidy(() => variables.get(name)!.assign(tf.tensor(params.subarray(offset, offset + size), variables.get(name)!.shape)));
    const x = inputBatch(train.images, 28, 28, 1, indices);
    let batchMoments: { mean: Float32Array; variance: Float32Array }[] = [];
    const { grads } = tf.variableGrads(() => {
      const pass = trainingForward(spec, variables, x, Int32Array.from(indices, (i) => train.labels[i]!), step);
      batchMoments = pass.moments;
      return pass.loss;
    });
    const flat = new Float32Array(params.length);
    for (const [name, { offset }] of offsets) flat.set(grads[`learning-test/${name}`]!.dataSync() as Float32Array, offset);
    adamaxStep(params, flat, optimizer, 0.01);
    clampTheta(spec, params);
    layerMomentsOf(spec, running).forEach((m, l) => {
      m.mean.forEach((v, c) => (m.mean[c] = 0.9 * v + 0.1 * batchMoments[l]!.mean[c]!));
      m.variance.forEach((v, c) => (m.variance[c] = 0.9 * v + 0.1 * batchMoments[l]!.variance[c]!));
    });
    tf.dispose([x, ...Object.values(grads)]);
  }
  const after = accuracy();
  assert.ok(after > 0.5 && after > before + 0.25, `accuracy ${before} -> ${after}`);
});
