/**
 * SNF pre-processing with every Jacobian counted (paper s.5, as in RealNVP): 8-bit pixels k get uniform dequantisation
 * noise, v = k + u in [0, 256); then p = alpha + (1 - 2 alpha) v / 256 and y = logit(p). The flow models y; the
 * log|Jacobian| of v -> y is added so that likelihoods are densities of v, i.e. upper bounds on -log P(k) in nats.
 * Invariant: `logitInverse(logitForward(v))` returns floor(v) for v in [0, 256) (up to float32 rounding within ~1e-4 of
 * an integer).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../core/random.js';

/**
 * Dequantised pixel values k + u, u ~ U[0, 1), for the images at `indices` (HWC each, image after image).
 * @param imageSize bytes per image
 */
export function dequantize(images: Uint8Array, indices: readonly number[], imageSize: number, random: Random): Float32Array {
  const out = new Float32Array(indices.length * imageSize);
  indices.forEach((index, i) => {
    const base = index * imageSize;
    const to = i * imageSize;
    for (let j = 0; j < imageSize; j++) out[to + j] = images[base + j]! + random.nextFloat();
  });
  return out;
}

/**
 * y = logit(alpha + (1 - 2 alpha) v / 256) and the per-image log|dy/dv| summed over dimensions.
 * @param v [N, H, W, C] values in [0, 256)
 */
export function logitForward(v: tf.Tensor4D, alpha: number): { y: tf.Tensor4D; logdet: tf.Tensor1D } {
  return tf.tidy(() => {
    const dimension = v.shape[1] * v.shape[2] * v.shape[3];
    const p = tf.add(alpha, tf.mul((1 - 2 * alpha) / 256, v));
    const logP = tf.log(p);
    const logQ = tf.log(tf.sub(1, p));
    const y = tf.sub(logP, logQ) as tf.Tensor4D;
    // d logit(p) / dp = 1 / (p (1 - p)); dp/dv = (1 - 2 alpha) / 256.
    const perImage = tf.neg(tf.sum(tf.add(logP, logQ), [1, 2, 3]));
    const logdet = tf.add(perImage, dimension * (Math.log(1 - 2 * alpha) - Math.log(256))) as tf.Tensor1D;
    return { y, logdet };
  });
}

/** Back to 8-bit pixels: v = 256 (sigmoid(y) - alpha) / (1 - 2 alpha), floored and clamped to 0..255. */
export function logitInverse(y: ArrayLike<number>, alpha: number): Uint8Array {
  const pixels = new Uint8Array(y.length);
  for (let i = 0; i < y.length; i++) {
    const p = 1 / (1 + Math.exp(-y[i]!));
    const v = (256 * (p - alpha)) / (1 - 2 * alpha);
    pixels[i] = Math.min(255, Math.max(0, Math.floor(v)));
  }
  return pixels;
}
