/**
 * The TensorFlow.js layers of the HexaConv networks, on NHWC feature maps whose channel axis holds channel-major
 * (channel, orientation) pairs: group convolution as one ordinary convolution of an expanded filter bank, masked
 * batch normalisation, stride-2 subsampling, the masked spatial mean, and max pooling over orientations with a
 * gradient of its own. Invariant: every layer maps maps that are zero outside the grid's mask to maps that are zero
 * outside it, and commutes with the group's action; only ops whose gradients run on tfjs-wasm are used (stride-1
 * convolutions, matrix products, slices, reshapes, element-wise ops).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FilterExpansion } from './filter-expansion.js';

/** A grid level as tensors: its mask [1, rows, columns, 1] (null when every cell is valid) and its valid cells. */
export interface GridTensors {
  readonly mask: tf.Tensor4D | null;
  readonly validCells: number;
}

/** Multiplies by the grid's mask (nothing to do on a full grid). */
export function applyMask(x: tf.Tensor4D, grid: GridTensors): tf.Tensor4D {
  return grid.mask ? tf.mul(x, grid.mask) : x;
}

/**
 * The expanded filter bank [k, k, inChannels * inOrientations, outChannels * outOrientations] of stored filters
 * `w` [outChannels, inChannels, paramsPerPair], through `matrix` (filter-expansion.ts expansionMatrix as a tensor
 * [paramsPerPair, targets]; null when the table is the identity, see isIdentityExpansion).
 */
export function expandFilters(w: tf.Tensor, expansion: FilterExpansion, matrix: tf.Tensor2D | null): tf.Tensor4D {
  const [outChannels, inChannels] = w.shape as [number, number, number];
  const k = expansion.support.size;
  const { inOrientations: si, outOrientations: so } = expansion;
  if (!matrix) return tf.transpose(tf.reshape(w, [outChannels, inChannels, k, k]), [2, 3, 1, 0]);
  const expanded = tf.matMul(tf.reshape(w, [outChannels * inChannels, expansion.paramsPerPair]), matrix);
  // [out, in, g, h, row, column] -> [row, column, in, h, out, g]
  const arranged = tf.transpose(tf.reshape(expanded, [outChannels, inChannels, so, si, k, k]), [4, 5, 1, 3, 0, 2]);
  return tf.reshape(arranged, [k, k, inChannels * si, outChannels * so]);
}

/**
 * Per-channel sums of a [M, C * S] matrix: rows weighted by `rowWeights` [1, M], then a channel's S orientations
 * added: [C]. A matrix product, because tfjs-wasm reduces a tensor over its outer axes by transposing it first, which
 * made these reductions cost four times the convolutions.
 */
function channelSums(matrix: tf.Tensor2D, rowWeights: tf.Tensor2D, orientations: number): tf.Tensor1D {
  const perColumn = tf.matMul(rowWeights, matrix);
  return (orientations === 1 ? tf.reshape(perColumn, [-1]) : tf.sum(tf.reshape(perColumn, [-1, orientations]), 1)) as tf.Tensor1D;
}

/** [C] -> [1, C * S], each channel's value repeated for its S orientations. */
function perOrientation(values: tf.Tensor, orientations: number): tf.Tensor2D {
  return (orientations === 1 ? tf.reshape(values, [1, -1]) : tf.reshape(tf.tile(tf.reshape(values, [-1, 1]), [1, orientations]), [1, -1])) as tf.Tensor2D;
}

/** The grid's mask repeated for each of `n` images as one row [1, n * cells] (all ones on a full grid). */
function maskRow(grid: GridTensors, n: number, cells: number): tf.Tensor2D {
  return grid.mask ? tf.tile(tf.reshape(grid.mask, [1, cells]), [1, n]) : tf.ones([1, n * cells]);
}

/** x + bias, one bias per channel shared by its orientations; the bias gradient is a matrix product (channelSums). */
function addBias(x: tf.Tensor4D, b: tf.Tensor, orientations: number): tf.Tensor4D {
  const [n, h, w, cs] = x.shape;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, bias] = args as [tf.Tensor, tf.Tensor];
    return {
      value: tf.add(input, perOrientation(bias, orientations)),
      gradFunc: (dy: tf.Tensor) => [dy, channelSums(tf.reshape(dy, [n * h * w, cs]), tf.ones([1, n * h * w]), orientations)],
    };
  });
  return op(x, b) as tf.Tensor4D;
}

/**
 * A group (or planar) convolution with 'same' zero padding: expand the filters, convolve at stride 1, subsample for
 * stride 2, add the bias (one per output channel, shared by its orientations), then apply the output grid's mask.
 */
export function groupConv(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor, expansion: FilterExpansion, matrix: tf.Tensor2D | null, stride: 1 | 2, outGrid: GridTensors): tf.Tensor4D {
  const filters = expandFilters(w, expansion, matrix);
  const pad = (expansion.support.size - 1) / 2;
  let y = tf.conv2d(x, filters, 1, pad);
  if (stride === 2) y = subsample(y);
  return applyMask(addBias(y, b, expansion.outOrientations), outGrid);
}

/** Keeps rows and columns 0, 2, 4, ... (the storage of a stride-2 grid), with 4-D reshapes and slices only. */
export function subsample(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const evenH = h + (h % 2);
  const evenW = w + (w % 2);
  const padded = evenH !== h || evenW !== w ? tf.pad(x, [[0, 0], [0, evenH - h], [0, evenW - w], [0, 0]]) : x;
  const rows = tf.reshape(tf.slice(tf.reshape(padded, [n, evenH / 2, 2, evenW * c]), [0, 0, 0, 0], [n, evenH / 2, 1, evenW * c]), [n * (evenH / 2), evenW / 2, 2, c]);
  return tf.reshape(tf.slice(rows, [0, 0, 0, 0], [n * (evenH / 2), evenW / 2, 1, c]), [n, evenH / 2, evenW / 2, c]);
}

/** Batch moments of one normalisation layer, per channel. */
export interface BatchMoments {
  readonly mean: tf.Tensor1D;
  readonly variance: tf.Tensor1D;
}

/** Added to the variance before the square root. */
const NORM_EPSILON = 1e-5;

/**
 * Batch normalisation with statistics per channel over the batch, the valid cells and the channel's orientations
 * (so a rotated input gets the same statistics). Training mode uses the batch's moments (biased variance) and reports
 * them through `onMoments`; inference mode uses `running`. The output is masked again (the shift would fill the
 * padding). Training mode has its own gradient: the textbook one restricted to valid cells, with every per-channel
 * sum a matrix product (see channelSums).
 * @param orientations orientations per channel
 */
export function maskedBatchNorm(
  x: tf.Tensor4D,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  orientations: number,
  grid: GridTensors,
  running: BatchMoments | null,
  onMoments?: (moments: BatchMoments) => void,
): tf.Tensor4D {
  const [n, h, w, cs] = x.shape;
  const m = n * h * w;
  if (running) {
    const scale = tf.mul(gamma, tf.rsqrt(tf.add(running.variance, NORM_EPSILON)));
    const shift = tf.sub(beta, tf.mul(running.mean, scale));
    const y = tf.add(tf.mul(x, tf.reshape(perOrientation(scale, orientations), [1, 1, 1, cs])), tf.reshape(perOrientation(shift, orientations), [1, 1, 1, cs]));
    return applyMask(y as tf.Tensor4D, grid);
  }
  const count = n * grid.validCells * orientations;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, bt, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const weights = maskRow(grid, n, h * w);
    const column = tf.reshape(weights, [m, 1]);
    const x2 = tf.reshape(input, [m, cs]) as tf.Tensor2D;
    const mean = tf.div(channelSums(x2, weights, orientations), count) as tf.Tensor1D;
    const centred = tf.sub(x2, perOrientation(mean, orientations)) as tf.Tensor2D;
    const variance = tf.div(channelSums(tf.square(centred), weights, orientations), count) as tf.Tensor1D;
    onMoments?.({ mean, variance });
    const inverse = tf.rsqrt(tf.add(variance, NORM_EPSILON));
    const normalised = tf.mul(centred, perOrientation(inverse, orientations));
    const y = tf.mul(tf.add(tf.mul(normalised, perOrientation(g, orientations)), perOrientation(bt, orientations)), column);
    save([normalised, inverse, g, weights]);
    return {
      value: tf.reshape(y, [n, h, w, cs]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, inv, gam, rows] = saved as [tf.Tensor2D, tf.Tensor, tf.Tensor, tf.Tensor2D];
        const valid = tf.reshape(rows, [m, 1]);
        const dy2 = tf.mul(tf.reshape(dy, [m, cs]), valid) as tf.Tensor2D;
        const dBeta = channelSums(dy2, rows, orientations);
        const dGamma = channelSums(tf.mul(dy2, xHat) as tf.Tensor2D, rows, orientations);
        const dxHat = tf.mul(dy2, perOrientation(gam, orientations)) as tf.Tensor2D;
        // The sums of dxHat and dxHat * xHat are gamma times those of dy and dy * xHat.
        const meanD = tf.div(tf.mul(gam, dBeta), count);
        const meanDX = tf.div(tf.mul(gam, dGamma), count);
        const dx = tf.mul(tf.mul(tf.sub(tf.sub(dxHat, perOrientation(meanD, orientations)), tf.mul(xHat, perOrientation(meanDX, orientations))), perOrientation(inv, orientations)), valid);
        return [tf.reshape(dx, [n, h, w, cs]), dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/**
 * Mean over the valid cells: [N, rows, columns, C] -> [N, C] (the padding is zero, so a sum over all cells), as a
 * batched matrix product for the reason given at channelSums.
 */
export function maskedSpatialMean(x: tf.Tensor4D, grid: GridTensors): tf.Tensor2D {
  const [n, h, w, c] = x.shape;
  return tf.div(tf.reshape(tf.matMul(tf.ones([n, 1, h * w]), tf.reshape(x, [n, h * w, c])), [n, c]), grid.validCells);
}

/**
 * Max over the orientations of each channel: [N, C * S] -> [N, C], the group pooling that makes a group network's
 * output invariant (the official code has none). The gradient goes to the maximal orientation, split equally among
 * ties; written here (tf.customGrad) rather than taken from tfjs, whose max-pool gradient is wrong on wasm.
 */
export function orientationMax(x: tf.Tensor2D, orientations: number): tf.Tensor2D {
  if (orientations === 1) return x;
  const [n, cs] = x.shape;
  const split = tf.reshape(x, [n, cs / orientations, orientations]);
  const pool = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const value = tf.max(input, 2);
    save([input, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [kept, max] = saved as [tf.Tensor, tf.Tensor];
        const hits = tf.cast(tf.equal(kept, tf.expandDims(max, 2)), 'float32');
        return tf.mul(tf.div(hits, tf.sum(hits, 2, true)), tf.expandDims(dy, 2));
      },
    };
  });
  return pool(split) as tf.Tensor2D;
}
