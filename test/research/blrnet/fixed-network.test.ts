import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { startBackend } from '../../../src/train/backend.js';
import { blrnetPreset } from '../../../src/research/blrnet/blrnet-spec.js';
import { blrnetOffsets, initialBlrnetParams } from '../../../src/research/blrnet/blrnet-params.js';
import { inputBatch } from '../../../src/research/blrnet/blrnet-graph.js';
import { buildFixedNetwork, fixedLogits, fixedWeights } from '../../../src/research/blrnet/fixed-network.js';
import { BN_EPSILON } from '../../../src/research/blrnet/stochastic-layers.js';
import { digitLikeImages } from './blrnet-test-data.js';

before(async () => startBackend('wasm'));

const spec = blrnetPreset('tiny', 28, 28, 1);

test('MAP, ternary and sampled weights follow theta', () => {
  const params = initialBlrnetParams(spec, 3);
  const theta = params.subarray(0, 36);
  theta.set([0, -0, 0.49, -0.49, 0.5, -0.5, 1, -1]);
  const [map] = fixedWeights(spec, params, 'map');
  const [ternary] = fixedWeights(spec, params, 'ternary');
  assert.deepEqual([...map!.subarray(0, 8)], [1, 1, 1, -1, 1, -1, 1, -1]);
  assert.deepEqual([...ternary!.subarray(0, 8)], [0, 0, 0, 0, 1, -1, 1, -1]);
  const random = new Random(4);
  const draws = 2000;
  const plus = new Float64Array(36);
  for (let d = 0; d < draws; d++) fixedWeights(spec, params, 'sample', random)[0]!.forEach((w, i) => (plus[i]! += w > 0 ? 1 : 0));
  theta.forEach((t, i) => assert.ok(Math.abs(plus[i]! / draws - (1 + t) / 2) < 0.035, `weight ${i}: ${plus[i]! / draws} vs ${(1 + t) / 2}`));
  assert.throws(() => fixedWeights(spec, params, 'sample'), /random generator/);
});

test('batch-norm re-estimation averages the batches\' moments and folds gamma / sqrt(v + eps)', () => {
  const params = initialBlrnetParams(spec, 5);
  const offsets = blrnetOffsets(spec);
  const gamma = offsets.get('layer0.gamma')!;
  params.fill(2, gamma.offset, gamma.offset + gamma.size);
  const { images } = digitLikeImages(40, 6);
  const batches = [0, 1].map((b) => inputBatch(images, 28, 28, 1, [...Array(20).keys()].map((i) => b * 20 + i)));
  const weights = fixedWeights(spec, params, 'map');
  const network = buildFixedNetwork(spec, params, weights, batches);
  // Layer 0 sees the images directly: its moments are those of conv(x, W) per batch, averaged.
  const w = tf.tensor4d(weights[0]!, [3, 3, 1, 4]);
  const perBatch = batches.map((x) => {
    const a = tf.conv2d(x, w, 1, 'same');
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    const count = a.size / 4;
    return { mean: mean.dataSync(), variance: Array.from(variance.dataSync(), (v) => (v * count) / (count - 1)) };
  });
  for (let c = 0; c < 4; c++) {
    const mean = (perBatch[0]!.mean[c]! + perBatch[1]!.mean[c]!) / 2;
    const variance = (perBatch[0]!.variance[c]! + perBatch[1]!.variance[c]!) / 2;
    assert.ok(Math.abs(network.norms[0]!.mean[c]! - mean) < 1e-3 * (1 + Math.abs(mean)));
    assert.ok(Math.abs(network.norms[0]!.scale[c]! - 2 / Math.sqrt(variance + BN_EPSILON)) < 1e-5 * network.norms[0]!.scale[c]!);
  }
  const logits = fixedLogits(network, batches[0]!);
  assert.deepEqual(logits.shape, [20, 10]);
  assert.ok(logits.dataSync().every(Number.isFinite));
});
