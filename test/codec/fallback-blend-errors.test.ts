/**
 * Mode 4's blend errors as fallback-blend-errors.ts keeps them for mode 5: the error stage's first eight inputs
 * and the energy bin of a sample, by hand, inside the tile and at its edges, with G's and R's errors for B; the row
 * swap; and nothing read outside the tile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BLEND_ERROR_INPUTS, BlendErrors, ENERGY_BINS } from '../../src/codec/fallback-blend-errors.js';
import { logBin } from '../../src/codec/fallback-log-scale.js';
import { CausalNeighbours } from '../../src/codec/fallback-neighbours.js';

/** Errors e(x, c) = sign * (1000 x + 100 c + 17) in row 0, then row 1 recorded up to (x1, c1) in coding order. */
function filled(width: number, channels: number, rowOneUpTo: number): BlendErrors {
  const errors = new BlendErrors(width, channels);
  const order = channels === 3 ? [1, 0, 2] : [0];
  for (let x = 0; x < width; x++) {
    for (const c of order) errors.record(x, c, (x % 2 ? -1 : 1) * (1000 * x + 100 * c + 17));
  }
  errors.nextRow();
  for (let x = 0; x < rowOneUpTo; x++) for (const c of order) errors.record(x, c, 5000 + 10 * x + c);
  return errors;
}

test('grey: the inputs are the signed errors at N, W, NW, NE, WW and NEE in 1/16 units, the bin their energy', () => {
  const errors = filled(6, 1, 3);
  const samples = Int32Array.from({ length: 12 }, (_, k) => 100 + (k % 6) * 2 + Math.floor(k / 6));
  const nb = new CausalNeighbours(6, 1, 255);
  nb.load(samples, 3, 1, 0);
  const q = new Int32Array(BLEND_ERROR_INPUTS);
  const bin = errors.load(q, nb, 3, 1, 0, 40);
  // Row 0: e(x) = +-(1000 x + 17): N (x 3) = -3017, NW 2017, NE 4017, NEE -5017; row 1: W 5020, WW 5010.
  assert.deepEqual(Array.from(q), [-3017 >> 4, 5020 >> 4, 2017 >> 4, 4017 >> 4, 0, 0, 5010 >> 4, -5017 >> 4]);
  assert.equal(errors.north, -3017);
  assert.equal(errors.west, 5020);
  // |N| + |NW| / 2 + |NE| / 2 + |W| + |WW| / 2 + 24 * 40 + 64 * gradients (2 + 2 + 1); half-octave bins hide a
  // small slip, so mode 5's pinned stream and goldens pin the formula itself.
  const energy = 3017 + (2017 >> 1) + (4017 >> 1) + 5020 + (5010 >> 1) + 24 * 40 + 64 * 5;
  assert.equal(bin, logBin((energy + 64) >> 7, ENERGY_BINS));
});

test('RGB: B reads G\'s and R\'s errors at the pixel; at the left edge and on row 0 the missing inputs are 0', () => {
  const errors = filled(4, 3, 0);
  errors.record(0, 1, -640);
  errors.record(0, 0, 320);
  const samples = new Int32Array(4 * 2 * 3).fill(9);
  const nb = new CausalNeighbours(4, 3, 255);
  nb.load(samples, 0, 1, 2);
  const q = new Int32Array(BLEND_ERROR_INPUTS);
  const bin = errors.load(q, nb, 0, 1, 2, 0);
  // N = e(0, 2) = 217, NE = e(1, 2) = -1217, NEE = e(2, 2) = 2217; no W, NW or WW.
  assert.deepEqual(Array.from(q), [217 >> 4, 0, 0, -1217 >> 4, -640 >> 4, 320 >> 4, 0, 2217 >> 4]);
  // |N| + |N| / 2 (no NW) + |NE| / 2 + |G| + |R| / 2 + 24 * 0 (N exists); flat samples, no gradient.
  assert.equal(bin, logBin((217 + (217 >> 1) + (1217 >> 1) + 640 + (320 >> 1) + 64) >> 7, ENERGY_BINS));
  // Row 0, pixel 0: nothing around it, so no energy and no inputs.
  const fresh = new BlendErrors(4, 3);
  nb.load(samples, 0, 0, 1);
  assert.equal(fresh.load(q, nb, 0, 0, 1, 123), 0);
  assert.deepEqual(Array.from(q), [0, 0, 0, 0, 0, 0, 0, 0]);
});
