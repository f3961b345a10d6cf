/**
 * The accumulator overflow proof the model export runs per layer: from the int8 weights (mask applied), the bias and
 * the bound on |input|, the largest |accumulator| each output channel can reach. Invariant: a layer that passes
 * (every bound < 2^31) can never overflow its int32 accumulator for inputs within the bound, whatever the kernel's
 * summation order, so both kernels compute the exact sum.
 */
import { ModelError } from '../core/errors.js';
import { checkConvSpec, denseAsConv, type ConvSpec, type DenseSpec } from './conv-spec.js';
import { INT16_MIN } from './requantize.js';

/** Accumulators must stay strictly below this in magnitude (int32). */
export const ACCUMULATOR_LIMIT = 2 ** 31;
/** Largest input bound: |x| of an int16 is at most 32768. */
export const MAX_INPUT_BOUND = -INT16_MIN;

/**
 * Largest possible |accumulator| per output channel: |bias[o]| + inputBound * sum of |w| over all taps and inputs of
 * channel o. Exact (all terms are integers below 2^53). Padding only removes terms, so this bounds every pixel.
 * @param spec a convolution or dense layer
 * @param inputBound largest |x| of the layer's input, integer 0..MAX_INPUT_BOUND (e.g. max(|lo|, |hi|) of the layer
 *   that produced it)
 * @throws ModelError on an invalid spec or bound
 */
export function accumulatorBounds(spec: ConvSpec | DenseSpec, inputBound: number): Float64Array {
  const conv = checkConvSpec('kernelSize' in spec ? spec : denseAsConv(spec));
  if (!Number.isInteger(inputBound) || inputBound < 0 || inputBound > MAX_INPUT_BOUND) {
    throw new ModelError(`${conv.name}: input bound must be an integer 0..${MAX_INPUT_BOUND} but is ${inputBound}`);
  }
  const out = conv.outChannels;
  const absSums = new Float64Array(out);
  const weights = conv.weights;
  for (let i = 0; i < weights.length; i++) absSums[i % out] += Math.abs(weights[i]!);
  const bounds = new Float64Array(out);
  for (let o = 0; o < out; o++) bounds[o] = Math.abs(conv.bias[o]!) + inputBound * absSums[o]!;
  return bounds;
}

/**
 * Proves that no accumulator of the layer can overflow int32, or refuses the layer.
 * @returns the per-channel bounds (see accumulatorBounds)
 * @throws ModelError when some channel's bound is >= 2^31, naming the channel, its bound and what to change
 */
export function proveAccumulatorBound(spec: ConvSpec | DenseSpec, inputBound: number): Float64Array {
  const bounds = accumulatorBounds(spec, inputBound);
  for (let o = 0; o < bounds.length; o++) {
    if (bounds[o]! >= ACCUMULATOR_LIMIT) {
      throw new ModelError(`${spec.name ?? ('kernelSize' in spec ? 'conv' : 'dense')}: output channel ${o} can ` +
        `reach |accumulator| = ${bounds[o]} >= 2^31 with inputs up to ${inputBound}; lower the input's bit budget, ` +
        'the weights\' scale or the bias');
    }
  }
  return bounds;
}
