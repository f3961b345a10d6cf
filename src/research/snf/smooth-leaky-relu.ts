/**
 * The smooth leaky ReLU of the SNF paper's FC model (s.5.1): y = a x + (1 - a) softplus(x), 0 < a < 1, elementwise,
 * with log|dy/dx| = log(a + (1 - a) sigmoid(x)). Invariant: strictly increasing and convex, so Newton's method from
 * x0 = y (>= the root, since softplus(x) >= x) converges monotonically to the inverse.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Forward and per-image log-determinant [N] of an [N, ...] tensor. */
export function smoothLeakyReluForward(x: tf.Tensor4D, alpha: number): { y: tf.Tensor4D; logdet: tf.Tensor1D } {
  const y = tf.add(tf.mul(alpha, x), tf.mul(1 - alpha, tf.softplus(x))) as tf.Tensor4D;
  const logdet = tf.sum(tf.log(tf.add(alpha, tf.mul(1 - alpha, tf.sigmoid(x)))), [1, 2, 3]) as tf.Tensor1D;
  return { y, logdet };
}

function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The x with a x + (1 - a) softplus(x) = y, in float64 (Newton's method, at most 100 steps). */
export function smoothLeakyReluInverseValue(y: number, alpha: number): number {
  let x = y;
  for (let i = 0; i < 100; i++) {
    const f = alpha * x + (1 - alpha) * softplus(x) - y;
    const slope = alpha + (1 - alpha) / (1 + Math.exp(-x));
    const step = f / slope;
    x -= step;
    if (Math.abs(step) <= 1e-12 * (1 + Math.abs(x))) break;
  }
  return x;
}

/** Elementwise inverse of an [N, H, W, C] tensor (computed in plain JavaScript). */
export function smoothLeakyReluInverse(y: tf.Tensor4D, alpha: number): tf.Tensor4D {
  const values = y.dataSync();
  const x = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) x[i] = smoothLeakyReluInverseValue(values[i]!, alpha);
  return tf.tensor4d(x, y.shape);
}
