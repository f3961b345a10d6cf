/**
 * Stochastic 2x2 max-pooling of a Gaussian map (PBNet, Peters and Welling 2018, section 3.2): draw a sample
 * s = mu + sigma * n per position, find the argmax of each 2x2 window, and pass on that position's (mu, sigma^2).
 * The selection runs in plain JS and the gradient is written here, not taken from tfjs (whose wasm max-pool gradient
 * loses gradient mass, RESEARCH.md s.6): each output's gradient goes to exactly the position it selected.
 * Invariant: ties go to the first position in raster order ((0,0), (0,1), (1,0), (1,1)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { invariant } from '../../core/errors.js';

/**
 * A map of independent Gaussians, NHWC. The variance may have batch size 1 and then holds for every image (the
 * pre-activation variance of a layer with +-1 inputs does not depend on the input).
 */
export interface GaussianMap {
  readonly mean: tf.Tensor4D;
  readonly variance: tf.Tensor4D;
}

/**
 * For each 2x2 window and channel, the flat NHWC index of the position with the largest score
 * mean + sqrt(variance) * noise (first in raster order on ties).
 * @param shape [N, H, W, C] of mean and noise; H and W even
 * @param variance N*H*W*C values, or H*W*C shared by every image
 * @param noise N*H*W*C standard normal draws, or null for the argmax of the mean
 * @returns N*(H/2)*(W/2)*C indices, NHWC order of the pooled map
 */
export function windowArgmax(shape: readonly [number, number, number, number], mean: ArrayLike<number>,
  variance: ArrayLike<number>, noise: ArrayLike<number> | null): Int32Array {
  const [n, h, w, c] = shape;
  const imageSize = h * w * c;
  const shared = variance.length === imageSize && n > 1;
  const [ho, wo] = [h / 2, w / 2];
  const source = new Int32Array(n * ho * wo * c);
  const row = w * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < ho; y++) {
      for (let x = 0; x < wo; x++) {
        const corner = b * imageSize + 2 * y * row + 2 * x * c;
        for (let k = 0; k < c; k++, o++) {
          let best = -1;
          let bestScore = 0;
          for (let q = 0; q < 4; q++) {
            const i = corner + (q >> 1) * row + (q & 1) * c + k;
            const s = noise === null ? mean[i]! : mean[i]! + Math.sqrt(variance[shared ? i % imageSize : i]!) * noise[i]!;
            if (best < 0 || s > bestScore) [best, bestScore] = [i, s];
          }
          source[o] = best;
        }
      }
    }
  }
  return source;
}

/**
 * Gathers x at `source` (indices into a map of `batch` images; x may hold one image shared by all) into a tensor of
 * `outShape`. Gradient: each output's gradient is added to the position it came from.
 */
function gatherAt(x: tf.Tensor4D, source: Int32Array, outShape: [number, number, number, number]): tf.Tensor4D {
  const op = tf.customGrad(((input: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([input]);
    const values = input.dataSync();
    const size = values.length;
    const out = new Float32Array(source.length);
    for (let o = 0; o < source.length; o++) out[o] = values[source[o]! % size]!;
    return {
      value: tf.tensor4d(out, outShape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = dy.dataSync();
        const grad = new Float32Array(saved[0]!.size);
        for (let o = 0; o < source.length; o++) grad[source[o]! % size]! += g[o]!;
        return [tf.tensor(grad, saved[0]!.shape)];
      },
    };
  }) as never) as (input: tf.Tensor4D) => tf.Tensor4D;
  return op(x);
}

/**
 * Stochastic 2x2 stride-2 max-pool of a Gaussian map.
 * @param input mean [N, H, W, C] with H and W even, variance >= 0 of the same shape or [1, H, W, C]
 * @param noise N*H*W*C standard normal draws, or null for the deterministic variant (argmax of the mean)
 * @returns the selected positions' mean and variance, both [N, H/2, W/2, C]
 */
export function stochasticMaxPool(input: GaussianMap, noise: Float32Array | null): GaussianMap {
  const [n, h, w, c] = input.mean.shape;
  invariant(h % 2 === 0 && w % 2 === 0, 'stochasticMaxPool needs even map sizes');
  invariant(noise === null || noise.length === input.mean.size, 'stochasticMaxPool: noise must match the map');
  const source = windowArgmax(input.mean.shape, input.mean.dataSync(), input.variance.dataSync(), noise);
  const outShape: [number, number, number, number] = [n, h / 2, w / 2, c];
  return { mean: gatherAt(input.mean, source, outShape), variance: gatherAt(input.variance, source, outShape) };
}
