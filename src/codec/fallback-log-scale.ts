/**
 * The integer logarithms the fallback modes (1, 3 and 4) quantise with: log2Times32, the half-octave bins of an
 * activity or error energy, and the entropy layer's scale index from a mean |residual|. Formulas in PAYLOAD.md.
 * Invariant: integer-only, so an encoder and a decoder compute the same bins and scales on every machine.
 */
import { SCALE_COUNT } from '../entropy/index.js';

/**
 * 32 * log2(value) for an integer value >= 1, with Mitchell's linear approximation of the fraction (exact at powers
 * of two; integer-only, so identical everywhere).
 */
export function log2Times32(value: number): number {
  const p = 31 - Math.clz32(value);
  const fraction = p >= 5 ? (value >>> (p - 5)) & 31 : (value << (5 - p)) & 31;
  return 32 * p + fraction;
}

/**
 * The half-octave bin of an integer activity or energy: 0 for 0, else 1 + floor(2 log2(value)) (by log2Times32),
 * capped at bins - 1.
 * @param value an integer, 0..2^32 - 1
 * @param bins the number of bins, >= 1
 */
export function logBin(value: number, bins: number): number {
  if (value === 0) return 0;
  const bin = 1 + ((log2Times32(value) * 2) >> 5);
  return bin >= bins ? bins - 1 : bin;
}

/**
 * The scale index of a context whose mean |residual| is meanAbs256 / 256: 0 for a mean of 0, else
 * 32 log2(meanAbs256) - 256 + scaleOffset (by log2Times32), clamped to 0..SCALE_COUNT - 1.
 * @param meanAbs256 the floored mean |residual| in 1/256 units, an integer >= 0
 * @param scaleOffset the mode's offset (117 for mode 1, 115 for modes 3 and 4)
 */
export function meanAbsScaleIndex(meanAbs256: number, scaleOffset: number): number {
  if (meanAbs256 === 0) return 0;
  const k = log2Times32(meanAbs256) - 256 + scaleOffset;
  return k < 0 ? 0 : k >= SCALE_COUNT ? SCALE_COUNT - 1 : k;
}
