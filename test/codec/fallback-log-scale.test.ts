/**
 * The fallback modes' integer logarithms: log2Times32 exact at powers of two and linear between them, the
 * half-octave bins (0 for 0, capped), and the scale index from a mean |residual| (0 for 0, the offset at a mean of
 * 1, clamped to the entropy layer's scales), checked against hand-computed values and over every 16-bit input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SCALE_COUNT } from '../../src/entropy/index.js';
import { log2Times32, logBin, meanAbsScaleIndex } from '../../src/codec/fallback-log-scale.js';

test('log2Times32: 32 p plus the 5 bits after the leading one, exact at powers of two', () => {
  assert.deepEqual([1, 2, 3, 5, 7, 33, 48, 1000, 65535, 2 ** 32 - 1].map(log2Times32), [0, 32, 48, 72, 88, 161, 176, 318, 511, 1023]);
  for (let p = 0; p < 32; p++) assert.equal(log2Times32(2 ** p), 32 * p);
  let previous = -1;
  for (let v = 1; v <= 65536; v++) {
    const l = log2Times32(v);
    assert.ok(l >= previous && l <= 32 * Math.log2(v) + 1e-9 && l > 32 * Math.log2(v) - 4, `log2Times32(${v}) = ${l}`);
    previous = l;
  }
});

test('logBin: 0 for 0, then 1 + floor(2 log2 v) by log2Times32, capped at bins - 1', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 6, 8, 1000].map((v) => logBin(v, 48)), [0, 1, 3, 4, 5, 6, 7, 20]);
  assert.equal(logBin(2 ** 17, 36), 35);
  assert.equal(logBin(2 ** 16, 36), 33);
  assert.equal(logBin(2 ** 31, 48), 47);
  assert.equal(logBin(5, 1), 0);
});

test('meanAbsScaleIndex: 0 for a mean of 0, offset + 32 log2(mean) - 256, clamped to the scales', () => {
  // A mean of 1 lies below the smallest scale, one of 2^31 / 256 above the largest.
  assert.deepEqual([0, 256, 1024, 384, 1, 2 ** 31].map((m) => meanAbsScaleIndex(m, 115)), [0, 115, 179, 131, 0, SCALE_COUNT - 1]);
  assert.equal(meanAbsScaleIndex(256, 117), 117);
  for (let m = 1; m < 65536; m++) {
    const k = meanAbsScaleIndex(m, 115);
    assert.ok(k >= 0 && k < SCALE_COUNT && k >= meanAbsScaleIndex(m - 1, 115) && k === Math.max(0, log2Times32(m) - 141));
  }
});
