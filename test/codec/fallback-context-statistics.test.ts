/**
 * The fallback modes' per-context statistics: the initial scale (a mean |residual| of 4) and bias (0), exact scale
 * indices and biases after recorded samples, the halving at 128 samples (A and N floor, B toward zero, also for
 * negative sums), recordAbs leaving B alone, and contexts kept apart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContextStatistics } from '../../src/codec/fallback-context-statistics.js';
import { meanAbsScaleIndex } from '../../src/codec/fallback-log-scale.js';

test('a fresh context has a mean |residual| of 4 (scale 179 at offset 115) and no bias', () => {
  const statistics = new ContextStatistics(3);
  for (let q = 0; q < 3; q++) {
    assert.equal(statistics.scaleIndex(q, 115), 179);
    assert.equal(statistics.scaleIndex(q, 117), 181);
    assert.equal(statistics.bias(q, 1), 0);
    assert.equal(statistics.bias(q, 256), 0);
  }
});

test('recorded samples move the scale and the bias of their context only, bias rounding down', () => {
  const statistics = new ContextStatistics(2);
  statistics.record(1, 100, -3);
  statistics.record(1, 2000, 1);
  // A = 1024 + 100 + 2000 = 3124, N = 3, B = -2: floor(3124 / 3) = 1041, bias floor(-2 / 3) = -1.
  assert.equal(statistics.scaleIndex(1, 115), meanAbsScaleIndex(1041, 115));
  assert.equal(statistics.bias(1, 1), -1);
  assert.equal(statistics.bias(1, 256), Math.floor((-2 * 256) / 3));
  assert.equal(statistics.scaleIndex(0, 115), 179, 'context 0 untouched');
  assert.equal(statistics.bias(0, 1), 0);
});

test('at 128 samples A and N halve (floor) and B halves toward zero', () => {
  const statistics = new ContextStatistics(2);
  // Context 0: 127 samples of |r| 300 and error -3 bring N to 128: A = 39124 -> 19562, B = -381 -> -190, N -> 64.
  for (let k = 0; k < 127; k++) statistics.record(0, 300, -3);
  assert.equal(statistics.bias(0, 256), -760, 'B = -190 (halved toward zero, not -191)');
  assert.equal(statistics.scaleIndex(0, 115), 121, 'mean floor(19562 / 64) = 305');
  // One more sample: A = 19564, B = -189, N = 65.
  statistics.record(0, 2, 1);
  assert.equal(statistics.bias(0, 256), -745);
  assert.equal(statistics.bias(0, 1), -3);
  assert.equal(statistics.scaleIndex(0, 115), 120, 'mean floor(19564 / 65) = 300');
  // Context 1: a positive odd B halves down too: 127 samples of error +5 give 635 -> 317 over N = 64.
  for (let k = 0; k < 127; k++) statistics.record(1, 0, 5);
  assert.equal(statistics.bias(1, 256), 1268);
});

test('recordAbs moves the scale and leaves the bias at 0', () => {
  const statistics = new ContextStatistics(1);
  for (let k = 0; k < 300; k++) statistics.recordAbs(0, 64 * 256);
  assert.equal(statistics.bias(0, 1), 0);
  // After many samples of |r| = 64 the mean tends to 64 * 256: scale 32 log2(64) + 115 = 307.
  assert.ok(Math.abs(statistics.scaleIndex(0, 115) - 307) <= 1, `scale ${statistics.scaleIndex(0, 115)}`);
});
