/**
 * Differentiable tfjs ops whose stock gradients are slow on the wasm backend, rewritten with the fast kernels only:
 * wasm's MatMul with a transpose flag runs about 10x slower than an explicit transpose followed by a plain MatMul,
 * and its reductions over leading axes about 100x slower than a MatMul with a row of ones (measured in this
 * project; docs/blrnet.md). Invariant: values equal the stock ops' up to float summation order; gradients are the
 * exact derivatives.
 */
import * as tf from '@tensorflow/tfjs-core';

/** x [N, K] times w [K, M] with gradients dx = dy w^T and dw = x^T dy, transposes made explicit. */
export const denseMatMul = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)];
    },
  };
}) as never) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** Per-channel sum over every leading axis of x (channels last): a [C] tensor. */
export const channelSum = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  const channels = x.shape[x.rank - 1]!;
  const rows = x.size / channels;
  return {
    value: tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(x, [rows, channels])), [channels]),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(tf.onesLike(saved[0]!), dy)],
  };
}) as never) as (x: tf.Tensor) => tf.Tensor1D;
