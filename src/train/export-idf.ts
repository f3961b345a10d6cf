/**
 * The bridge from the float world to the integer one: a trained checkpoint's EMA weights become an IntegerIdfModel.
 * Activation scales are calibrated on training images (largest |activation| seen maps to half the int16 budget,
 * leaving 2x headroom before the clamp), weights become int8 per output channel, and each layer's accumulator bound
 * is proven to fit int32 (export refuses otherwise). Prior outputs land directly on the entropy layer's grids.
 * Family kernels export as the graph uses them: hex kernels masked (and the mask passed to the engine), binary
 * kernels as sign(w) * scale, which quantise to +-1 weights with the scale in the requantisation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { idfLayout, sizeMultiple, type IdfSpec } from '../arch/idf-spec.js';
import { idfParams, PRIOR_PARTS, priorChannel, TOP_LOG_SCALE_MULTIPLIER, TOP_MU_MULTIPLIER } from '../arch/idf-params.js';
import { paramOffsets } from '../arch/param-list.js';
import { hasResnetLayout, type NetSpec } from '../arch/net-spec.js';
import { densenetChannels } from '../arch/net-params.js';
import { kernelSupport, supportMask } from '../arch/kernel-support.js';
import { MU_FRAC_BITS, SCALE_LOG2_MIN, SCALE_STEPS_PER_OCTAVE, SCALE_COUNT } from '../entropy/logistic-params.js';
import { proveAccumulatorBound, type ConvSpec } from '../engine/index.js';
import { ACTIVATION_LIMIT, latentBound, LOGIT_STEPS_PER_OCTAVE, MU_Q_LIMIT, TRANSLATION_LIMIT, type IntegerIdfModel } from '../engine/integer-idf-model.js';
import { idfLogLikelihoodTerms } from './idf-graph.js';
import { LOG_SCALE_MAX, LOG_SCALE_MIN } from './discretized-logistic.js';
import { quantizeConv, type FloatConv } from './quantize-conv.js';
import type { TrainingImages } from './trainer.js';

/** Calibrated largest |activation| maps to this integer (half of ACTIVATION_LIMIT: 2x headroom). */
const CALIBRATED_MAX = 2048;
/** Integer units of the scale-grid index per nat of log-scale, and the grid's origin. */
const INDEX_PER_NAT = SCALE_STEPS_PER_OCTAVE / Math.LN2;
const INDEX_ORIGIN = -SCALE_LOG2_MIN * SCALE_STEPS_PER_OCTAVE;
/** Wide clamp of prior outputs (int32); parts are clamped to their grids afterwards. */
const PRIOR_OUTPUT_LIMIT = 2 ** 30;

/** Largest |activation| per observed name, over the calibration images. */
async function calibrate(spec: IdfSpec, params: Map<string, tf.Tensor>, images: TrainingImages, batchSize: number): Promise<Map<string, number>> {
  const maxima = new Map<string, number>();
  const imageSize = images.height * images.width * images.channels;
  const centre = 2 ** (spec.bitDepth - 1);
  for (let first = 0; first < images.count; first += batchSize) {
    const n = Math.min(batchSize, images.count - first);
    tf.tidy(() => {
      const data = Float32Array.from(images.images.subarray(first * imageSize, (first + n) * imageSize), (v) => v - centre);
      const pixels = tf.tensor4d(data, [n, images.height, images.width, images.channels]);
      idfLogLikelihoodTerms(spec, params, pixels, (name, activation) => {
        const value = tf.max(tf.abs(activation)).dataSync()[0]!;
        maxima.set(name, Math.max(maxima.get(name) ?? 0, value));
      });
    });
  }
  return maxima;
}

function scaleFor(maxima: Map<string, number>, name: string): number {
  const max = maxima.get(name) ?? 0;
  return max > 0 ? max / CALIBRATED_MAX : 1 / CALIBRATED_MAX;
}

/** How a network's output is quantised: a coupling's translation, or a split prior's parameter block. */
type OutputKind = { kind: 'translation' } | { kind: 'prior'; components: number; channels: number };

function outputQuantisation(output: OutputKind, outChannels: number): Pick<FloatConv, 'outScales' | 'outOffsets' | 'lo' | 'hi' | 'output'> {
  if (output.kind === 'translation') {
    return { outScales: new Float64Array(outChannels).fill(1), lo: -TRANSLATION_LIMIT, hi: TRANSLATION_LIMIT, output: 'int16' };
  }
  const outScales = new Float64Array(outChannels);
  const outOffsets = new Float64Array(outChannels);
  for (let k = 0; k < output.components; k++) {
    for (let c = 0; c < output.channels; c++) {
      outScales[priorChannel(PRIOR_PARTS.mu, k, c, output.components, output.channels)] = 2 ** -MU_FRAC_BITS;
      const logScale = priorChannel(PRIOR_PARTS.logScale, k, c, output.components, output.channels);
      outScales[logScale] = 1 / INDEX_PER_NAT;
      outOffsets[logScale] = INDEX_ORIGIN;
      outScales[priorChannel(PRIOR_PARTS.logit, k, c, output.components, output.channels)] = Math.LN2 / LOGIT_STEPS_PER_OCTAVE;
    }
  }
  return { outScales, outOffsets, lo: -PRIOR_OUTPUT_LIMIT, hi: PRIOR_OUTPUT_LIMIT, output: 'int32' };
}

/** The effective float kernel of a layer (what the graph convolves with, nets.ts) and its quantisation style. */
function familyKernel(family: NetSpec['family'], name: string, kernelSize: number, floats: (name: string) => Float32Array): Pick<FloatConv, 'weights' | 'binary' | 'mask'> {
  const latent = floats(`${name}.w`);
  if (family === 'binary') {
    const scales = floats(`${name}.s`);
    const out = scales.length;
    return { weights: Float32Array.from(latent, (w, i) => (w >= 0 ? 1 : -1) * scales[i % out]!), binary: true };
  }
  if (family === 'hex' && kernelSize > 1) {
    const mask = supportMask(kernelSupport('hex', kernelSize));
    const perTap = latent.length / mask.length;
    return { weights: Float32Array.from(latent, (w, i) => (mask[Math.floor(i / perTap)] === 0 ? 0 : w)), mask };
  }
  return { weights: latent };
}

/** Integer layers of one network. */
function quantizeNet(
  prefix: string,
  net: NetSpec,
  inChannels: number,
  outChannels: number,
  output: OutputKind,
  inputScale: number,
  inputBound: number,
  floats: (name: string) => Float32Array,
  maxima: Map<string, number>,
): ConvSpec[] {
  const layers: ConvSpec[] = [];
  const add = (layer: Omit<FloatConv, 'weights' | 'bias'>, bound: number) => {
    const spec = quantizeConv({ ...layer, ...familyKernel(net.family, layer.name, layer.kernelSize, floats), bias: floats(`${layer.name}.b`) });
    proveAccumulatorBound(spec, bound);
    layers.push(spec);
  };
  const hidden = (scale: number, relu: boolean) => ({ outScales: new Float64Array(net.width).fill(scale), lo: relu ? 0 : -ACTIVATION_LIMIT, hi: ACTIVATION_LIMIT, output: 'int16' as const });
  if (hasResnetLayout(net.family)) {
    const stream = scaleFor(maxima, `${prefix}.stream`);
    add({ name: `${prefix}.in`, kernelSize: 3, inChannels, outChannels: net.width, inScales: new Float64Array(inChannels).fill(inputScale), ...hidden(stream, false) }, inputBound);
    for (let i = 0; i < net.depth; i++) {
      const inner = scaleFor(maxima, `${prefix}.block${i}.conv1`);
      add({ name: `${prefix}.block${i}.conv1`, kernelSize: 3, inChannels: net.width, outChannels: net.width, inScales: new Float64Array(net.width).fill(stream), ...hidden(inner, true) }, ACTIVATION_LIMIT);
      add({ name: `${prefix}.block${i}.conv2`, kernelSize: 3, inChannels: net.width, outChannels: net.width, inScales: new Float64Array(net.width).fill(inner), ...hidden(stream, false) }, ACTIVATION_LIMIT);
    }
    add({ name: `${prefix}.out`, kernelSize: 3, inChannels: net.width, outChannels, inScales: new Float64Array(net.width).fill(stream), ...outputQuantisation(output, outChannels) }, ACTIVATION_LIMIT);
    return layers;
  }
  const stateScales: number[] = new Array<number>(inChannels).fill(inputScale);
  for (let i = 0; i < net.depth; i++) {
    const reduce = scaleFor(maxima, `${prefix}.dense${i}.reduce`);
    const grown = scaleFor(maxima, `${prefix}.dense${i}.conv`);
    add({ name: `${prefix}.dense${i}.reduce`, kernelSize: 1, inChannels: densenetChannels(net, inChannels, i), outChannels: net.width, inScales: [...stateScales], ...hidden(reduce, true) }, inputBound);
    add({ name: `${prefix}.dense${i}.conv`, kernelSize: 3, inChannels: net.width, outChannels: net.width, inScales: new Float64Array(net.width).fill(reduce), ...hidden(grown, true) }, ACTIVATION_LIMIT);
    stateScales.push(...new Array<number>(net.width).fill(grown));
  }
  add({ name: `${prefix}.out`, kernelSize: 3, inChannels: stateScales.length, outChannels, inScales: stateScales, ...outputQuantisation(output, outChannels) }, inputBound);
  return layers;
}

/**
 * Exports float parameters (a checkpoint's EMA vector) to an integer model.
 * @param calibration training images for the activation scales (a few hundred suffice)
 * @throws ModelError when a layer's accumulator could overflow int32
 */
export async function exportIdf(spec: IdfSpec, floatParams: Float32Array, calibration: TrainingImages, batchSize = 50): Promise<IntegerIdfModel> {
  const offsets = paramOffsets(idfParams(spec));
  const floats = (name: string) => {
    const entry = offsets.get(name);
    if (!entry) throw new Error(`missing parameter ${name}`);
    return floatParams.subarray(entry.offset, entry.offset + entry.size);
  };
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, { shape }] of offsets) tensors.set(name, tf.tensor(floats(name), [...shape]));
  let maxima: Map<string, number>;
  try {
    maxima = await calibrate(spec, tensors, calibration, batchSize);
  } finally {
    tf.dispose([...tensors.values()]);
  }
  const inputScale = 2 ** -spec.inputShift;
  const bound = latentBound(spec);
  const layers = new Map<string, ConvSpec>();
  const multiple = sizeMultiple(spec);
  idfLayout(spec, multiple, multiple).forEach((layout, level) => {
    for (let k = 0; k < spec.couplingsPerLevel; k++) {
      const context = layout.channels - layout.translated;
      for (const layer of quantizeNet(`level${level}.coupling${k}`, spec.coupling, context, layout.translated, { kind: 'translation' }, inputScale, bound, floats, maxima)) {
        layers.set(layer.name!, layer);
      }
    }
    if (layout.factored > 0) {
      const components = spec.splitPrior.components;
      const output: OutputKind = { kind: 'prior', components, channels: layout.factored };
      for (const layer of quantizeNet(`level${level}.split`, spec.splitPrior.net, layout.channels - layout.factored, 3 * components * layout.factored, output, inputScale, bound, floats, maxima)) {
        layers.set(layer.name!, layer);
      }
    }
  });
  const toIndex = (logScale: number) => Math.round(logScale * INDEX_PER_NAT + INDEX_ORIGIN);
  const scaleIndexRange = { min: Math.max(0, toIndex(LOG_SCALE_MIN)), max: Math.min(SCALE_COUNT - 1, toIndex(LOG_SCALE_MAX)) };
  const clampIndex = (index: number) => Math.min(scaleIndexRange.max, Math.max(scaleIndexRange.min, index));
  const top = {
    muQ: Int32Array.from(floats('top.mu'), (v) => Math.min(MU_Q_LIMIT, Math.max(-MU_Q_LIMIT, Math.round(v * TOP_MU_MULTIPLIER * 2 ** MU_FRAC_BITS)))),
    scaleIndex: Int32Array.from(floats('top.logScale'), (v) => clampIndex(toIndex(v * TOP_LOG_SCALE_MULTIPLIER))),
    logitQ: Int32Array.from(floats('top.logits'), (v) => Math.round((v * LOGIT_STEPS_PER_OCTAVE) / Math.LN2)),
  };
  return { spec, layers, top, scaleIndexRange };
}
