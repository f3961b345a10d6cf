import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/core/seeded-random.js';
import { HALF_WIDTH_MAX, SCALE_COUNT } from '../../src/entropy/logistic-params.js';
import { edgeBase, logisticBoundary, spreadOf, windowCenter, windowHalfWidth } from '../../src/entropy/logistic-model.js';
import {
  PreparedMixture, mixtureBoundary, mixtureBoundaryWithSlope, prepareMixture,
} from '../../src/entropy/mixture-model.js';
import { PROBABILITY_ONE } from '../../src/entropy/rans-core.js';

function prepared(mus: number[], scales: number[], weights: number[]): PreparedMixture {
  const mixture = new PreparedMixture();
  prepareMixture(Int32Array.from(mus), Uint16Array.from(scales), Uint32Array.from(weights), 0, mus.length, mixture);
  return mixture;
}

test('a one-component mixture, or several identical components, code exactly like the single logistic', () => {
  const random = new SeededRandom(21);
  for (let i = 0; i < 200; i++) {
    const muQ = random.int(-300 * 256, 300 * 256);
    const k = random.int(0, SCALE_COUNT - 1);
    const halfWidth = windowHalfWidth(k);
    const lo = windowCenter(muQ) - halfWidth;
    const nb = 2 * halfWidth + 3;
    const single = prepared([muQ], [k], [random.int(1, 2 ** 24)]);
    const triple = prepared([muQ, muQ, muQ], [k, k, k], [random.int(0, 9), random.int(1, 999), 0]);
    assert.equal(single.lo, lo);
    assert.equal(single.nb, nb);
    assert.equal(triple.nb, nb);
    for (let t = 0; t < 20; t++) {
      const j = t < 2 ? t * nb : random.int(0, nb);
      const expected = logisticBoundary(j, nb, edgeBase(lo, muQ), k, spreadOf(nb));
      assert.equal(mixtureBoundary(j, single), expected);
      assert.equal(mixtureBoundary(j, triple), expected);
      assert.equal(mixtureBoundaryWithSlope(j, triple), expected);
    }
  }
});

test('mixture frequencies are >= 1 per bin and sum to 2^24; the slope variant gives the same values', () => {
  const random = new SeededRandom(22);
  for (let i = 0; i < 30; i++) {
    const components = random.int(1, 8);
    const mus = Array.from({ length: components }, () => random.int(-300 * 256, 300 * 256));
    const scales = Array.from({ length: components }, () => random.int(0, 400));
    const weights = Array.from({ length: components }, () => random.int(0, 3000));
    weights[0]! += 1;
    const mixture = prepared(mus, scales, weights);
    let previous = mixtureBoundary(0, mixture);
    assert.equal(previous, 0);
    for (let j = 1; j <= mixture.nb; j++) {
      const value = mixtureBoundary(j, mixture);
      assert.ok(value >= previous + 1, `bin ${j - 1}`);
      assert.equal(mixtureBoundaryWithSlope(j, mixture), value);
      previous = value;
    }
    assert.equal(previous, PROBABILITY_ONE);
  }
});

test('the window is the union of the components, capped around the heaviest one', () => {
  const mixture = prepared([-100 * 256, 50 * 256], [32 * 4, 32 * 4], [1, 2]); // scales 1: half-width 17
  assert.equal(mixture.lo, -117);
  assert.equal(mixture.nb, 67 - -117 + 3);
  assert.equal(mixture.heaviest, 1);
  const far = prepared([-(2 ** 27), 2 ** 27, 0], [SCALE_COUNT - 1, 0, 0], [5, 7, 7]);
  assert.equal(far.heaviest, 1, 'first of the heaviest');
  assert.equal(far.lo, windowCenter(2 ** 27) - HALF_WIDTH_MAX);
  assert.equal(far.nb, 2 * HALF_WIDTH_MAX + 3);
});
