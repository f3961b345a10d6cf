/**
 * Float convolution -> engine ConvSpec: int8 weights per output channel, bias and requantisation such that the
 * integer layer computes outScale^-1 * conv(x * inScale) + outOffset, rounded (ARCHITECTURE.md, "Export"). Input
 * channels may have different scales (a DenseNet's concatenated state): they are folded into the weights. A binary
 * layer (every |weight * inScale| of an output channel equal, as sign(w) * scale makes them) gets weights of exactly
 * +-1 with the channel's magnitude folded into the requantisation multiplier.
 */
import { ModelError } from '../core/errors.js';
import { MAX_MULTIPLIER, MAX_SHIFT, type ConvSpec, type ElementType } from '../engine/index.js';

/** A float conv layer and how its integer twin's inputs and outputs are scaled. */
export interface FloatConv {
  readonly name: string;
  /** [kh, kw, in, out] float weights (tfjs layout). */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly kernelSize: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Real value of one integer unit of each input channel. */
  readonly inScales: ArrayLike<number>;
  /** Real value of one integer unit of each output channel. */
  readonly outScales: ArrayLike<number>;
  /** Added to each output in integer units (e.g. the scale grid's origin), default 0. */
  readonly outOffsets?: ArrayLike<number>;
  readonly lo: number;
  readonly hi: number;
  readonly output: ElementType;
  /** Quantise to +-1 (0 for a channel whose weights are all 0) instead of -127..127; default false. */
  readonly binary?: boolean;
  /** Tap mask (k * k, [ky][kx]) handed to the engine; the weights' masked taps must already be 0. */
  readonly mask?: readonly number[];
}

/** M and s with M / 2^s as close to `ratio` as 16-bit M allows. */
export function multiplierAndShift(ratio: number, name: string): { multiplier: number; shift: number } {
  if (!(ratio > 0) || !Number.isFinite(ratio)) return { multiplier: 0, shift: 0 };
  let shift = Math.floor(Math.log2(MAX_MULTIPLIER / ratio));
  if (shift < 0) throw new ModelError(`${name}: requantisation ratio ${ratio} exceeds ${MAX_MULTIPLIER}; the layer's scales are inconsistent`);
  shift = Math.min(shift, MAX_SHIFT);
  let multiplier = Math.round(ratio * 2 ** shift);
  if (multiplier > MAX_MULTIPLIER) {
    shift -= 1;
    multiplier = Math.round(ratio * 2 ** shift);
  }
  return { multiplier, shift };
}

/** Quantises one layer. */
export function quantizeConv(layer: FloatConv): ConvSpec {
  const { kernelSize: k, inChannels: cin, outChannels: cout } = layer;
  const taps = k * k;
  const weightScales = new Float64Array(cout);
  for (let t = 0; t < taps; t++) {
    for (let i = 0; i < cin; i++) {
      for (let o = 0; o < cout; o++) {
        const w = Math.abs(layer.weights[(t * cin + i) * cout + o]! * layer.inScales[i]!);
        if (w > weightScales[o]!) weightScales[o] = w;
      }
    }
  }
  const top = layer.binary ? 1 : 127;
  for (let o = 0; o < cout; o++) weightScales[o] = weightScales[o]! > 0 ? weightScales[o]! / top : 1;
  const weights = new Int8Array(taps * cin * cout);
  for (let t = 0; t < taps; t++) {
    for (let i = 0; i < cin; i++) {
      for (let o = 0; o < cout; o++) {
        const index = (t * cin + i) * cout + o;
        const scaled = (layer.weights[index]! * layer.inScales[i]!) / weightScales[o]!;
        if (layer.binary && scaled !== 0 && Math.abs(Math.abs(scaled) - 1) > 1e-6) {
          throw new ModelError(`${layer.name}: binary layer has weights of different magnitudes in output channel ${o}; its input scales must be equal`);
        }
        weights[index] = Math.max(-top, Math.min(top, Math.round(scaled)));
      }
    }
  }
  const multipliers = new Int32Array(cout);
  const shifts = new Int32Array(cout);
  const bias = new Int32Array(cout);
  for (let o = 0; o < cout; o++) {
    const { multiplier, shift } = multiplierAndShift(weightScales[o]! / layer.outScales[o]!, layer.name);
    multipliers[o] = multiplier;
    shifts[o] = shift;
    const biasInOutputUnits = layer.bias[o]! / layer.outScales[o]! + (layer.outOffsets?.[o] ?? 0);
    const biasInAccumulatorUnits = multiplier > 0 ? Math.round((biasInOutputUnits * 2 ** shift) / multiplier) : 0;
    if (Math.abs(biasInAccumulatorUnits) >= 2 ** 31) throw new ModelError(`${layer.name}: bias of channel ${o} does not fit int32 after quantisation`);
    bias[o] = biasInAccumulatorUnits;
  }
  return {
    name: layer.name,
    kernelSize: k,
    inChannels: cin,
    outChannels: cout,
    weights,
    bias,
    ...(layer.mask ? { mask: [...layer.mask] } : {}),
    requant: { multipliers, shifts, lo: layer.lo, hi: layer.hi, output: layer.output },
  };
}
