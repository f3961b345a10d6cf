/**
 * An IDF with every value the coder depends on in integers: the exported form of a trained float model. Layers are
 * the engine's ConvSpecs (int8 weights, int32 bias, per-channel requantisation), named as in src/arch/net-params.ts;
 * prior outputs and the top prior are integer codes on the entropy layer's grids (fixed-point mu, scale-grid index,
 * log2-domain mixture logits). The bounds below make the overflow proof and the flow's invertibility hold.
 */
import type { IdfSpec } from '../arch/idf-spec.js';
import type { ConvSpec } from './conv-spec.js';

/** |hidden activation| <= this (12 bits): every int16 tensor inside a network is clamped to it. */
export const ACTIVATION_LIMIT = 4095;
/** |coupling translation| <= this (pixel units). */
export const TRANSLATION_LIMIT = 2047;
/** |latent| bound the encoder can reach (pixels centred on 0 plus at most one translation per coupling). */
export function latentBound(spec: IdfSpec): number {
  return 2 ** (spec.bitDepth - 1) + spec.levels * spec.couplingsPerLevel * TRANSLATION_LIMIT;
}
/** |fixed-point mu| <= this: the entropy layer's MU_Q_MAX (2^28), which the engine may not import (a test pins it). */
export const MU_Q_LIMIT = 2 ** 28;
/** Mixture logits are integers in units of ln(2) / LOGIT_STEPS_PER_OCTAVE. */
export const LOGIT_STEPS_PER_OCTAVE = 8;
/** Mixture weights are at most 2^WEIGHT_BITS (the largest component) and at least 1. */
export const WEIGHT_BITS = 16;
/** round(2^16 * 2^(-j/8)), j = 0..7: the fractional part of 2^(-d/8), so weights need no Math.exp. */
const WEIGHT_FRACTIONS = [65536, 60097, 55109, 50535, 46341, 42495, 38968, 35734] as const;

/** Integer top prior: K components per channel, arrays of K * C laid out [component][channel]. */
export interface IntegerTopPrior {
  readonly muQ: Int32Array;
  readonly scaleIndex: Int32Array;
  /** Mixture logits in units of ln(2)/8 (only their differences matter). */
  readonly logitQ: Int32Array;
}

/** Range of valid scale-grid indices a prior may produce (the training clamp of the log-scale, mapped). */
export interface ScaleIndexRange {
  readonly min: number;
  readonly max: number;
}

/** The integer model the runner executes. */
export interface IntegerIdfModel {
  readonly spec: IdfSpec;
  /** Every conv layer by name, e.g. `level0.coupling1.block0.conv2`. */
  readonly layers: ReadonlyMap<string, ConvSpec>;
  readonly top: IntegerTopPrior;
  readonly scaleIndexRange: ScaleIndexRange;
}

/**
 * Mixture weights from integer logits: w_k = 2^16 * 2^(-(max - q_k)/8), at least 1 (so every component keeps a
 * share and the mixture's frequencies stay exact integers).
 * @param logitQ K logits for one sub-pixel (read at `offset + k * stride`)
 * @param out K weights written at out[k]
 */
export function mixtureWeights(logitQ: ArrayLike<number>, offset: number, stride: number, components: number, out: Int32Array, outOffset = 0): void {
  let max = -Infinity;
  for (let k = 0; k < components; k++) max = Math.max(max, logitQ[offset + k * stride]!);
  for (let k = 0; k < components; k++) {
    const d = max - logitQ[offset + k * stride]!;
    const octaves = Math.floor(d / LOGIT_STEPS_PER_OCTAVE);
    const weight = octaves >= 31 ? 0 : Math.floor(WEIGHT_FRACTIONS[d - octaves * LOGIT_STEPS_PER_OCTAVE]! / 2 ** octaves);
    out[outOffset + k] = Math.max(1, weight);
  }
}
