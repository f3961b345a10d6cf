/**
 * The fallback modes' causal neighbourhood: a, b, nw, ne of samples inside and at every edge of a small RGB and a
 * grey tile (plain channels and differences to G), PAYLOAD.md's values outside the tile at both depths, the
 * reference values, the median edge detector's three cases, the gradient activity and the NLMS steps, all by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CausalNeighbours, medianEdge } from '../../src/codec/fallback-neighbours.js';

/** A 3 x 3 RGB tile: G = 10 x + 3 y + 50, R = G + 7 x - y, B = G - 2 x + 5 y (so R's and B's differences are simple). */
function rgbTile(): Int32Array {
  const out = new Int32Array(27);
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 3; x++) {
      const g = 10 * x + 3 * y + 50;
      out.set([g + 7 * x - y, g, g - 2 * x + 5 * y], (y * 3 + x) * 3);
    }
  }
  return out;
}

function neighboursOf(nb: CausalNeighbours): number[] {
  return [nb.a, nb.b, nb.nw, nb.ne];
}

test('RGB: G from plain samples, R and B as differences to G at each neighbour\'s own pixel', () => {
  const samples = rgbTile();
  const nb = new CausalNeighbours(3, 3, 255);
  nb.load(samples, 1, 1, 1);
  assert.deepEqual(neighboursOf(nb), [53, 60, 50, 70]);
  assert.equal(nb.differences, false);
  assert.equal(nb.referenceValue(samples), 0);
  nb.load(samples, 1, 1, 0);
  // R - G = 7 x - y at (0, 1), (1, 0), (0, 0), (2, 0).
  assert.deepEqual(neighboursOf(nb), [-1, 7, 0, 14]);
  assert.equal(nb.differences, true);
  assert.equal(nb.index, 12);
  assert.equal(nb.referenceValue(samples), 63, 'G of pixel (1, 1)');
  nb.load(samples, 1, 2, 2);
  // B - G = 5 y - 2 x at (0, 2), (1, 1), (0, 1), (2, 1).
  assert.deepEqual(neighboursOf(nb), [10, 3, 5, 1]);
  assert.equal(nb.referenceValue(samples), 66);
});

test('edges: row 0 repeats a, pixel (0, 0) is mid-grey or 0, a missing a, nw or ne is b', () => {
  const samples = rgbTile();
  const nb = new CausalNeighbours(3, 3, 255);
  nb.load(samples, 0, 0, 1);
  assert.deepEqual(neighboursOf(nb), [128, 128, 128, 128]);
  nb.load(samples, 0, 0, 2);
  assert.deepEqual(neighboursOf(nb), [0, 0, 0, 0]);
  nb.load(samples, 2, 0, 1);
  assert.deepEqual(neighboursOf(nb), [60, 60, 60, 60]);
  nb.load(samples, 0, 2, 1);
  assert.deepEqual(neighboursOf(nb), [53, 53, 53, 63]);
  nb.load(samples, 2, 1, 0);
  assert.deepEqual(neighboursOf(nb), [6, 14, 7, 14]);
  const grey16 = new CausalNeighbours(2, 1, 65535);
  grey16.load(Int32Array.of(1000, 2000, 3000, 4000), 0, 0, 0);
  assert.deepEqual(neighboursOf(grey16), [32768, 32768, 32768, 32768]);
  grey16.load(Int32Array.of(1000, 2000, 3000, 4000), 1, 1, 0);
  assert.deepEqual(neighboursOf(grey16), [3000, 2000, 1000, 2000]);
  assert.equal(grey16.differences, false);
});

test('median edge detector and gradients of the loaded sample', () => {
  assert.equal(medianEdge(10, 20, 25), 10, 'nw above both: the smaller');
  assert.equal(medianEdge(10, 20, 5), 20, 'nw below both: the larger');
  assert.equal(medianEdge(10, 20, 12), 18, 'between: a + b - nw');
  assert.equal(medianEdge(-4, 3, 3), -4);
  const nb = new CausalNeighbours(3, 3, 255);
  nb.load(rgbTile(), 1, 1, 0);
  assert.equal(nb.median(), medianEdge(-1, 7, 0));
  assert.equal(nb.median(), 6);
  assert.equal(nb.gradients(), 7 + 7 + 1);
});

test('steps: N, NW, NE, WW, NN and NNE less W, in the sample\'s domain', () => {
  // A 4 x 3 tile of rgbTile's formulas; sample (2, 2).
  const samples = new Int32Array(36);
  for (let y = 0; y < 3; y++) {
    for (let x = 0; x < 4; x++) {
      const g = 10 * x + 3 * y + 50;
      samples.set([g + 7 * x - y, g, g - 2 * x + 5 * y], (y * 4 + x) * 3);
    }
  }
  const nb = new CausalNeighbours(4, 3, 255);
  const d = new Int32Array(6);
  nb.load(samples, 2, 2, 1);
  // G: W 66, N 73, NW 63, NE 83, WW 56, NN 70, NNE 80.
  nb.steps(d, samples);
  assert.deepEqual(Array.from(d), [7, -3, 17, -10, 4, 14]);
  nb.load(samples, 2, 2, 0);
  // R - G = 7 x - y: W 5, N 13, NW 6, NE 20, WW -2, NN 14, NNE 21.
  nb.steps(d, samples);
  assert.deepEqual(Array.from(d), [8, 1, 15, -7, 9, 16]);
});
