/**
 * What fallback modes 3 and 4 share (src/codec/fallback-blend-predictors.ts), by hand from PAYLOAD.md's formulas:
 * the eight fixed sub-predictions of a plain channel, of R as a difference to G inside the tile (plain-channel MED
 * and gradient less G) and on the first row (ne and (b + nw) / 2 instead), and the predictors' error record.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXED_PREDICTORS, fixedPredictions, recordPredictorErrors } from '../../src/codec/fallback-blend-predictors.js';
import { CausalNeighbours } from '../../src/codec/fallback-neighbours.js';

/** A 3 x 3 RGB tile, R G B per pixel, rows top to bottom. */
const TILE = Int32Array.of(
  20, 30, 40, 25, 36, 41, 30, 39, 44,
  22, 33, 47, 90, 35, 50, 31, 37, 46,
  24, 34, 45, 28, 38, 49, 35, 40, 48,
);

function predictions(x: number, y: number, c: number): number[] {
  const nb = new CausalNeighbours(3, 3, 255);
  nb.load(TILE, x, y, c);
  const sub = new Int32Array(FIXED_PREDICTORS);
  fixedPredictions(sub, TILE, nb, x, y, 3, 3);
  return [...sub];
}

test('G at (1, 1): twice MED, a + b - nw, a + ne - b, b, a; a + ne; 2 ne and b + nw (plain channel)', () => {
  // a = G(0,1) = 33, b = G(1,0) = 36, nw = G(0,0) = 30, ne = G(2,0) = 39; nw below both: MED = max = 36.
  assert.deepEqual(predictions(1, 1, 1), [72, 78, 72, 72, 66, 72, 78, 66]);
});

test('R at (1, 1): differences to G, and the plain channel\'s MED and gradient less G', () => {
  // Differences R - G: a = 22 - 33 = -11, b = 25 - 36 = -11, nw = 20 - 30 = -10, ne = 30 - 39 = -9.
  // MED(-11, -11, -10) = -11 (nw above both: min). Plain R: pa = 22, pb = 25, pnw = 20, MED = 25, gradient 27; G = 35.
  assert.deepEqual(predictions(1, 1, 0), [-22, -24, -18, -22, -22, -20, -20, -16]);
});

test('B on the first row: no plain-channel predictions, ne and b + nw instead', () => {
  // (1, 0): all four neighbours are a = B - G at (0, 0) = 10.
  assert.deepEqual(predictions(1, 0, 2), [20, 20, 20, 20, 20, 20, 20, 20]);
});

test('recordPredictorErrors: |v2 - sub_k| for the first `count` predictors at the given offset, nothing else', () => {
  const errors = new Int32Array(12).fill(-1);
  recordPredictorErrors(errors, 2, Int32Array.of(10, 25, -4, 18, 99), 18, 4);
  assert.deepEqual([...errors], [-1, -1, 8, 7, 22, 0, -1, -1, -1, -1, -1, -1]);
});
