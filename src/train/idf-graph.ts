/**
 * The IDF forward pass in TensorFlow.js: centred pixels -> latents, with the log-likelihood of every latent under its
 * prior. Coupling translations are rounded with a straight-through gradient (IDF section 3.2: forward round,
 * backward identity). The order of every step is the contract the integer engine reproduces.
 */
import * as tf from '@tensorflow/tfjs-core';
import { idfLayout, type IdfSpec } from '../arch/idf-spec.js';
import { PRIOR_PARTS, TOP_LOG_SCALE_MULTIPLIER, TOP_MU_MULTIPLIER } from '../arch/idf-params.js';
import { applyNet, type ActivationObserver, type ParamTensors } from './nets.js';
import { logisticMixtureLogProb } from './discretized-logistic.js';

/** round(x) forward, identity gradient backward. */
export const roundStraightThrough = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.round(x),
  gradFunc: (dy: tf.Tensor) => [dy],
})) as never) as (x: tf.Tensor) => tf.Tensor;

/** Space-to-depth 2x2 (NHWC), channel order (dy, dx, c), equal to TF's space_to_depth. */
export function squeeze(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const split = tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]);
  return tf.reshape(tf.transpose(split, [0, 1, 3, 2, 4, 5]), [n, h / 2, w / 2, 4 * c]);
}

/** Reorders channels: out[..., i] = x[..., permutation[i]] (as a matmul with a 0/1 matrix: exact, differentiable). */
export function permuteChannels(x: tf.Tensor4D, permutation: readonly number[]): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const matrix = new Float32Array(c * c);
  permutation.forEach((source, target) => {
    matrix[source * c + target] = 1;
  });
  const flat = tf.matMul(tf.reshape(x, [n * h * w, c]), tf.tensor2d(matrix, [c, c]));
  return tf.reshape(flat, [n, h, w, c]);
}

/** One integer discrete coupling: the last `translated` channels get round(t(first channels)) added. */
function coupling(spec: IdfSpec, params: ParamTensors, prefix: string, x: tf.Tensor4D, translated: number, observe?: ActivationObserver): tf.Tensor4D {
  const channels = x.shape[3];
  const context = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, channels - translated]);
  const target = tf.slice(x, [0, 0, 0, channels - translated], [-1, -1, -1, translated]);
  const translation = applyNet(params, prefix, spec.coupling, tf.mul(context, 2 ** -spec.inputShift), observe);
  return tf.concat([context, tf.add(target, roundStraightThrough(translation))], 3);
}

/** Splits a prior block [N, H, W, 3*K*C] into mu, log-scale, logits, each [N, H, W, K, C]. */
function priorParts(block: tf.Tensor4D, components: number, channels: number): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const [n, h, w] = block.shape;
  const part = (p: number) => tf.reshape(tf.slice(block, [0, 0, 0, p * components * channels], [-1, -1, -1, components * channels]), [n, h, w, components, channels]);
  return [part(PRIOR_PARTS.mu), part(PRIOR_PARTS.logScale), part(PRIOR_PARTS.logit)];
}

/** Sum over all but the batch axis. */
function perImage(x: tf.Tensor): tf.Tensor1D {
  return tf.sum(tf.reshape(x, [x.shape[0]!, -1]), 1) as tf.Tensor1D;
}

/**
 * Log-likelihood (nats) of each image, one term per prior: the split priors level by level, then the top prior.
 * @param pixels [N, H, W, C] float tensor of integer pixel values centred on 0 (pixel - 2^(bitDepth-1))
 * @returns per-image tensors [N], in coding order reversed (split of level 0 first, top prior last)
 */
export function idfLogLikelihoodTerms(spec: IdfSpec, params: ParamTensors, pixels: tf.Tensor4D, observe?: ActivationObserver): tf.Tensor1D[] {
  const layouts = idfLayout(spec, pixels.shape[1], pixels.shape[2]);
  let x = squeeze(pixels);
  const terms: tf.Tensor1D[] = [];
  layouts.forEach((layout, level) => {
    for (let k = 0; k < spec.couplingsPerLevel; k++) {
      x = permuteChannels(x, spec.permutations[level * spec.couplingsPerLevel + k]!);
      x = coupling(spec, params, `level${level}.coupling${k}`, x, layout.translated, observe);
    }
    if (layout.factored > 0) {
      const keptChannels = layout.channels - layout.factored;
      const kept = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, keptChannels]);
      const factored = tf.slice(x, [0, 0, 0, keptChannels], [-1, -1, -1, layout.factored]);
      const block = applyNet(params, `level${level}.split`, spec.splitPrior.net, tf.mul(kept, 2 ** -spec.inputShift), observe);
      const [mu, logScale, logits] = priorParts(block, spec.splitPrior.components, layout.factored);
      terms.push(perImage(logisticMixtureLogProb(tf.expandDims(factored, 3), mu, logScale, logits)));
      x = squeeze(kept);
    }
  });
  observe?.('top', x);
  const top = tf.expandDims(x, 3);
  const topMu = tf.mul(params.get('top.mu')!, TOP_MU_MULTIPLIER);
  const topLogScale = tf.mul(params.get('top.logScale')!, TOP_LOG_SCALE_MULTIPLIER);
  terms.push(perImage(logisticMixtureLogProb(top, topMu, topLogScale, params.get('top.logits')!)));
  return terms;
}

/**
 * Log-likelihood (nats) of each image under the flow and its priors (the sum of idfLogLikelihoodTerms).
 * @param pixels [N, H, W, C] float tensor of integer pixel values centred on 0
 */
export function idfLogLikelihood(spec: IdfSpec, params: ParamTensors, pixels: tf.Tensor4D): tf.Tensor1D {
  return tf.addN(idfLogLikelihoodTerms(spec, params, pixels));
}

/** Mean bits per dimension of a batch, from per-image log-likelihoods (nats). */
export function bitsPerDim(logLikelihood: tf.Tensor1D, dimsPerImage: number): tf.Scalar {
  return tf.div(tf.neg(tf.mean(logLikelihood)), dimsPerImage * Math.LN2);
}
