/**
 * Test-time PBNets with fixed weights (Peters and Welling 2018, section 4): the MAP network (sign theta), the ternary
 * network (0 where |theta| < 0.5) and networks sampled from Binary(theta), each with +-1 activations (x >= 0 -> +1)
 * and batch-norm moments re-estimated on training batches after the weights are fixed. Batch norm is then folded
 * into float32 per-channel (mean, scale, shift) and evaluated as the three ops y = ((a - mean) * scale) + shift, so
 * the integer export can reproduce every rounding. Invariant: with +-1 or 0 weights every pre-activation is an
 * integer far below 2^24, so it is exact in float32 whatever the summation order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InternalError } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { blrnetOffsets, layerParamNames } from './blrnet-params.js';
import { resolveLayers, type BlrnetSpec } from './blrnet-spec.js';
import { channelSum } from './fast-ops.js';
import { BN_EPSILON } from './stochastic-layers.js';

/** How the fixed weights are drawn from theta. */
export type WeightMode = 'map' | 'ternary' | 'sample';

/** Threshold of the ternary network: |theta| below it gives weight 0 (the paper's 0.5). */
export const TERNARY_THRESHOLD = 0.5;

/** Batch norm folded for a fixed network: y = ((a - mean) * scale) + shift, all float32, per channel. */
export interface FoldedNorm {
  readonly mean: Float32Array;
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

/** A network with fixed weights (values in {-1, 0, +1}, theta's layout) and folded batch norm per layer. */
export interface FixedNetwork {
  readonly spec: BlrnetSpec;
  readonly weights: readonly Float32Array[];
  readonly norms: readonly FoldedNorm[];
}

/**
 * Fixed weights for every layer.
 * - `map`: +1 where theta >= 0, else -1 (the most probable binary network);
 * - `ternary`: 0 where |theta| < 0.5, else sign(theta);
 * - `sample`: +1 with probability (1 + theta) / 2, else -1 (needs `random`).
 * @throws InternalError for `sample` without a generator (a caller bug)
 */
export function fixedWeights(spec: BlrnetSpec, params: Float32Array, mode: WeightMode, random?: Random): Float32Array[] {
  const offsets = blrnetOffsets(spec);
  return resolveLayers(spec).map((r) => {
    const { offset, size } = offsets.get(layerParamNames(r.index).theta)!;
    const theta = params.subarray(offset, offset + size);
    const w = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const t = theta[i]!;
      if (mode === 'map') w[i] = t >= 0 ? 1 : -1;
      else if (mode === 'ternary') w[i] = Math.abs(t) < TERNARY_THRESHOLD ? 0 : Math.sign(t);
      else if (random) w[i] = random.nextFloat() < (1 + t) / 2 ? 1 : -1;
      else throw new InternalError('internal error: sampled weights need a random generator');
    }
    return w;
  });
}

function weightTensors(spec: BlrnetSpec, weights: readonly Float32Array[]): tf.Tensor[] {
  return resolveLayers(spec).map((r) => {
    const shape = r.layer.kind === 'conv' ? [r.layer.kernelSize, r.layer.kernelSize, r.inChannels, r.outChannels] : [r.inChannels, r.outChannels];
    return tf.tensor(weights[r.index]!, shape);
  });
}

function linearFixed(spec: BlrnetSpec, index: number, x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  const layer = spec.layers[index]!;
  if (layer.kind === 'conv') return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
  return tf.matMul((x.rank === 2 ? x : tf.reshape(x, [x.shape[0]!, -1])) as tf.Tensor2D, w as tf.Tensor2D);
}

/** +1 where y >= 0, else -1. */
function binarise(y: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.cast(tf.greaterEqual(y, 0), 'float32'), 2), 1);
}

/**
 * Forward pass of a fixed network: logits [N, classes].
 * @param x centred input [N, H, W, C]
 * @param norms folded batch norm per layer; null normalises with each batch's own moments and reports them to
 *   `onMoments` (used by re-estimation)
 */
function forwardFixed(spec: BlrnetSpec, weights: readonly tf.Tensor[], x: tf.Tensor4D, norms: readonly FoldedNorm[] | null,
  gammaBeta: readonly { gamma: Float32Array; beta: Float32Array }[],
  onMoments?: (layer: number, mean: Float32Array, variance: Float32Array) => void): tf.Tensor2D {
  let h: tf.Tensor = x;
  for (const r of resolveLayers(spec)) {
    const a = linearFixed(spec, r.index, h, weights[r.index]!);
    let y: tf.Tensor;
    if (norms) {
      const n = norms[r.index]!;
      y = tf.add(tf.mul(tf.sub(a, tf.tensor1d(n.mean)), tf.tensor1d(n.scale)), tf.tensor1d(n.shift));
    } else {
      // Per-channel sums as matmuls with a row of ones (fast-ops.ts: wasm's reductions over leading axes are slow).
      const count = a.size / r.outChannels;
      const mean = tf.div(channelSum(a), count);
      const centred = tf.sub(a, mean);
      const variance = tf.div(channelSum(tf.square(centred)), Math.max(1, count - 1));
      onMoments?.(r.index, mean.dataSync() as Float32Array, variance.dataSync() as Float32Array);
      const { gamma, beta } = gammaBeta[r.index]!;
      y = tf.add(tf.mul(centred, tf.mul(tf.tensor1d(gamma), tf.rsqrt(tf.add(variance, BN_EPSILON)))), tf.tensor1d(beta));
    }
    if (r.isOutput) return y as tf.Tensor2D;
    if (r.layer.kind === 'conv' && r.layer.pool) y = tf.maxPool(y as tf.Tensor4D, 2, 2, 'valid');
    h = binarise(y);
  }
  throw new InternalError('internal error: a checked spec ends with its output layer');
}

function gammaBetaOf(spec: BlrnetSpec, params: Float32Array): { gamma: Float32Array; beta: Float32Array }[] {
  const offsets = blrnetOffsets(spec);
  return resolveLayers(spec).map((r) => {
    const names = layerParamNames(r.index);
    const g = offsets.get(names.gamma)!;
    const b = offsets.get(names.beta)!;
    return { gamma: params.subarray(g.offset, g.offset + g.size), beta: params.subarray(b.offset, b.offset + b.size) };
  });
}

/**
 * Fixes the weights and re-estimates batch norm: the network is run with per-batch moments over `batches`, each
 * layer's moments are averaged, and batch norm is folded into float32 (mean, scale = gamma / sqrt(v + eps), shift).
 * @param batches centred training inputs (the paper uses about 20 batches)
 */
export function buildFixedNetwork(spec: BlrnetSpec, params: Float32Array, weights: readonly Float32Array[], batches: readonly tf.Tensor4D[]): FixedNetwork {
  const layers = resolveLayers(spec);
  const sums = layers.map((r) => ({ mean: new Float64Array(r.outChannels), variance: new Float64Array(r.outChannels) }));
  const gammaBeta = gammaBetaOf(spec, params);
  tf.tidy(() => {
    const w = weightTensors(spec, weights);
    for (const batch of batches) {
      tf.tidy(() => {
        forwardFixed(spec, w, batch, null, gammaBeta, (layer, mean, variance) => {
          for (let c = 0; c < mean.length; c++) {
            sums[layer]!.mean[c]! += mean[c]!;
            sums[layer]!.variance[c]! += variance[c]!;
          }
        });
      });
    }
  });
  const norms = layers.map((r) => {
    const { gamma, beta } = gammaBeta[r.index]!;
    const mean = Float32Array.from(sums[r.index]!.mean, (s) => s / batches.length);
    const scale = Float32Array.from(sums[r.index]!.variance, (s, c) => gamma[c]! / Math.sqrt(s / batches.length + BN_EPSILON));
    return { mean, scale, shift: Float32Array.from(beta) };
  });
  return { spec, weights, norms };
}

/**
 * Logits [N, classes] of a fixed network (float32, as the tfjs backend computes them).
 * @param x centred input [N, H, W, C]
 */
export function fixedLogits(network: FixedNetwork, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => forwardFixed(network.spec, weightTensors(network.spec, network.weights), x, network.norms, []));
}
