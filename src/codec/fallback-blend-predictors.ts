/**
 * What fallback modes 3 and 4 (fallback-blend-model.ts, fallback-lms-model.ts) share of their blend, byte-exact as
 * PAYLOAD.md states it: the eight fixed sub-predictions and the record of each predictor's error. Each mode keeps
 * its error rows and weighting loop in its own predict: shared, they cost mode 3 5-15% (V8 stops inlining the
 * context statistics into predict); these two small functions are inlined. Invariant: integer arithmetic only,
 * reads only samples before the current one, allocates nothing.
 */
import type { CausalNeighbours } from './fallback-neighbours.js';

/** Sub-predictors every blend has (MED, gradient, W + NE - N, N, W, (W + NE) / 2, and two for R and B). */
export const FIXED_PREDICTORS = 8;

/**
 * Writes twice each fixed sub-prediction of the sample `nb` holds into sub[0..7], in its coding domain: MED,
 * a + b - nw, a + ne - b, b, a, (a + ne) / 2, and for R and B (past the first row and column) MED and the gradient
 * of the plain channel less G, else ne and (b + nw) / 2.
 * @param samples the group's interleaved samples, as given to nb.load for sample (x, y, c)
 */
export function fixedPredictions(sub: Int32Array, samples: Int32Array, nb: CausalNeighbours, x: number, y: number, width: number, channels: number): void {
  const { a, b, nw, ne } = nb;
  const high = a > b ? a : b;
  const low = a > b ? b : a;
  sub[0] = 2 * (nw >= high ? low : nw <= low ? high : a + b - nw);
  sub[1] = 2 * (a + b - nw);
  sub[2] = 2 * (a + ne - b);
  sub[3] = 2 * b;
  sub[4] = 2 * a;
  sub[5] = a + ne;
  // R and B: MED and gradient of the plain channel (less G), for where colour differences predict worse.
  if (nb.differences && y > 0 && x > 0) {
    const i = nb.index;
    const C = channels;
    const g = samples[i + nb.reference]!;
    const pa = samples[i - C]!;
    const pb = samples[i - width * C]!;
    const pnw = samples[i - width * C - C]!;
    const ph = pa > pb ? pa : pb;
    const pl = pa > pb ? pb : pa;
    sub[6] = 2 * ((pnw >= ph ? pl : pnw <= pl ? ph : pa + pb - pnw) - g);
    sub[7] = 2 * (pa + pb - pnw - g);
  } else {
    sub[6] = 2 * ne;
    sub[7] = b + nw;
  }
}

/**
 * Records each predictor's error at the sample just coded: errors[at + k] = |v2 - sub[k]| for k < count.
 * @param v2 twice the sample's value in its coding domain (the unit of `sub`)
 */
export function recordPredictorErrors(errors: Int32Array, at: number, sub: Int32Array, v2: number, count: number): void {
  for (let k = 0; k < count; k++) {
    const d = v2 - sub[k]!;
    errors[at + k] = d < 0 ? -d : d;
  }
}
