/**
 * Ideal code lengths (bits) of symbols under the integer models: -log2(freq / 2^24) of the symbol's bin plus the
 * raw bits of an escape. What the coder writes exceeds the sum only by the rANS overhead; the benchmark and the
 * codec's learned-vs-fallback estimate use these. Uses Math.log2, so never on the coding path.
 */
import { escapeCodeLengthBits } from './escape.js';
import type { ScaleIndexArray } from './logistic-params.js';
import {
  edgeBase, logisticBoundary, spreadOf, windowCenter, windowHalfWidth,
} from './logistic-model.js';
import { PreparedMixture, mixtureBoundary, prepareMixture, type WeightArray } from './mixture-model.js';
import { SlotMixture, prepareSlotMixture, slotBinFrequency } from './mixture-slot-model.js';
import { PRECISION_BITS, PROBABILITY_ONE, type StreamVersion } from './rans-core.js';

/** One symbol's interval in the probability range, and the escape value that follows it (-1 for none). */
export interface SymbolInterval {
  /**
   * Cumulative frequency below the symbol's bin, 0..2^24-1; for a format version 2 mixture, whose bins' slots are
   * not one interval, the bin's leak slot (its first slot).
   */
  start: number;
  /** The bin's frequency, 1..2^24. */
  freq: number;
  /** Escape value coded after the bin, or -1 when the symbol is inside the window. */
  escapeValue: number;
}

function binOf(x: number, lo: number, nb: number): { j: number; escapeValue: number } {
  const j = x - lo + 1;
  if (j <= 0) return { j: 0, escapeValue: lo - 1 - x };
  if (j >= nb - 1) return { j: nb - 1, escapeValue: x - (lo + nb - 2) };
  return { j, escapeValue: -1 };
}

/**
 * The interval symbol x gets under logistic(muQ, k), exactly as the coder uses it.
 * @param x any int32
 * @param muQ fixed-point mu, |muQ| <= MU_Q_MAX
 * @param k scale index, 0..SCALE_COUNT-1
 */
export function logisticInterval(x: number, muQ: number, k: number): SymbolInterval {
  const halfWidth = windowHalfWidth(k);
  const lo = windowCenter(muQ) - halfWidth;
  const nb = 2 * halfWidth + 3;
  const { j, escapeValue } = binOf(x, lo, nb);
  const base = edgeBase(lo, muQ);
  const start = logisticBoundary(j, nb, base, k, spreadOf(nb));
  const end = logisticBoundary(j + 1, nb, base, k, spreadOf(nb));
  return { start, freq: end - start, escapeValue };
}

/**
 * The interval symbol x gets under the mixture at components [offset, offset + components) of the arrays.
 * Parameters as RansEncoder.encodeMixture takes them.
 * @param version the stream version (default 1) whose mixture definition applies
 */
export function mixtureInterval(
  x: number, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, offset: number, components: number,
  version: StreamVersion = 1,
): SymbolInterval {
  if (version === 2) {
    const slots = new SlotMixture();
    prepareSlotMixture(mus, scales, weights, offset, components, slots);
    const { j, escapeValue } = binOf(x, slots.mixture.lo, slots.mixture.nb);
    return { start: j, freq: slotBinFrequency(slots, j), escapeValue };
  }
  const mixture = new PreparedMixture();
  prepareMixture(mus, scales, weights, offset, components, mixture);
  const { j, escapeValue } = binOf(x, mixture.lo, mixture.nb);
  const start = mixtureBoundary(j, mixture);
  const end = mixtureBoundary(j + 1, mixture);
  return { start, freq: end - start, escapeValue };
}

/** Ideal code length in bits of an interval: -log2(freq / 2^24) plus its escape's raw bits. */
export function intervalCodeLengthBits(interval: SymbolInterval): number {
  const binBits = PRECISION_BITS - Math.log2(interval.freq);
  return interval.escapeValue < 0 ? binBits : binBits + escapeCodeLengthBits(interval.escapeValue);
}

/** Ideal code length in bits of one value uniform over [min, max] (as RansEncoder.encodeUniform codes it). */
export function uniformCodeLengthBits(min: number, max: number): number {
  return PRECISION_BITS - Math.log2(Math.floor(PROBABILITY_ONE / (max - min + 1)));
}
