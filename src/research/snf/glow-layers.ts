/**
 * The Glow parts of the paper's Glow-like model (Kingma and Dhariwal 2018, as in the SNF code): squeeze, actnorm,
 * affine coupling (3x3 conv - ReLU - 1x1 conv - ReLU - zero-initialised 3x3 conv scaled by exp(3 logs); log-scale
 * 2 tanh(h / 2)) and the split prior (a coupling, then half the channels leave under N(0, I)). Every forward returns
 * its log|det| per image; every inverse undoes its forward exactly (up to float rounding).
 */
import * as tf from '@tensorflow/tfjs-core';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** Space to depth 2x2: [N, H, W, C] -> [N, H/2, W/2, 4C]. */
export function squeeze(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  return tf.reshape(tf.transpose(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [0, 1, 3, 2, 4, 5]), [n, h / 2, w / 2, 4 * c]);
}

/** Depth to space 2x2, the inverse of squeeze. */
export function unsqueeze(z: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c4] = z.shape;
  const c = c4 / 4;
  return tf.reshape(tf.transpose(tf.reshape(z, [n, h, w, 2, 2, c]), [0, 1, 3, 2, 4, 5]), [n, 2 * h, 2 * w, c]);
}

/** Per-image log-density of N(0, I) over all dimensions after the batch axis. */
export function standardNormalLogDensity(z: tf.Tensor): tf.Tensor1D {
  const axes = z.shape.slice(1).map((_, i) => i + 1);
  const dimension = z.shape.slice(1).reduce((a, b) => a * b, 1);
  return tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), axes)), dimension * HALF_LOG_TWO_PI) as tf.Tensor1D;
}

/** Actnorm parameters. */
export interface ActnormParams {
  readonly shift: tf.Tensor;
  readonly logScale: tf.Tensor;
}

/** y = (x - shift) exp(-logScale) per channel; log|det| = -H W sum(logScale) (a scalar: the same for every image). */
export function actnormForward(x: tf.Tensor4D, p: ActnormParams): { y: tf.Tensor4D; logdet: tf.Scalar } {
  const [, h, w] = x.shape;
  return { y: tf.mul(tf.sub(x, p.shift), tf.exp(tf.neg(p.logScale))) as tf.Tensor4D, logdet: tf.mul(-h * w, tf.sum(p.logScale)) as tf.Scalar };
}

/** x = y exp(logScale) + shift. */
export function actnormInverse(y: tf.Tensor4D, p: ActnormParams): tf.Tensor4D {
  return tf.add(tf.mul(y, tf.exp(p.logScale)), p.shift) as tf.Tensor4D;
}

/** Coupling network parameters (see snf-params.ts for shapes). */
export interface CouplingParams {
  readonly w1: tf.Tensor;
  readonly b1: tf.Tensor;
  readonly w2: tf.Tensor;
  readonly b2: tf.Tensor;
  readonly w3: tf.Tensor;
  readonly b3: tf.Tensor;
  readonly logs3: tf.Tensor;
}

function couplingScaleShift(x1: tf.Tensor4D, p: CouplingParams): { logS: tf.Tensor4D; t: tf.Tensor4D } {
  const h1 = tf.relu(tf.add(tf.conv2d(x1, p.w1 as tf.Tensor4D, 1, 'same'), p.b1)) as tf.Tensor4D;
  const h2 = tf.relu(tf.add(tf.conv2d(h1, p.w2 as tf.Tensor4D, 1, 'same'), p.b2)) as tf.Tensor4D;
  const h = tf.mul(tf.add(tf.conv2d(h2, p.w3 as tf.Tensor4D, 1, 'same'), p.b3), tf.exp(tf.mul(3, p.logs3))) as tf.Tensor4D;
  const half = h.shape[3] / 2;
  const [raw, t] = tf.split(h, [half, half], 3) as [tf.Tensor4D, tf.Tensor4D];
  return { logS: tf.mul(2, tf.tanh(tf.div(raw, 2))) as tf.Tensor4D, t };
}

function halves(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const c = x.shape[3];
  const half = Math.floor(c / 2);
  return tf.split(x, [half, c - half], 3) as [tf.Tensor4D, tf.Tensor4D];
}

/** Affine coupling: z2 = x2 exp(s(x1)) + t(x1), z1 = x1; log|det| per image = sum s. */
export function couplingForward(x: tf.Tensor4D, p: CouplingParams): { y: tf.Tensor4D; logdet: tf.Tensor1D } {
  const [x1, x2] = halves(x);
  const { logS, t } = couplingScaleShift(x1, p);
  const z2 = tf.add(tf.mul(x2, tf.exp(logS)), t);
  return { y: tf.concat([x1, z2], 3) as tf.Tensor4D, logdet: tf.sum(logS, [1, 2, 3]) as tf.Tensor1D };
}

/** x2 = (z2 - t(z1)) exp(-s(z1)). */
export function couplingInverse(y: tf.Tensor4D, p: CouplingParams): tf.Tensor4D {
  const [y1, y2] = halves(y);
  const { logS, t } = couplingScaleShift(y1, p);
  return tf.concat([y1, tf.mul(tf.sub(y2, t), tf.exp(tf.neg(logS)))], 3) as tf.Tensor4D;
}

/** Split prior: coupling, keep the first floor(C/2) channels; the rest is scored under N(0, I). */
export function splitPriorForward(x: tf.Tensor4D, p: CouplingParams): { y: tf.Tensor4D; logLikelihood: tf.Tensor1D } {
  const { y, logdet } = couplingForward(x, p);
  const [kept, gone] = halves(y);
  return { y: kept, logLikelihood: tf.add(logdet, standardNormalLogDensity(gone)) as tf.Tensor1D };
}

/** Inverse of the split prior given the factored-out half (drawn from N(0, T^2 I) when sampling). */
export function splitPriorInverse(kept: tf.Tensor4D, gone: tf.Tensor4D, p: CouplingParams): tf.Tensor4D {
  return couplingInverse(tf.concat([kept, gone], 3) as tf.Tensor4D, p);
}
