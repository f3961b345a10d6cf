import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelError } from '../../../src/core/errors.js';
import { blrnetPreset, checkBlrnetSpec, describeBlrnet, resolveLayers, type BlrnetSpec } from '../../../src/research/blrnet/blrnet-spec.js';
import { binaryWeightCount, blrnetParamCount, bnStatsLength, clampTheta, initialBlrnetParams, initialBnStats, layerMomentsOf } from '../../../src/research/blrnet/blrnet-params.js';

test('the mnist preset is the paper\'s 32C3-MP2-64C3-MP2-512FC-10 with 1,629,472 binary weights', () => {
  const spec = blrnetPreset('mnist', 28, 28, 1);
  assert.equal(describeBlrnet(spec), '32C3-MP2-64C3-MP2-512FC-10');
  const layers = resolveLayers(spec);
  assert.deepEqual(layers.map((r) => [r.fanIn, r.outHeight, r.outWidth, r.outChannels]), [[9, 14, 14, 32], [288, 7, 7, 64], [3136, 1, 1, 512], [512, 1, 1, 10]]);
  assert.equal(binaryWeightCount(spec), 288 + 18432 + 3136 * 512 + 5120);
  assert.equal(blrnetParamCount(spec), binaryWeightCount(spec) + 2 * (32 + 64 + 512 + 10));
  assert.equal(bnStatsLength(spec), 2 * (32 + 64 + 512 + 10));
  const cifar = blrnetPreset('cifar10', 32, 32, 3);
  assert.equal(describeBlrnet(cifar), '32C3-32C3-MP2-64C3-64C3-MP2-128C3-128C3-MP2-512FC-10');
  assert.equal(binaryWeightCount(cifar), 864 + 9216 + 18432 + 36864 + 73728 + 147456 + 2048 * 512 + 5120);
});

test('checkBlrnetSpec refuses malformed networks with the field named', () => {
  const good = blrnetPreset('tiny', 28, 28, 1);
  const variants: [Partial<BlrnetSpec> | Record<string, unknown>, RegExp][] = [
    [{ kind: 'idf' }, /not a blrnet spec/],
    [{ channels: 2 }, /channels 2/],
    [{ classes: 1 }, /classes 1/],
    [{ layers: [] }, /1\.\.64 layers/],
    [{ layers: [{ kind: 'dense', units: 8 }, { kind: 'conv', filters: 4, kernelSize: 3, pool: false }, { kind: 'dense', units: 10 }] }, /cannot follow a dense layer/],
    [{ layers: [{ kind: 'conv', filters: 4, kernelSize: 2, pool: false }, { kind: 'dense', units: 10 }] }, /kernelSize 2/],
    [{ layers: [{ kind: 'conv', filters: 4, kernelSize: 3, pool: false }, { kind: 'dense', units: 9 }] }, /last layer must be dense with 10 units/],
    [{ height: 27, layers: [{ kind: 'conv', filters: 4, kernelSize: 3, pool: true }, { kind: 'dense', units: 10 }] }, /odd size/],
    [{ layers: [{ kind: 'pool' }, { kind: 'dense', units: 10 }] }, /kind must be/],
  ];
  for (const [change, message] of variants) {
    assert.throws(() => checkBlrnetSpec({ ...good, ...change } as BlrnetSpec, 'spec.json'), (error: Error) => error instanceof ModelError && message.test(error.message) && error.message.startsWith('spec.json'));
  }
});

test('initial parameters: theta uniform in [-1, 1], gamma 1, beta 0, seeded; clampTheta keeps theta in range', () => {
  const spec = blrnetPreset('tiny', 28, 28, 1);
  const params = initialBlrnetParams(spec, 9);
  assert.deepEqual(params, initialBlrnetParams(spec, 9));
  const theta = params.subarray(0, 36);
  assert.ok(theta.every((t) => t >= -1 && t <= 1) && theta.some((t) => t < -0.5) && theta.some((t) => t > 0.5));
  assert.deepEqual([...params.subarray(36, 40)], [1, 1, 1, 1]);
  assert.deepEqual([...params.subarray(40, 44)], [0, 0, 0, 0]);
  params[0] = 1.5;
  params[1] = -3;
  params[36] = 7;
  clampTheta(spec, params);
  assert.deepEqual([params[0], params[1], params[36]], [1, -1, 7], 'gamma is not clamped');
  const stats = initialBnStats(spec);
  const moments = layerMomentsOf(spec, stats);
  assert.deepEqual(moments.map((m) => [m.mean.length, m.mean.every((x) => x === 0), m.variance.every((x) => x === 1)]), [[4, true, true], [8, true, true], [10, true, true]]);
});
