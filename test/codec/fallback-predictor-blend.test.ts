/**
 * Modes 3 and 4's predictor blend against PAYLOAD.md's formulas, written out again here: on real Kodak crops (RGB
 * 8-bit, and 16-bit, where error sums pass the weight table and take the division), every sample's sub-predictions
 * P0..P7, blend z0 (BigInt floor division), smallest error sum and neighbour error energy equal the reference's,
 * computed from errors this test records itself; plus the first sample's exact blend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readImage } from '../../src/image/read-image.js';
import { CausalNeighbours, medianEdge } from '../../src/codec/fallback-neighbours.js';
import { FIXED_PREDICTORS, PredictorBlend } from '../../src/codec/fallback-predictor-blend.js';
import { SHARED_DATA } from '../helpers/paths.js';

/** A width x height RGB crop at (left, top) of a Kodak image, widened to int32. */
async function kodakCrop(name: string, left: number, top: number, width: number, height: number): Promise<Int32Array> {
  const image = await readImage(readFileSync(path.join(SHARED_DATA, 'kodak', name)));
  const out = new Int32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * 3; i++) out[y * width * 3 + i] = image.data[((top + y) * image.width + left) * 3 + i]!;
  }
  return out;
}

function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n !== d < 0n ? q - 1n : q;
}

/** Runs the blend over a tile in coding order, checking each sample against the reference; returns how often S_i >= 8192. */
function checkAgainstReference(samples: Int32Array, width: number, height: number, maxValue: number, predictors: number): number {
  const C = 3;
  const blender = new PredictorBlend(width, C, maxValue, predictors);
  const nb = new CausalNeighbours(width, C, maxValue);
  const E = new Float64Array(width * height * C * predictors); // |2 (v - o) - P_i| per sample
  const D = new Float64Array(width * height * C); // |256 v - z| per sample
  const numerator = BigInt(2 ** (maxValue > 255 ? 22 : 30));
  let large = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (const c of [1, 0, 2]) {
        const at = (y * width + x) * C + c;
        blender.start(samples, x, y, c);
        nb.load(samples, x, y, c);
        const { a, b, nw, ne } = nb;
        const g = c === 1 ? 0 : samples[at - c + 1]!;
        const P = [2 * medianEdge(a, b, nw), 2 * (a + b - nw), 2 * (a + ne - b), 2 * b, 2 * a, a + ne, 2 * ne, b + nw];
        if (c !== 1 && x > 0 && y > 0) {
          const A = samples[at - C]!;
          const B = samples[at - width * C]!;
          const NW = samples[at - width * C - C]!;
          P[6] = 2 * (medianEdge(A, B, NW) - g);
          P[7] = 2 * (A + B - NW - g);
        }
        for (let i = FIXED_PREDICTORS; i < predictors; i++) {
          P[i] = 2 * a + i; // a mode's own predictors: any values
          blender.predictions[i] = P[i]!;
        }
        assert.deepEqual(Array.from(blender.predictions), P, `P at (${x}, ${y}, ${c})`);
        const E_ = (xx: number, yy: number, i: number): number => E[((yy * width + xx) * C + c) * predictors + i]!;
        let weightSum = 0n;
        let weighted = 0n;
        let minS = Infinity;
        for (let i = 0; i < predictors; i++) {
          let S = 0;
          if (y > 0) S += 2 * E_(x, y - 1, i) + (x > 0 ? E_(x - 1, y - 1, i) : E_(x, y - 1, i)) + (x < width - 1 ? E_(x + 1, y - 1, i) : E_(x, y - 1, i));
          if (x > 0) S += 2 * E_(x - 1, y, i);
          if (S >= 8192) large++;
          minS = Math.min(minS, S);
          const w = 1n + numerator / (BigInt(S + 1) * BigInt(S + 1));
          weightSum += w;
          weighted += w * BigInt(P[i]!);
        }
        const z0 = blender.blend(x, y, c);
        assert.equal(z0, Number(floorDiv(128n * weighted, weightSum)), `z0 at (${x}, ${y}, ${c})`);
        assert.equal(blender.minErrorSum, minS);
        const D_ = (xx: number, yy: number): number => D[(yy * width + xx) * C + c]!;
        let energy = 0;
        if (y > 0) energy += D_(x, y - 1) + Math.floor((x > 0 ? D_(x - 1, y - 1) : D_(x, y - 1)) / 2) + Math.floor((x < width - 1 ? D_(x + 1, y - 1) : D_(x, y - 1)) / 2);
        if (x > 0) energy += D_(x - 1, y);
        assert.equal(blender.neighbourErrorEnergy(x, y, c), energy, `energy at (${x}, ${y}, ${c})`);
        // A mode's final blend: here z0 plus G, clamped.
        const z = Math.min(Math.max(z0 + 256 * g, 0), 256 * maxValue);
        const v = samples[at]!;
        assert.equal(blender.record(v, z, x, c), 256 * v - z);
        for (let i = 0; i < predictors; i++) E[at * predictors + i] = Math.abs(2 * (v - g) - P[i]!);
        D[at] = Math.abs(256 * v - z);
      }
    }
  }
  return large;
}

test('the first sample blends its equal sub-predictions with equal weights', () => {
  const blender = new PredictorBlend(4, 1, 255, FIXED_PREDICTORS);
  blender.start(new Int32Array(16), 0, 0, 0);
  assert.deepEqual(Array.from(blender.predictions), [256, 256, 256, 256, 256, 256, 256, 256]);
  assert.equal(blender.blend(0, 0, 0), 128 * 256);
  assert.equal(blender.minErrorSum, 0);
  assert.equal(blender.neighbourErrorEnergy(0, 0, 0), 0);
  assert.equal(blender.record(100, 128 * 256, 0, 0), 100 * 256 - 128 * 256);
});

test('8-bit Kodak crop: sub-predictions, blend, error sums and energy follow PAYLOAD.md (8 and 9 predictors)', async () => {
  const samples = await kodakCrop('kodim23.png', 300, 120, 24, 12);
  checkAgainstReference(samples, 24, 12, 255, FIXED_PREDICTORS);
  checkAgainstReference(samples, 24, 12, 255, FIXED_PREDICTORS + 1);
});

test('16-bit samples: the 2^22 weights, also for error sums past the weight table', async () => {
  const eight = await kodakCrop('kodim05.png', 100, 100, 20, 10);
  const samples = Int32Array.from(eight, (v, i) => v * 257 + ((i * 7919) % 251));
  const large = checkAgainstReference(samples, 20, 10, 65535, FIXED_PREDICTORS + 1);
  assert.ok(large > 100, `only ${large} error sums took the division`);
});
