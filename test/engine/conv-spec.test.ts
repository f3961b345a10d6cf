/**
 * Tests of src/engine/conv-spec.ts: TensorFlow 'same' geometry, the hexagonal mask, validation of every field and
 * the mask being applied to the weights.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelError } from '../../src/core/errors.js';
import { checkConvSpec, convGeometry, denseAsConv, hexagonalMask, MAX_CHANNELS,
  type ConvSpec } from '../../src/engine/conv-spec.js';
import { uniformRequantization } from '../../src/engine/requantize.js';

test('convGeometry follows TensorFlow "same": ceil(n / stride), padding before = floor(total / 2)', () => {
  assert.deepEqual(convGeometry(5, 7, 3, 1), { outHeight: 5, outWidth: 7, padTop: 1, padLeft: 1 });
  assert.deepEqual(convGeometry(4, 4, 5, 1), { outHeight: 4, outWidth: 4, padTop: 2, padLeft: 2 });
  // stride 2, even size: total padding 1, all of it after (bottom / right).
  assert.deepEqual(convGeometry(8, 6, 3, 2), { outHeight: 4, outWidth: 3, padTop: 0, padLeft: 0 });
  // stride 2, odd size: total 2, one on each side.
  assert.deepEqual(convGeometry(7, 7, 3, 2), { outHeight: 4, outWidth: 4, padTop: 1, padLeft: 1 });
  // 1x1 stride 2 on an even size needs no padding at all (the last row is never read).
  assert.deepEqual(convGeometry(4, 4, 1, 2), { outHeight: 2, outWidth: 2, padTop: 0, padLeft: 0 });
  assert.deepEqual(convGeometry(1, 1, 7, 2), { outHeight: 1, outWidth: 1, padTop: 3, padLeft: 3 });
});

test('hexagonalMask(3) is HexaConv\'s 7-tap axial mask, larger ones are hexagons', () => {
  assert.deepEqual(Array.from(hexagonalMask(3)), [0, 1, 1, 1, 1, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(hexagonalMask(1)), [1]);
  const five = hexagonalMask(5);
  assert.equal(five.reduce((a, b) => a + b, 0), 19); // hexagon of radius 2: 3 * 2 * 3 + 1 cells
  assert.deepEqual(Array.from(five.subarray(0, 5)), [0, 0, 1, 1, 1]);
  assert.throws(() => hexagonalMask(4), ModelError);
});

function spec(overrides: Partial<ConvSpec> = {}): ConvSpec {
  return {
    name: 'c1', kernelSize: 3, stride: 1, inChannels: 2, outChannels: 3,
    weights: new Int8Array(3 * 3 * 2 * 3).fill(1), bias: [1, 2, 3],
    requant: uniformRequantization(3, 1, 0, -100, 100, 'int16'), ...overrides,
  };
}

test('checkConvSpec accepts a valid layer, defaults stride 1 and bias 0', () => {
  const { stride: _stride, bias: _bias, ...rest } = spec();
  const conv = checkConvSpec(rest);
  assert.equal(conv.stride, 1);
  assert.deepEqual(Array.from(conv.bias), [0, 0, 0]);
  assert.equal(conv.name, 'c1');
});

test('checkConvSpec refuses every invalid field with a ModelError naming the layer', () => {
  const bad: [string, Partial<ConvSpec>][] = [
    ['even k', { kernelSize: 2 }],
    ['k too big', { kernelSize: 17 }],
    ['stride 3', { stride: 3 }],
    ['channels 0', { inChannels: 0 }],
    ['channels too many', { outChannels: MAX_CHANNELS + 1 }],
    ['weights length', { weights: new Int8Array(5) }],
    ['weights type', { weights: new Int16Array(54) as unknown as Int8Array }],
    ['bias length', { bias: [1, 2] }],
    ['bias range', { bias: [1, 2, 2 ** 31] }],
    ['mask length', { mask: [1, 1, 1] }],
    ['requant channels', { requant: uniformRequantization(2, 1, 0, 0, 1, 'int16') }],
  ];
  for (const [why, overrides] of bad) {
    assert.throws(() => checkConvSpec(spec(overrides)),
      (e: unknown) => e instanceof ModelError && e.message.startsWith('c1'), why);
  }
});

test('a mask zeroes the weights of removed taps (in a copy) and keeps the rest', () => {
  const weights = new Int8Array(3 * 3 * 2 * 3).map((_, i) => (i % 100) - 50);
  const conv = checkConvSpec(spec({ weights, mask: hexagonalMask(3) }));
  assert.notEqual(conv.weights, weights);
  for (let tap = 0; tap < 9; tap++) {
    const slice = Array.from(conv.weights.subarray(tap * 6, tap * 6 + 6));
    const original = Array.from(weights.subarray(tap * 6, tap * 6 + 6));
    assert.deepEqual(slice, tap === 0 || tap === 8 ? [0, 0, 0, 0, 0, 0] : original, `tap ${tap}`);
  }
});

test('denseAsConv is a 1x1 convolution with the same weights', () => {
  const weights = new Int8Array(12);
  const conv = denseAsConv({ name: 'd', inputs: 4, outputs: 3, weights,
    requant: uniformRequantization(3, 1, 0, 0, 1, 'int32') });
  assert.equal(conv.kernelSize, 1);
  assert.equal(conv.inChannels, 4);
  assert.equal(conv.outChannels, 3);
  assert.equal(conv.weights, weights);
  assert.equal('bias' in conv, false);
});
