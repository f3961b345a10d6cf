/**
 * Tests of src/engine/overflow-proof.ts: exact bounds, the refusal at exactly 2^31, masks and dense layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelError } from '../../src/core/errors.js';
import { accumulatorBounds, proveAccumulatorBound } from '../../src/engine/overflow-proof.js';
import { hexagonalMask } from '../../src/engine/conv-spec.js';
import { uniformRequantization } from '../../src/engine/requantize.js';

const rq = (channels: number) => uniformRequantization(channels, 1, 0, -1, 1, 'int16');

test('the bound is |bias| + inputBound * sum |w| per output channel', () => {
  // 1x1 conv, 3 inputs, 2 outputs; weights [in][out].
  const weights = Int8Array.from([1, -128, -2, 127, 3, 0]);
  const bounds = accumulatorBounds({ kernelSize: 1, inChannels: 3, outChannels: 2, weights, bias: [-10, 20],
    requant: rq(2) }, 100);
  assert.deepEqual(Array.from(bounds), [10 + 100 * 6, 20 + 100 * 255]);
});

test('proveAccumulatorBound passes at 2^31 - 1 and refuses at exactly 2^31', () => {
  // 3x3 conv, 128 inputs, all weights -128: sum |w| = 9 * 128 * 128 = 147456 = 2^17 + 2^14.
  const weights = new Int8Array(9 * 128).fill(-128);
  const base = { kernelSize: 3, inChannels: 128, outChannels: 1, weights, requant: rq(1) };
  const sum = 147456;
  const inputBound = Math.floor((2 ** 31 - 1) / sum); // 14563
  const slack = 2 ** 31 - 1 - inputBound * sum;
  assert.deepEqual(Array.from(proveAccumulatorBound({ ...base, bias: [slack] }, inputBound)), [2 ** 31 - 1]);
  assert.throws(() => proveAccumulatorBound({ ...base, name: 'coupling3.conv2', bias: [-(slack + 1)] }, inputBound),
    (e: unknown) => e instanceof ModelError && /coupling3\.conv2: output channel 0 can reach \|accumulator\| = 2147483648/.test(e.message));
  // The largest int16 input with the largest weights overflows: the export must lower the bit budget.
  assert.throws(() => proveAccumulatorBound(base, 32768), ModelError);
});

test('masked taps do not count', () => {
  const weights = new Int8Array(9).fill(100);
  const bounds = accumulatorBounds({ kernelSize: 3, inChannels: 1, outChannels: 1, weights, mask: hexagonalMask(3),
    requant: rq(1) }, 1000);
  assert.deepEqual(Array.from(bounds), [7 * 100 * 1000]);
});

test('dense layers are proven like 1x1 convolutions', () => {
  const weights = Int8Array.from([5, -5, 5, -5]);
  const bounds = proveAccumulatorBound({ inputs: 2, outputs: 2, weights, bias: [1, -1], requant: rq(2) }, 10);
  assert.deepEqual(Array.from(bounds), [101, 101]);
});

test('an invalid input bound is refused', () => {
  const spec = { kernelSize: 1, inChannels: 1, outChannels: 1, weights: new Int8Array(1), requant: rq(1) };
  assert.throws(() => accumulatorBounds(spec, -1), ModelError);
  assert.throws(() => accumulatorBounds(spec, 32769), ModelError);
  assert.throws(() => accumulatorBounds(spec, 1.5), ModelError);
});
