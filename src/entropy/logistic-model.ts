/**
 * The discretised-logistic frequency model, evaluated lazily from integer parameters (fixed-point mu, scale index).
 * A window of bins round(mu) +- halfWidth sits between two escape bins; boundary j has cumulative frequency
 * floor(F_j * (2^24 - nb) / 2^28) + j, with F_j the table CDF at the bin's lower edge, so every bin has frequency
 * >= 1 and the frequencies sum to exactly 2^24. Only the boundaries a symbol needs are ever computed.
 */
import { CDF_ONE_BITS, MU_FRAC_BITS, POSITION_FRAC_BITS, TABLE_SIZE } from './logistic-params.js';
import { INVERSE_BUCKET_BITS, LOGISTIC_TABLE } from './logistic-table.js';
import { PROBABILITY_ONE } from './rans-core.js';

const CDF = LOGISTIC_TABLE.cdf;
const MULTIPLIER = LOGISTIC_TABLE.positionMultiplier;
const OFFSET_LIMIT = LOGISTIC_TABLE.offsetLimit;
const HALF_WIDTH = LOGISTIC_TABLE.halfWidth;
const INVERSE_START = LOGISTIC_TABLE.inverseStart;

const POS_ONE = 2 ** POSITION_FRAC_BITS;
const INV_POS_ONE = 2 ** -POSITION_FRAC_BITS;
const POS_CENTER = ((TABLE_SIZE - 1) / 2) * POS_ONE;
const CDF_ONE = 2 ** CDF_ONE_BITS;
const INV_CDF_ONE = 2 ** -CDF_ONE_BITS;
const MU_ONE = 2 ** MU_FRAC_BITS;
const HALF_MU = MU_ONE / 2;
const INV_MU_ONE = 1 / MU_ONE;
const LEVEL_TO_BUCKET = 2 ** (INVERSE_BUCKET_BITS - CDF_ONE_BITS);
/** Local copy: module-level constants fold in optimised code, imported bindings may not. */
const ONE = PROBABILITY_ONE;

/**
 * The logistic CDF, times 2^28, at offset `u` (units of 2^-MU_FRAC_BITS pixels) from mu, for scale index k: linear
 * interpolation of the shipped table, with u clamped (branch-free, in int32) to the offsets the table covers.
 * Requires |u| < 2^30, which |muQ| <= MU_Q_MAX and windows of at most 2^18 bins guarantee. Exact integer arithmetic
 * in doubles; non-decreasing in u. mixtureBoundary repeats these lines inline.
 */
export function logisticCdfAt(u: number, k: number): number {
  const limit = OFFSET_LIMIT[k]!;
  let d = u - limit;
  u -= d & ~(d >> 31);
  d = u + limit;
  u -= d & (d >> 31);
  const p = u * MULTIPLIER[k]! + POS_CENTER;
  const i = Math.floor(p * INV_POS_ONE);
  const a = CDF[i]!;
  return a + Math.floor((CDF[i + 1]! - a) * (p - i * POS_ONE) * INV_POS_ONE);
}

/** The window center round(mu) of a fixed-point mu (|muQ| <= MU_Q_MAX). */
export function windowCenter(muQ: number): number {
  return (muQ + HALF_MU) >> MU_FRAC_BITS;
}

/** Half-width of a single logistic's window for scale index k. */
export function windowHalfWidth(k: number): number {
  return HALF_WIDTH[k]!;
}

/**
 * The offset u of boundary 0's edge for a window starting at `lo`: boundary j's edge (the lower edge of value
 * lo + j - 1) sits at `edgeBase(lo, muQ) + j * 2^MU_FRAC_BITS`.
 */
export function edgeBase(lo: number, muQ: number): number {
  return lo * MU_ONE - MU_ONE - HALF_MU - muQ;
}

/** Converts a CDF value (times 2^28) into the interior share of a window of nb bins: multiply, then floor. */
export function spreadOf(nb: number): number {
  return (ONE - nb) * INV_CDF_ONE;
}

/**
 * Cumulative frequency of boundary j (0..nb) of a single logistic's window: 0 at j = 0, 2^24 at j = nb.
 * @param base edgeBase(lo, muQ)
 * @param k scale index
 * @param spread spreadOf(nb)
 */
export function logisticBoundary(j: number, nb: number, base: number, k: number, spread: number): number {
  if (j <= 0) return 0;
  if (j >= nb) return ONE;
  return Math.floor(logisticCdfAt(base + j * MU_ONE, k) * spread) + j;
}

/**
 * A first guess (not necessarily exact) of the value whose interval holds a CDF level, inverting the table: the
 * decoder's search starts here and then checks exactly. `level` is in units of 2^-28 (0..2^28-1).
 * @returns an integer value (may lie outside any window)
 */
export function guessValue(level: number, muQ: number, k: number): number {
  let i = INVERSE_START[(level * LEVEL_TO_BUCKET) | 0]!;
  while (CDF[i + 1]! <= level) i++;
  const a = CDF[i]!;
  const position = level > a ? i + (level - a) / (CDF[i + 1]! - a) : i;
  return Math.floor((muQ + HALF_MU + (position * POS_ONE - POS_CENTER) / MULTIPLIER[k]!) * INV_MU_ONE);
}

/**
 * The CDF level (units 2^-28, clamped to 0..2^28-1) that `slot` stands for in a window of nb bins if it falls in
 * bin `j`: undoes the leak (+j) and the interior share. With j = 0 and nb = 0 it is the plain scaled slot.
 */
export function slotLevel(slot: number, j: number, nb: number): number {
  const level = ((slot - j) * CDF_ONE) / (ONE - nb);
  return level < 0 ? 0 : level >= CDF_ONE ? CDF_ONE - 1 : level;
}

/** Windows wider than this refine the first guess for the leak (+j) before the decoder searches... */
const REFINE_BINS = 1024;
/** ... and windows wider than this refine it twice. */
const REFINE_TWICE_BINS = 16384;

/**
 * The decoder's starting bin (0..nb-1) for `slot` in the window [lo, ...) of nb bins of logistic(muQ, k): usually
 * the right bin or a neighbour; the decoder then checks and steps exactly.
 */
export function guessBin(slot: number, muQ: number, k: number, lo: number, nb: number): number {
  let j = guessValue(slotLevel(slot, 0, 0), muQ, k) - lo + 1;
  for (let pass = nb > REFINE_TWICE_BINS ? 2 : nb > REFINE_BINS ? 1 : 0; pass > 0; pass--) {
    j = j < 0 ? 0 : j >= nb ? nb - 1 : j;
    j = guessValue(slotLevel(slot, j, nb), muQ, k) - lo + 1;
  }
  return j < 0 ? 0 : j >= nb ? nb - 1 : j;
}
