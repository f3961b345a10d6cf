/**
 * The weights of fallback modes 3 and 4's predictor blend: predictor i with error sum S_i weighs
 * 1 + floor(2^30 / (1 + S_i)^2) for 8-bit samples and 1 + floor(2^22 / (1 + S_i)^2) for 16-bit ones (PAYLOAD.md),
 * read from a table for the common small sums (the hot division). Invariant: the table holds exactly the formula's
 * integers, so a lookup and the division give the same weight.
 */

/** Error sums below this come from the table. */
export const WEIGHT_TABLE_SIZE = 8192;
/** Numerator exponent for 8-bit samples. */
const WEIGHT_BITS = 30;
/** The same for 16-bit samples (smaller, so that every weighted sum stays an exact integer below 2^53). */
const WEIGHT_BITS_16 = 22;
const tables = new Map<number, Float64Array>();

/**
 * The weights' numerator: 2^30 for 8-bit samples, 2^22 for 16-bit ones (and their low bytes).
 * @param maxValue largest sample value (255 or 65535)
 */
export function weightNumerator(maxValue: number): number {
  return 2 ** (maxValue > 255 ? WEIGHT_BITS_16 : WEIGHT_BITS);
}

/**
 * The weights 1 + floor(numerator / (1 + e)^2) for e = 0..WEIGHT_TABLE_SIZE - 1, built once per numerator and
 * shared (read only).
 * @param numerator weightNumerator(maxValue)
 */
export function weightTable(numerator: number): Float64Array {
  let table = tables.get(numerator);
  if (!table) {
    table = Float64Array.from({ length: WEIGHT_TABLE_SIZE }, (_, e) => 1 + Math.floor(numerator / ((1 + e) * (1 + e))));
    tables.set(numerator, table);
  }
  return table;
}
