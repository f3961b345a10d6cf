/**
 * The layers of a probabilistic binary network in tfjs (Peters and Welling 2018, section 3): binary weights
 * a ~ Binary(theta) with E[a] = theta and Var[a] = 1 - theta^2 turn a layer's pre-activation into a Gaussian by the
 * central limit theorem; stochastic batch norm normalises that Gaussian; P(+1) = Phi(mu / sigma) gives the
 * activations. Training fuses the hidden layers' tail into binary-layer-tail.ts; these composable pieces serve the
 * output layer, the propagation pass and the tests. Invariant: variances stay >= 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../core/random.js';
import type { BlrnetLayer } from './blrnet-spec.js';
import { channelSum, denseMatMul } from './fast-ops.js';
import type { GaussianMap } from './stochastic-max-pool.js';

/** Batch-norm epsilon added to the variance. */
export const BN_EPSILON = 1e-4;
/** Floor on a variance before it divides (all-saturated weights with binary inputs give 0). */
export const VARIANCE_FLOOR = 1e-6;
/** |mu / sigma| is clipped here before Phi (Phi(5) = 1 - 3e-7: the activation is certain). */
export const RATIO_CLIP = 5;
/** 2 sqrt(2 / pi): Phi(x) ~ sigmoid(PHI_SLOPE (x + PHI_CUBIC x^3)) (the tanh form of Page 1977). */
export const PHI_SLOPE = 2 * Math.sqrt(2 / Math.PI);
export const PHI_CUBIC = 0.044715;

/**
 * A layer's input:
 * - `real`: deterministic values x (the image): variance = f(1 - theta^2, x^2);
 * - `binary`: +-1 values (sampled or fixed activations): x^2 = 1 wherever the map is, so the variance
 *   f(1 - theta^2, 1) is the same for every image and is computed once, with batch size 1;
 * - `mean`: random +-1 values given by their mean m (propagation): variance = f(1, 1) - f(theta^2, m^2).
 */
export interface LayerInput {
  readonly kind: 'real' | 'binary' | 'mean';
  readonly x: tf.Tensor;
}

/** The linear map of a layer with weights `w` (conv: 'same', stride 1; dense: over the HWC-flattened input). */
export function linear(layer: BlrnetLayer, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (layer.kind === 'conv') return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
  const flat = x.rank === 2 ? x : tf.reshape(x, [x.shape[0]!, -1]);
  return denseMatMul(flat as tf.Tensor2D, w as tf.Tensor2D);
}

/** A map of ones shaped like one image of x (batch size 1). */
function onesImage(x: tf.Tensor): tf.Tensor {
  return tf.ones([1, ...x.shape.slice(1)]);
}

/** Mean and variance of a binary-weight layer's pre-activation (central limit theorem, see LayerInput). */
export function binaryLinearMoments(layer: BlrnetLayer, input: LayerInput, theta: tf.Tensor): GaussianMap {
  const mean = linear(layer, input.x, theta);
  const thetaSquared = tf.square(theta);
  let variance: tf.Tensor;
  if (input.kind === 'real') {
    variance = linear(layer, tf.square(input.x), tf.sub(1, thetaSquared));
  } else if (input.kind === 'binary') {
    variance = linear(layer, onesImage(input.x), tf.sub(1, thetaSquared));
  } else {
    const count = linear(layer, onesImage(input.x), tf.onesLike(theta));
    variance = tf.relu(tf.sub(count, linear(layer, tf.square(input.x), thetaSquared)));
  }
  return { mean: mean as tf.Tensor4D, variance: variance as tf.Tensor4D };
}

/** Moments over the batch (and positions) of a Gaussian map, per channel. */
export interface BatchMoments {
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

/**
 * Stochastic batch-norm statistics: m = mean of mu; v = (sum sigma^2 + sum (mu - m)^2) / (M - 1) over the M values
 * of each channel (batch and positions): the variance of the batch's mixture of Gaussians.
 */
export function stochasticBatchMoments(input: GaussianMap): BatchMoments {
  const channels = input.mean.shape[input.mean.rank - 1]!;
  const count = input.mean.size / channels;
  const mean = tf.div(channelSum(input.mean), count) as tf.Tensor1D;
  const spread = channelSum(tf.square(tf.sub(input.mean, mean)));
  // A variance shared by the batch (batch size 1) counts once per image.
  const varianceSum = tf.mul(channelSum(input.variance), input.mean.shape[0]! / input.variance.shape[0]!);
  const variance = tf.div(tf.add(varianceSum, spread), Math.max(1, count - 1)) as tf.Tensor1D;
  return { mean, variance };
}

/** Normalises a Gaussian map: mu' = gamma (mu - m) / sqrt(v + eps) + beta, var' = var (gamma / sqrt(v + eps))^2. */
export function batchNormalise(input: GaussianMap, moments: BatchMoments, gamma: tf.Tensor, beta: tf.Tensor): GaussianMap {
  const scale = tf.mul(gamma, tf.rsqrt(tf.add(moments.variance, BN_EPSILON)));
  return {
    mean: tf.add(tf.mul(tf.sub(input.mean, moments.mean), scale), beta) as tf.Tensor4D,
    variance: tf.mul(input.variance, tf.square(scale)) as tf.Tensor4D,
  };
}

/**
 * logit(Phi(x)) in the tanh approximation Phi(x) ~ 1/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (Page 1977; within
 * 2e-4 of Phi everywhere). It needs no transcendental function, which matters on wasm (erf and tanh are ~8x slower
 * than a multiply there).
 */
export function normalCdfLogit(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), PHI_CUBIC)), PHI_SLOPE);
}

/** mu / sigma of a Gaussian map, clipped to +-5. */
function standardisedMean(input: GaussianMap): tf.Tensor {
  const ratio = tf.div(input.mean, tf.sqrt(tf.add(input.variance, VARIANCE_FLOOR)));
  return tf.clipByValue(ratio, -RATIO_CLIP, RATIO_CLIP);
}

/** P(activation = +1) = Phi(mu / sigma) (tanh approximation, see normalCdfLogit). */
export function activationProbability(input: GaussianMap): tf.Tensor {
  return tf.sigmoid(normalCdfLogit(standardisedMean(input)));
}

/** `count` standard normal draws (Box-Muller, both outputs used). */
export function normalNoise(random: Random, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random.nextFloat()));
    const angle = 2 * Math.PI * random.nextFloat();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** `count` standard logistic draws log(u / (1 - u)), u uniform in (0, 1). */
export function logisticNoise(random: Random, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = (random.nextUint32() + 0.5) / 4294967296;
    out[i] = Math.log(u / (1 - u));
  }
  return out;
}
