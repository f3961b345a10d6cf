/**
 * Tests of src/engine/requantize.ts: the formula on hand-computed values (rounding half up, both signs, shifts 0
 * and 47, the largest multiplier) and the validation of every field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelError } from '../../src/core/errors.js';
import { checkRequantization, INT16_MAX, INT16_MIN, INT32_MAX, INT32_MIN, MAX_MULTIPLIER, MAX_SHIFT, rangeOf,
  requantizeValue, uniformRequantization } from '../../src/engine/requantize.js';

test('requantizeValue rounds half up: floor((acc * M + 2^(s-1)) / 2^s)', () => {
  // acc * M / 2^s = 1.5 -> 2, -1.5 -> -1, 2.5 -> 3, -2.5 -> -2, 1.25 -> 1, -1.75 -> -2
  assert.equal(requantizeValue(3, 1, 1, INT16_MIN, INT16_MAX), 2);
  assert.equal(requantizeValue(-3, 1, 1, INT16_MIN, INT16_MAX), -1);
  assert.equal(requantizeValue(5, 1, 1, INT16_MIN, INT16_MAX), 3);
  assert.equal(requantizeValue(-5, 1, 1, INT16_MIN, INT16_MAX), -2);
  assert.equal(requantizeValue(5, 1, 2, INT16_MIN, INT16_MAX), 1);
  assert.equal(requantizeValue(-7, 1, 2, INT16_MIN, INT16_MAX), -2);
  assert.equal(requantizeValue(100, 3, 0, INT16_MIN, INT16_MAX), 300);
  assert.equal(requantizeValue(1000, 77, 8, INT16_MIN, INT16_MAX), 301); // 77000 / 256 = 300.78
});

test('requantizeValue clamps to [lo, hi] (lo = 0 is a ReLU)', () => {
  assert.equal(requantizeValue(-1000, 1, 0, 0, 100), 0);
  assert.equal(requantizeValue(1000, 1, 0, 0, 100), 100);
  assert.equal(requantizeValue(2 ** 31 - 1, MAX_MULTIPLIER, 0, INT32_MIN, INT32_MAX), INT32_MAX);
  assert.equal(requantizeValue(-(2 ** 31), MAX_MULTIPLIER, 0, INT32_MIN, INT32_MAX), INT32_MIN);
});

test('requantizeValue is exact at the extremes of acc, M and s', () => {
  // (2^31 - 1) * 65535 = 140735340806145 (< 2^47): exact in a double; /2^47 rounds to 1.
  assert.equal((2 ** 31 - 1) * MAX_MULTIPLIER, 140735340806145);
  assert.equal(requantizeValue(2 ** 31 - 1, MAX_MULTIPLIER, MAX_SHIFT, INT32_MIN, INT32_MAX), 1);
  assert.equal(requantizeValue(-(2 ** 31), MAX_MULTIPLIER, MAX_SHIFT, INT32_MIN, INT32_MAX), -1);
  // Checked against BigInt arithmetic, where >> is the floor division by 2^s.
  const exact = (BigInt(2 ** 31 - 1) * 65535n + 2n ** 15n) >> 16n;
  assert.equal(requantizeValue(2 ** 31 - 1, MAX_MULTIPLIER, 16, INT32_MIN, INT32_MAX), Number(exact));
  const exactNeg = (BigInt(-(2 ** 31) + 7) * 65533n + 2n ** 20n) >> 21n;
  assert.equal(requantizeValue(-(2 ** 31) + 7, 65533, 21, INT32_MIN, INT32_MAX), Number(exactNeg));
});

test('uniformRequantization fills every channel', () => {
  const rq = uniformRequantization(3, 5, 2, -10, 10, 'int16');
  assert.deepEqual(Array.from(rq.multipliers), [5, 5, 5]);
  assert.deepEqual(Array.from(rq.shifts), [2, 2, 2]);
  assert.equal(rq.output, 'int16');
});

test('checkRequantization refuses every out-of-range field with a ModelError', () => {
  const ok = { multipliers: [1, 2], shifts: [0, 47], lo: -5, hi: 5, output: 'int16' as const };
  assert.deepEqual(Array.from(checkRequantization(ok, 2, 'l').shifts), [0, 47]);
  const bad: [string, object][] = [
    ['length', { ...ok, multipliers: [1] }],
    ['M negative', { ...ok, multipliers: [-1, 1] }],
    ['M too big', { ...ok, multipliers: [MAX_MULTIPLIER + 1, 1] }],
    ['M fractional', { ...ok, multipliers: [1.5, 1] }],
    ['s too big', { ...ok, shifts: [0, MAX_SHIFT + 1] }],
    ['s negative', { ...ok, shifts: [-1, 0] }],
    ['lo > hi', { ...ok, lo: 6 }],
    ['int16 hi', { ...ok, hi: INT16_MAX + 1 }],
    ['int16 lo', { ...ok, lo: INT16_MIN - 1 }],
    ['int32 hi', { ...ok, output: 'int32', hi: INT32_MAX + 1 }],
    ['output', { ...ok, output: 'float32' }],
  ];
  for (const [why, rq] of bad) {
    assert.throws(() => checkRequantization(rq as typeof ok, 2, 'layer7'),
      (e: unknown) => e instanceof ModelError && e.message.startsWith('layer7'), why);
  }
  assert.equal(checkRequantization({ ...ok, output: 'int32', lo: INT32_MIN, hi: INT32_MAX }, 2, 'l').hi, INT32_MAX);
  assert.deepEqual(rangeOf('int16'), { min: -32768, max: 32767 });
});
