import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MU_FRAC_BITS, MU_Q_MAX, SCALE_COUNT, SCALE_LOG2_MIN, SCALE_STEPS_PER_OCTAVE, muToQ, scaleIndexOf, scaleOfIndex,
} from '../../src/entropy/index.js';

test('the scale grid: 0.0625 .. 16384 in 577 steps of 2^(1/32)', () => {
  assert.equal(SCALE_COUNT, 577);
  assert.equal(scaleOfIndex(0), 2 ** SCALE_LOG2_MIN);
  assert.equal(scaleOfIndex(SCALE_COUNT - 1), 16384);
  assert.equal(scaleOfIndex(4 * SCALE_STEPS_PER_OCTAVE), 1);
});

test('scaleIndexOf picks the nearest grid point in log scale and clamps the rest', () => {
  for (let k = 0; k < SCALE_COUNT; k += 7) {
    assert.equal(scaleIndexOf(scaleOfIndex(k)), k);
    assert.equal(scaleIndexOf(scaleOfIndex(k) * 2 ** (0.49 / SCALE_STEPS_PER_OCTAVE)), k);
  }
  assert.equal(scaleIndexOf(1e-9), 0);
  assert.equal(scaleIndexOf(0), 0);
  assert.equal(scaleIndexOf(-3), 0);
  assert.equal(scaleIndexOf(Number.NaN), 0);
  assert.equal(scaleIndexOf(1e9), SCALE_COUNT - 1);
  assert.equal(scaleIndexOf(Infinity), SCALE_COUNT - 1);
});

test('muToQ rounds to 1/256 pixel and clamps to +-MU_Q_MAX', () => {
  assert.equal(MU_FRAC_BITS, 8);
  assert.equal(muToQ(1.5), 384);
  assert.equal(muToQ(-0.001), 0);
  assert.equal(muToQ(-2.00390625), -513);
  assert.equal(muToQ(1e12), MU_Q_MAX);
  assert.equal(muToQ(-Infinity), -MU_Q_MAX);
  assert.equal(muToQ(Number.NaN), 0);
});
