/**
 * A Self Normalizing Flow built from its spec over one flat parameter vector: the training loss with its gradient,
 * exact log-likelihoods for evaluation, actnorm's data-dependent start, and the inverse (through R or exactly) for
 * sampling. Loss, per image, in nats per dimension (D = H W C):
 *   [ -log N(z) - sum(log|det| of all layers) - log|det| of the pre-processing + 2 lambda sum_l ||R_l W_l x_l - x_l||^2 ] / D
 * where a self-normalizing layer's log|det| is the stand-in (value 0, gradient R^T). The factor 2 on lambda: the paper
 * optimises 1/2 log p_f + 1/2 log p_g - lambda E, and its code halves the likelihood gradients of W and R; this loss is
 * twice that objective (Adam-type optimisers do not see the factor), so W's gradient equals the exact one when R = W^-1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invariant } from '../../core/errors.js';
import type { Random } from '../../core/random.js';
import { actnormForward, actnormInverse, couplingForward, couplingInverse, splitPriorForward, splitPriorInverse, squeeze, standardNormalLogDensity, unsqueeze, type CouplingParams } from './glow-layers.js';
import { convForward, denseForward, exactLinearLogdet, linearInverse, type InverseKind, type LinearParams, type LogdetMode } from './linear-layers.js';
import { logitForward, logitInverse } from './preprocess.js';
import { smoothLeakyReluForward, smoothLeakyReluInverse } from './smooth-leaky-relu.js';
import { splineForward, splineInverse, type SplineParams } from './spline-activation.js';
import { imageDimension, layerShapes, type ImageShape, type SnfSpec } from './snf-spec.js';
import { paramLayout, snfParams, type ParamSlot, type SnfParam } from './snf-params.js';

/** Parameter tensors by name. */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

/** What one training step measured. */
export interface StepResult {
  /** The loss that was differentiated (nats per dimension; excludes self-normalizing layers' log|det|). */
  readonly loss: number;
  /** Batch mean of -log p per image in nats, without the self-normalizing layers' log|det| (unknown in training). */
  readonly partialNll: number;
  /** Batch mean of sum over layers of ||R W x - x||^2 per image (0 for exact-gradient models). */
  readonly reconstruction: number;
}

interface LayerOutput {
  y: tf.Tensor4D;
  /** Per-image [N] or shared scalar log-likelihood terms (activations, actnorm, couplings, split priors). */
  logLikelihood: tf.Tensor | null;
  /** Linear layers' log|det| (stand-in or exact). */
  linearLogdet: tf.Scalar | null;
  /** A self-normalizing layer's mean ||R W x - x||^2 (kept out of tidy: see LinearOutput). */
  reconstruction: tf.Scalar | null;
}

/** The flow of one spec. Stateless apart from its layout: parameters are passed in. */
export class SnfFlow {
  readonly params: readonly SnfParam[];
  readonly slots: ReadonlyMap<string, ParamSlot>;
  readonly size: number;
  readonly shapes: readonly ImageShape[];
  readonly dimension: number;

  constructor(readonly spec: SnfSpec) {
    this.params = snfParams(spec);
    const { slots, total } = paramLayout(this.params);
    this.slots = slots;
    this.size = total;
    this.shapes = layerShapes(spec);
    this.dimension = imageDimension(spec.image);
  }

  /** Tensors viewing `flat` (copies into the backend); dispose them, or create them inside tf.tidy. */
  tensors(flat: Float32Array, names: readonly string[] = this.params.map((p) => p.name)): Map<string, tf.Tensor> {
    invariant(flat.length === this.size, `parameter vector has ${flat.length} values, the model ${this.size}`);
    const map = new Map<string, tf.Tensor>();
    for (const name of names) {
      const slot = this.slots.get(name)!;
      map.set(name, tf.tensor(flat.subarray(slot.offset, slot.offset + slot.size), slot.shape as number[]));
    }
    return map;
  }

  private linear(t: ParamTensors, i: number): LinearParams {
    const r = t.get(`L${i}.r`);
    return r ? { w: t.get(`L${i}.w`)!, r, b: t.get(`L${i}.b`)! } : { w: t.get(`L${i}.w`)!, b: t.get(`L${i}.b`)! };
  }

  private coupling(t: ParamTensors, i: number): CouplingParams {
    const get = (field: string) => t.get(`L${i}.${field}`)!;
    return { w1: get('conv1.w'), b1: get('conv1.b'), w2: get('conv2.w'), b2: get('conv2.b'), w3: get('conv3.w'), b3: get('conv3.b'), logs3: get('conv3.logs') };
  }

  private spline(t: ParamTensors, i: number): SplineParams {
    return { widths: t.get(`L${i}.widths`)!, heights: t.get(`L${i}.heights`)!, derivatives: t.get(`L${i}.derivatives`)! };
  }

  /** Runs layer i forward. */
  private layerForward(i: number, x: tf.Tensor4D, t: ParamTensors, mode: LogdetMode): LayerOutput {
    const layer = this.spec.layers[i]!;
    const what = `layer ${i} (${layer.kind})`;
    switch (layer.kind) {
      case 'dense':
      case 'conv': {
        // The loss holds lambda' ||R W x - x||^2 / D with lambda' = 2 lambda (see the file comment).
        const term = { weight: (2 * this.spec.reconstructionWeight) / this.dimension, trainsForward: this.spec.reconstructionGradient === 'both' };
        const out = layer.kind === 'dense' ? denseForward(x, this.linear(t, i), mode, term, what) : convForward(x, this.linear(t, i), mode, term, what);
        return { y: out.z, logLikelihood: null, linearLogdet: out.logdet, reconstruction: out.reconstruction };
      }
      case 'smooth-leaky-relu': {
        const out = smoothLeakyReluForward(x, layer.alpha);
        return { y: out.y, logLikelihood: out.logdet, linearLogdet: null, reconstruction: null };
      }
      case 'spline': {
        const out = splineForward(x, this.spline(t, i), layer.bins, layer.tailBound);
        return { y: out.y, logLikelihood: out.logdet, linearLogdet: null, reconstruction: null };
      }
      case 'squeeze':
        return { y: squeeze(x), logLikelihood: null, linearLogdet: null, reconstruction: null };
      case 'actnorm': {
        const out = actnormForward(x, { shift: t.get(`L${i}.shift`)!, logScale: t.get(`L${i}.logScale`)! });
        return { y: out.y, logLikelihood: out.logdet, linearLogdet: null, reconstruction: null };
      }
      case 'coupling': {
        const out = couplingForward(x, this.coupling(t, i));
        return { y: out.y, logLikelihood: out.logdet, linearLogdet: null, reconstruction: null };
      }
      case 'split-prior': {
        const out = splitPriorForward(x, this.coupling(t, i));
        return { y: out.y, logLikelihood: out.logLikelihood, linearLogdet: null, reconstruction: null };
      }
    }
  }

  /**
   * Pre-processed images y through the flow: the final latents z, the per-image log-likelihood [N] (log N(z) and every
   * log|det| but the linear layers') and the linear layers' log|det| sum (scalar; 0 in mode `none`).
   * @param reconstructions receives each self-normalizing layer's mean ||R W x - x||^2; the caller disposes them.
   *   Their gradient is already inside the layers' custom gradients: they are values to report, not to differentiate.
   */
  forward(y: tf.Tensor4D, t: ParamTensors, mode: LogdetMode, reconstructions: tf.Scalar[] = []): { z: tf.Tensor4D; logLikelihood: tf.Tensor1D; linearLogdet: tf.Scalar } {
    let x = y;
    let logLikelihood: tf.Tensor = tf.zeros([y.shape[0]]);
    let linearLogdet: tf.Tensor = tf.scalar(0);
    for (let i = 0; i < this.spec.layers.length; i++) {
      const out = this.layerForward(i, x, t, mode);
      x = out.y;
      if (out.logLikelihood) logLikelihood = tf.add(logLikelihood, out.logLikelihood);
      if (out.linearLogdet) linearLogdet = tf.add(linearLogdet, out.linearLogdet);
      if (out.reconstruction) reconstructions.push(out.reconstruction);
    }
    logLikelihood = tf.add(logLikelihood, standardNormalLogDensity(x));
    return { z: x, logLikelihood: logLikelihood as tf.Tensor1D, linearLogdet: linearLogdet as tf.Scalar };
  }

  /** How this model's linear layers enter the training loss. */
  get trainingMode(): LogdetMode {
    return this.spec.gradient === 'self-normalizing' ? 'self-normalizing' : 'exact';
  }

  /**
   * One loss evaluation and its gradient with respect to every parameter, written into `grad`.
   * @param values dequantised pixels of `count` images (HWC each), in [0, 256)
   */
  lossAndGradient(flat: Float32Array, values: Float32Array, count: number, grad: Float32Array): StepResult {
    invariant(grad.length === this.size, 'gradient buffer does not match the model');
    const { height, width, channels } = this.spec.image;
    return tf.tidy(() => {
      const names = this.params.map((p) => p.name);
      const tensors = this.tensors(flat, names);
      const pre = logitForward(tf.tensor4d(values, [count, height, width, channels]), this.spec.logitAlpha);
      const reconstructions: tf.Scalar[] = [];
      const f = (...inputs: tf.Tensor[]) => {
        const t = new Map(names.map((name, k) => [name, inputs[k]!]));
        const out = this.forward(pre.y, t, this.trainingMode, reconstructions);
        const nll = tf.neg(tf.add(tf.mean(tf.add(out.logLikelihood, pre.logdet)), out.linearLogdet));
        return tf.div(nll, this.dimension) as tf.Scalar;
      };
      const { value, grads } = tf.valueAndGrads(f)(names.map((name) => tensors.get(name)!));
      grads.forEach((g, k) => grad.set(g.dataSync(), this.slots.get(names[k]!)!.offset));
      const partialNll = value.dataSync()[0]! * this.dimension;
      const reconstruction = reconstructions.reduce((sum, r) => sum + r.dataSync()[0]!, 0);
      // The layers kept these out of the gradient's tidy; no tidy disposes them now.
      tf.dispose(reconstructions);
      return { loss: (partialNll + 2 * this.spec.reconstructionWeight * reconstruction) / this.dimension, partialNll, reconstruction };
    });
  }

  /** Exact log|det| of every linear layer (float64; k x k convs through their Toeplitz matrix), summed. */
  exactLinearLogdet(flat: Float32Array): number {
    let sum = 0;
    this.spec.layers.forEach((layer, i) => {
      if (layer.kind !== 'dense' && layer.kind !== 'conv') return;
      const slot = this.slots.get(`L${i}.w`)!;
      sum += exactLinearLogdet(layer.kind === 'dense' ? 0 : layer.kernel, this.shapes[i]!, flat.subarray(slot.offset, slot.offset + slot.size));
    });
    return sum;
  }

  /**
   * Exact log p(v) in nats of each image's dequantised pixels.
   * @param linearLogdet exactLinearLogdet(flat), computed once per parameter vector
   */
  logLikelihoods(flat: Float32Array, values: Float32Array, count: number, linearLogdet: number): Float64Array {
    const { height, width, channels } = this.spec.image;
    const perImage = tf.tidy(() => {
      const t = this.tensors(flat);
      const pre = logitForward(tf.tensor4d(values, [count, height, width, channels]), this.spec.logitAlpha);
      return tf.add(this.forward(pre.y, t, 'none').logLikelihood, pre.logdet).dataSync() as Float32Array;
    });
    return Float64Array.from(perImage, (v) => v + linearLogdet);
  }

  /** The final latents z of dequantised pixels (split priors' factored-out halves are not included). */
  latents(flat: Float32Array, values: Float32Array, count: number): Float32Array {
    const { height, width, channels } = this.spec.image;
    return tf.tidy(() => {
      const pre = logitForward(tf.tensor4d(values, [count, height, width, channels]), this.spec.logitAlpha);
      return this.forward(pre.y, this.tensors(flat), 'none').z.dataSync() as Float32Array;
    });
  }

  /**
   * Sets every actnorm layer from a batch, first to last: shift = channel mean, logScale = log(channel std + 1e-8) of
   * the layer's input, so that its output starts standardised (Glow's data-dependent initialisation). Modifies `flat`.
   */
  initializeActnorm(flat: Float32Array, values: Float32Array, count: number): void {
    if (!this.spec.layers.some((layer) => layer.kind === 'actnorm')) return;
    const { height, width, channels } = this.spec.image;
    tf.tidy(() => {
      let x = logitForward(tf.tensor4d(values, [count, height, width, channels]), this.spec.logitAlpha).y;
      for (let i = 0; i < this.spec.layers.length; i++) {
        if (this.spec.layers[i]!.kind === 'actnorm') {
          const { mean, variance } = tf.moments(x, [0, 1, 2]);
          const shift = this.slots.get(`L${i}.shift`)!;
          const logScale = this.slots.get(`L${i}.logScale`)!;
          flat.set(mean.dataSync(), shift.offset);
          flat.set(tf.log(tf.add(tf.sqrt(variance), 1e-8)).dataSync(), logScale.offset);
        }
        x = this.layerForward(i, x, this.tensors(flat, this.layerParamNames(i)), 'none').y;
      }
    });
  }

  private layerParamNames(i: number): string[] {
    return this.params.filter((p) => p.name.startsWith(`L${i}.`)).map((p) => p.name);
  }

  /**
   * Runs the flow backwards from latents z (shape of the last layer's output) to 8-bit images.
   * @param how `learned`: every linear layer inverted by its R (the fast path SNF trains); `exact`: float64 inverses
   * @param drawFactored draws the latents a split prior factored out (N(0, T^2) when sampling)
   */
  inverse(z: tf.Tensor4D, flat: Float32Array, how: InverseKind, drawFactored: (shape: number[]) => tf.Tensor4D): Uint8Array {
    const values = tf.tidy(() => {
      const t = this.tensors(flat);
      let y = z;
      for (let i = this.spec.layers.length - 1; i >= 0; i--) {
        const layer = this.spec.layers[i]!;
        const what = `layer ${i} (${layer.kind})`;
        switch (layer.kind) {
          case 'dense':
            y = linearInverse(y, 0, this.linear(t, i), how, what);
            break;
          case 'conv':
            y = linearInverse(y, layer.kernel, this.linear(t, i), how, what);
            break;
          case 'smooth-leaky-relu':
            y = smoothLeakyReluInverse(y, layer.alpha);
            break;
          case 'spline':
            y = splineInverse(y, this.spline(t, i), layer.bins, layer.tailBound);
            break;
          case 'squeeze':
            y = unsqueeze(y);
            break;
          case 'actnorm':
            y = actnormInverse(y, { shift: t.get(`L${i}.shift`)!, logScale: t.get(`L${i}.logScale`)! });
            break;
          case 'coupling':
            y = couplingInverse(y, this.coupling(t, i));
            break;
          case 'split-prior': {
            const c = this.shapes[i]!.channels;
            const gone = drawFactored([y.shape[0], y.shape[1], y.shape[2], c - y.shape[3]]);
            y = splitPriorInverse(y, gone, this.coupling(t, i));
            break;
          }
        }
      }
      return y.dataSync();
    });
    return logitInverse(values, this.spec.logitAlpha);
  }

  /** Shape [H, W, C] of the final latents. */
  get latentShape(): ImageShape {
    return this.shapes[this.shapes.length - 1]!;
  }

  /**
   * `count` samples: z ~ N(0, T^2 I) (and every factored-out half likewise), run backwards.
   * @returns 8-bit images, HWC each, image after image
   */
  sample(flat: Float32Array, count: number, temperature: number, random: Random, how: InverseKind): Uint8Array {
    const normal = (shape: number[]) => tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => temperature * random.nextNormal()), shape as [number, number, number, number]);
    const { height, width, channels } = this.latentShape;
    return tf.tidy(() => this.inverse(normal([count, height, width, channels]), flat, how, normal));
  }
}
