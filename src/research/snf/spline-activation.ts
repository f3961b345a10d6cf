/**
 * Elementwise monotone rational-quadratic spline activation (Durkan et al. 2019, "Neural Spline Flows", eq. 4-6) with
 * linear tails, one spline per dimension, as the SNF paper's 9-layer CNN uses between its convolutions: K bins on
 * [-B, B], identity outside, slope 1 at both ends. Knots come from unconstrained parameters (softmax widths and
 * heights, softplus derivatives) with minimum bin size and slope 1e-3. Invariant: strictly increasing and continuous,
 * so the inverse (a quadratic root per element) is exact up to rounding.
 */
import * as tf from '@tensorflow/tfjs-core';

const MIN_BIN = 1e-3;
const MIN_DERIVATIVE = 1e-3;
/** softplus^-1(1 - MIN_DERIVATIVE): the padding that gives slope 1 at the spline's ends. */
const END_DERIVATIVE = Math.log(Math.expm1(1 - MIN_DERIVATIVE));

/** Unconstrained parameters, per dimension d of the flattened [H, W, C] input: [D, K], [D, K], [D, K - 1]. */
export interface SplineParams {
  readonly widths: tf.Tensor;
  readonly heights: tf.Tensor;
  readonly derivatives: tf.Tensor;
}

/** Knot positions [D, K + 1] from unnormalised bin sizes [D, K], spanning exactly [-B, B]. */
function knots(unnormalised: tf.Tensor, bins: number, bound: number): { positions: tf.Tensor2D; sizes: tf.Tensor2D } {
  const sizes = tf.add(MIN_BIN, tf.mul(1 - MIN_BIN * bins, tf.softmax(unnormalised, -1)));
  const cumulative = tf.cumsum(sizes, 1);
  const d = unnormalised.shape[0]!;
  // Interior knots from the cumulative sum; the ends pinned to -B and B so the spline meets the tails exactly.
  const interior = tf.slice(tf.sub(tf.mul(2 * bound, cumulative), bound), [0, 0], [d, bins - 1]);
  const positions = tf.concat([tf.fill([d, 1], -bound), interior, tf.fill([d, 1], bound)], 1) as tf.Tensor2D;
  return { positions, sizes: tf.sub(tf.slice(positions, [0, 1], [d, bins]), tf.slice(positions, [0, 0], [d, bins])) as tf.Tensor2D };
}

/** Slopes at the K + 1 knots, 1 at both ends. */
function slopes(unnormalised: tf.Tensor): tf.Tensor2D {
  const d = unnormalised.shape[0]!;
  const padded = tf.concat([tf.fill([d, 1], END_DERIVATIVE), unnormalised, tf.fill([d, 1], END_DERIVATIVE)], 1);
  return tf.add(MIN_DERIVATIVE, tf.softplus(padded)) as tf.Tensor2D;
}

/** Per element: the bin holding it (one-hot [N, D, K], as a constant) and whether it lies inside [-B, B]. */
function locate(x: Float32Array, positions: Float32Array, n: number, d: number, bins: number, bound: number): { oneHot: Float32Array; inside: Float32Array } {
  const oneHot = new Float32Array(n * d * bins);
  const inside = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x[i * d + j]!;
      const at = i * d + j;
      let bin = 0;
      if (v >= -bound && v <= bound) {
        inside[at] = 1;
        while (bin < bins - 1 && v >= positions[j * (bins + 1) + bin + 1]!) bin++;
      }
      // Outside elements use bin 0 at its left knot (finite values that the mask then discards).
      oneHot[at * bins + bin] = 1;
    }
  }
  return { oneHot, inside };
}

/**
 * y = spline(x) per element and the per-image log|dy/dx| summed over dimensions.
 * @param x [N, H, W, C]
 */
export function splineForward(x: tf.Tensor4D, p: SplineParams, bins: number, bound: number): { y: tf.Tensor4D; logdet: tf.Tensor1D } {
  const [n, h, w, c] = x.shape;
  const d = h * w * c;
  const flat = tf.reshape(x, [n, d]);
  const { positions: xs, sizes: widths } = knots(p.widths, bins, bound);
  const { positions: ys, sizes: heights } = knots(p.heights, bins, bound);
  const deltas = slopes(p.derivatives);
  const { oneHot, inside } = locate(flat.dataSync() as Float32Array, xs.dataSync() as Float32Array, n, d, bins, bound);
  const hot = tf.tensor3d(oneHot, [n, d, bins]);
  const mask = tf.tensor2d(inside, [n, d]);
  const pick = (table: tf.Tensor2D, offset: number) => tf.sum(tf.mul(hot, tf.expandDims(tf.slice(table, [0, offset], [d, bins]), 0)), 2);
  const xk = pick(xs, 0);
  const wk = pick(widths, 0);
  const yk = pick(ys, 0);
  const hk = pick(heights, 0);
  const dk = pick(deltas, 0);
  const dk1 = pick(deltas, 1);
  // Outside [-B, B] the spline is evaluated at its left end (then masked away), so nothing overflows.
  const xin = tf.add(tf.mul(mask, flat), tf.mul(tf.sub(1, mask), xk));
  const theta = tf.div(tf.sub(xin, xk), wk);
  const oneMinus = tf.sub(1, theta);
  const s = tf.div(hk, wk);
  const thetaOne = tf.mul(theta, oneMinus);
  const denominator = tf.add(s, tf.mul(tf.sub(tf.add(dk1, dk), tf.mul(2, s)), thetaOne));
  const spline = tf.add(yk, tf.div(tf.mul(hk, tf.add(tf.mul(s, tf.square(theta)), tf.mul(dk, thetaOne))), denominator));
  const numerator = tf.mul(tf.square(s), tf.add(tf.add(tf.mul(dk1, tf.square(theta)), tf.mul(tf.mul(2, s), thetaOne)), tf.mul(dk, tf.square(oneMinus))));
  const logSlope = tf.sub(tf.log(numerator), tf.mul(2, tf.log(denominator)));
  const y = tf.add(tf.mul(mask, spline), tf.mul(tf.sub(1, mask), flat));
  return { y: tf.reshape(y, [n, h, w, c]), logdet: tf.sum(tf.mul(mask, logSlope), 1) as tf.Tensor1D };
}

/** The knot tables of one spline layer, read back for the inverse. */
function knotTables(p: SplineParams, bins: number, bound: number): { xs: Float32Array; ys: Float32Array; deltas: Float32Array } {
  return tf.tidy(() => ({
    xs: knots(p.widths, bins, bound).positions.dataSync() as Float32Array,
    ys: knots(p.heights, bins, bound).positions.dataSync() as Float32Array,
    deltas: slopes(p.derivatives).dataSync() as Float32Array,
  }));
}

/** Elementwise inverse (computed in plain JavaScript, float64): the root in [0, 1] of the bin's quadratic. */
export function splineInverse(y: tf.Tensor4D, p: SplineParams, bins: number, bound: number): tf.Tensor4D {
  const [n, h, w, c] = y.shape;
  const d = h * w * c;
  const { xs, ys, deltas } = knotTables(p, bins, bound);
  const values = y.dataSync();
  const x = new Float32Array(values.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = values[i * d + j]!;
      if (v < -bound || v > bound) {
        x[i * d + j] = v;
        continue;
      }
      const base = j * (bins + 1);
      let k = 0;
      while (k < bins - 1 && v >= ys[base + k + 1]!) k++;
      const [xk, yk] = [xs[base + k]!, ys[base + k]!];
      const wk = xs[base + k + 1]! - xk;
      const hk = ys[base + k + 1]! - yk;
      const [dk, dk1] = [deltas[base + k]!, deltas[base + k + 1]!];
      const s = hk / wk;
      const dy = v - yk;
      const a = hk * (s - dk) + dy * (dk1 + dk - 2 * s);
      const b = hk * dk - dy * (dk1 + dk - 2 * s);
      const cc = -s * dy;
      const theta = (2 * cc) / (-b - Math.sqrt(Math.max(0, b * b - 4 * a * cc)));
      x[i * d + j] = theta * wk + xk;
    }
  }
  return tf.tensor4d(x, y.shape);
}
