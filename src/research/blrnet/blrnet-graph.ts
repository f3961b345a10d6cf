/**
 * The PBNet forward passes in tfjs. Training (PBNet-S): per layer linear (CLT moments), stochastic batch norm on the
 * batch's moments, stochastic max-pool, binarise by a hard binary-concrete sample; the output layer's Gaussian
 * logits are sampled by reparameterisation and scored with softmax cross-entropy. Propagation (the deterministic
 * test-time variant): running batch-norm moments, argmax-of-mean pooling, and the next layer receives the activation
 * mean 2 Phi(mu / sigma) - 1. Invariant: the input is the centred pixel value p - 128 in every mode (so the integer
 * network, which has no scale, sees exactly what training saw).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InternalError } from '../../core/errors.js';
import { Random } from '../../core/random.js';
import { layerParamNames } from './blrnet-params.js';
import { resolveLayers, type BlrnetSpec } from './blrnet-spec.js';
import { binaryLayerTail } from './binary-layer-tail.js';
import {
  activationProbability, batchNormalise, binaryLinearMoments, logisticNoise, normalNoise, stochasticBatchMoments,
  VARIANCE_FLOOR, type LayerInput,
} from './stochastic-layers.js';
import { stochasticMaxPool, type GaussianMap } from './stochastic-max-pool.js';

/** Pixel value subtracted from every 8-bit input. */
export const PIXEL_CENTRE = 128;

/** The network's tensors by parameter name (variables while training). */
export type BlrnetTensors = ReadonlyMap<string, tf.Tensor>;

/** Batch-norm moments per layer (running averages, or re-estimated ones). */
export type LayerMoments = readonly { readonly mean: Float32Array; readonly variance: Float32Array }[];

/**
 * Centred float input of a batch: images (uint8 HWC, image after image) at `indices`, mirrored where `flips[i]`.
 */
export function inputBatch(images: Uint8Array, height: number, width: number, channels: number, indices: readonly number[],
  flips?: readonly boolean[]): tf.Tensor4D {
  const size = height * width * channels;
  const data = new Float32Array(indices.length * size);
  const row = width * channels;
  indices.forEach((index, i) => {
    const source = images.subarray(index * size, (index + 1) * size);
    const target = data.subarray(i * size, (i + 1) * size);
    if (flips?.[i]) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          for (let c = 0; c < channels; c++) target[y * row + x * channels + c] = source[y * row + (width - 1 - x) * channels + c]! - PIXEL_CENTRE;
        }
      }
    } else {
      for (let k = 0; k < size; k++) target[k] = source[k]! - PIXEL_CENTRE;
    }
  });
  return tf.tensor4d(data, [indices.length, height, width, channels]);
}

/** What a training forward pass returns. */
export interface TrainingForward {
  /** Mean softmax cross-entropy of the sampled logits (nats). */
  readonly loss: tf.Scalar;
  /** Sampled logits [N, classes] (for training accuracy). */
  readonly logits: tf.Tensor2D;
  /** The batch moments each layer's stochastic batch norm used (to update the running moments); the output
   * layer's are tensors still on the tape, so read them with dataSync. */
  readonly moments: { readonly mean: Float32Array; readonly variance: Float32Array }[];
}

/**
 * The PBNet-S training pass (Peters and Welling 2018, section 3, with activation sampling). Hidden layers run the
 * fused tail (binary-layer-tail.ts); the output layer the composed stochastic batch norm and a logit sample.
 * @param x centred input [N, H, W, C] (inputBatch)
 * @param labels class per image, length N
 * @param seed seeds this pass's noise (pool samples, binary-concrete noise, logit samples)
 */
export function trainingForward(spec: BlrnetSpec, tensors: BlrnetTensors, x: tf.Tensor4D, labels: Int32Array, seed: number): TrainingForward {
  const random = new Random(seed);
  const moments: { mean: Float32Array; variance: Float32Array }[] = [];
  let input: LayerInput = { kind: 'real', x };
  let logits: tf.Tensor2D | null = null;
  for (const r of resolveLayers(spec)) {
    const names = layerParamNames(r.index);
    const pre = binaryLinearMoments(r.layer, input, tensors.get(names.theta)!);
    const gamma = tensors.get(names.gamma)!;
    const beta = tensors.get(names.beta)!;
    if (r.isOutput) {
      const batch = stochasticBatchMoments(pre);
      moments.push({ mean: batch.mean.dataSync() as Float32Array, variance: batch.variance.dataSync() as Float32Array });
      const normalised = batchNormalise(pre, batch, gamma, beta);
      const epsilon = tf.tensor(normalNoise(random, normalised.mean.size), normalised.mean.shape);
      logits = tf.add(normalised.mean, tf.mul(tf.sqrt(tf.add(normalised.variance, VARIANCE_FLOOR)), epsilon)) as tf.Tensor2D;
      break;
    }
    const pool = r.layer.kind === 'conv' && r.layer.pool;
    const poolNoise = pool ? normalNoise(random, pre.mean.size) : null;
    const tail = binaryLayerTail(pre.mean, pre.variance, gamma, beta, pool, { pool: poolNoise, logistic: logisticNoise(random, pool ? pre.mean.size / 4 : pre.mean.size) });
    moments.push(tail.moments);
    input = { kind: 'binary', x: tail.activations };
  }
  if (logits === null) throw new InternalError('internal error: a checked spec ends with its output layer');
  const logProbabilities = tf.sub(logits, tf.logSumExp(logits, 1, true));
  const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(tf.tensor1d(labels, 'int32'), spec.classes)), 1);
  return { loss: tf.neg(tf.mean(picked)) as tf.Scalar, logits, moments };
}

/**
 * The deterministic propagation pass with the given batch-norm moments: the mean logits [N, classes].
 * @param x centred input [N, H, W, C]
 */
export function propagateForward(spec: BlrnetSpec, tensors: BlrnetTensors, moments: LayerMoments, x: tf.Tensor4D): tf.Tensor2D {
  let input: LayerInput = { kind: 'real', x };
  for (const r of resolveLayers(spec)) {
    const names = layerParamNames(r.index);
    const pre = binaryLinearMoments(r.layer, input, tensors.get(names.theta)!);
    const stats = moments[r.index]!;
    let normalised: GaussianMap = batchNormalise(pre, { mean: tf.tensor1d(stats.mean), variance: tf.tensor1d(stats.variance) },
      tensors.get(names.gamma)!, tensors.get(names.beta)!);
    if (r.isOutput) return normalised.mean as unknown as tf.Tensor2D;
    if (r.layer.kind === 'conv' && r.layer.pool) normalised = stochasticMaxPool(normalised, null);
    input = { kind: 'mean', x: tf.sub(tf.mul(activationProbability(normalised), 2), 1) };
  }
  throw new InternalError('internal error: a checked spec ends with its output layer');
}

/** Tensors of a flat parameter vector (not variables), by name; dispose them with tf.dispose. */
export function tensorsOf(offsets: ReadonlyMap<string, { offset: number; size: number; shape: readonly number[] }>, flat: Float32Array): Map<string, tf.Tensor> {
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, { offset, size, shape }] of offsets) tensors.set(name, tf.tensor(flat.subarray(offset, offset + size), [...shape]));
  return tensors;
}
