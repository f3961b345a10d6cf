import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/core/seeded-random.js';
import { MU_FRAC_BITS, MU_Q_MAX, SCALE_COUNT, muToQ, scaleIndexOf, scaleOfIndex } from '../../src/entropy/logistic-params.js';
import {
  edgeBase, guessBin, logisticBoundary, logisticCdfAt, spreadOf, windowCenter, windowHalfWidth,
} from '../../src/entropy/logistic-model.js';
import { PROBABILITY_ONE } from '../../src/entropy/rans-core.js';

interface Window {
  lo: number;
  nb: number;
  boundary: (j: number) => number;
}

function windowOf(muQ: number, k: number): Window {
  const halfWidth = windowHalfWidth(k);
  const lo = windowCenter(muQ) - halfWidth;
  const nb = 2 * halfWidth + 3;
  const base = edgeBase(lo, muQ);
  const spread = spreadOf(nb);
  return { lo, nb, boundary: (j) => logisticBoundary(j, nb, base, k, spread) };
}

function exactProbability(x: number, mu: number, scale: number): number {
  const sigmoid = (t: number): number => 1 / (1 + Math.exp(-t));
  return sigmoid((x + 0.5 - mu) / scale) - sigmoid((x - 0.5 - mu) / scale);
}

test('every bin of every window has frequency >= 1 and the frequencies sum to exactly 2^24', () => {
  const random = new SeededRandom(11);
  const cases: Array<[number, number]> = [
    [0, 0], [0, SCALE_COUNT - 1], [MU_Q_MAX, 0], [-MU_Q_MAX, SCALE_COUNT - 1], [128, 100], [-128, 100], [127, 5],
  ];
  for (let i = 0; i < 40; i++) cases.push([random.int(-300 * 256, 300 * 256), random.int(0, SCALE_COUNT - 1)]);
  for (const [muQ, k] of cases) {
    const { nb, boundary } = windowOf(muQ, k);
    assert.equal(boundary(0), 0);
    assert.equal(boundary(nb), PROBABILITY_ONE);
    let previous = 0;
    for (let j = 1; j <= nb; j++) {
      const value = boundary(j);
      assert.ok(value >= previous + 1, `muQ ${muQ} k ${k}: bin ${j - 1} has frequency ${value - previous}`);
      previous = value;
    }
  }
});

test('the window is round(mu) +- halfWidth with halfWidth = min(ceil(16 s) + 1, 2^17 - 1)', () => {
  assert.equal(windowCenter(muToQ(2.49)), 2);
  assert.equal(windowCenter(muToQ(2.5)), 3);
  assert.equal(windowCenter(muToQ(-2.5)), -2);
  assert.equal(windowCenter(muToQ(-2.51)), -3);
  assert.equal(windowHalfWidth(scaleIndexOf(1)), 17);
  assert.equal(windowHalfWidth(scaleIndexOf(80)), Math.ceil(16 * scaleOfIndex(scaleIndexOf(80))) + 1);
  assert.equal(windowHalfWidth(SCALE_COUNT - 1), 2 ** 17 - 1);
});

test('frequencies match the exact float discretised logistic where it is not tiny', () => {
  const random = new SeededRandom(12);
  for (let i = 0; i < 30; i++) {
    const mu = -300 + 600 * random.next();
    const scale = 0.2 * 400 ** random.next();
    const muQ = muToQ(mu);
    const k = scaleIndexOf(scale);
    // Compare with the model's own (quantised) parameters, so only the table and the integer maths differ.
    const qMu = muQ / 2 ** MU_FRAC_BITS;
    const qScale = scaleOfIndex(k);
    const { lo, boundary } = windowOf(muQ, k);
    for (let x = Math.round(qMu) - 3; x <= Math.round(qMu) + 3; x++) {
      const exact = exactProbability(x, qMu, qScale);
      if (exact < 1e-3) continue;
      const j = x - lo + 1;
      const model = (boundary(j + 1) - boundary(j)) / PROBABILITY_ONE;
      assert.ok(Math.abs(model / exact - 1) < 2e-3, `mu ${qMu} s ${qScale} x ${x}: ${model} vs ${exact}`);
    }
  }
});

test('logisticCdfAt is non-decreasing in the offset, saturates, and is symmetric about 0', () => {
  for (const k of [0, 50, 200, SCALE_COUNT - 1]) {
    let previous = -1;
    for (let u = -(2 ** 29); u <= 2 ** 29; u += 2 ** 29 / 4096) {
      const value = logisticCdfAt(u, k);
      assert.ok(value >= previous, `k ${k} u ${u}`);
      previous = value;
    }
    assert.ok(logisticCdfAt(-(2 ** 29), k) <= 1);
    assert.ok(logisticCdfAt(2 ** 29, k) >= 2 ** 28 - 1);
    assert.equal(logisticCdfAt(0, k), 2 ** 27);
  }
});

test('the decoder guess lands on the right value or next to it (scales up to 2^8)', () => {
  const random = new SeededRandom(13);
  let exact = 0;
  const trials = 2000;
  for (let i = 0; i < trials; i++) {
    const muQ = random.int(-300 * 256, 300 * 256);
    const k = random.int(0, 12 * 32);
    const { lo, nb, boundary } = windowOf(muQ, k);
    const slot = random.int(0, PROBABILITY_ONE - 1);
    let j = 0;
    while (boundary(j + 1) <= slot) j++;
    const guess = guessBin(slot, muQ, k, lo, nb);
    assert.ok(Math.abs(guess - j) <= 2, `guess ${guess} vs ${j} (muQ ${muQ}, k ${k}, slot ${slot})`);
    if (guess === j) exact++;
  }
  assert.ok(exact > 0.9 * trials, `${exact} of ${trials} guesses exact`);
});
