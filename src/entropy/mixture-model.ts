/**
 * The mixture-of-discretised-logistics frequency model: K components (fixed-point mu, scale index, integer weight)
 * mixed as floor(sum_k w_k F_k / sum_k w_k) on the same table CDF as logistic-model.ts, in a window that is the
 * union of the components' windows (capped around the heaviest component) between two escape bins. Boundary j has
 * cumulative frequency floor(F_mix * (2^24 - nb) / 2^28) + j: every bin >= 1, total exactly 2^24. A one-component
 * mixture gives exactly the single-logistic frequencies.
 */
import {
  HALF_WIDTH_MAX, MU_FRAC_BITS, POSITION_FRAC_BITS, TABLE_SIZE, type ScaleIndexArray,
} from './logistic-params.js';
import { LOGISTIC_TABLE } from './logistic-table.js';
import { spreadOf, windowCenter } from './logistic-model.js';
import { PROBABILITY_ONE } from './rans-core.js';

/** Most components a mixture may have. */
export const MIXTURE_MAX_COMPONENTS = 16;
/** Largest sum of one symbol's component weights (weights are integers >= 0 and their sum must be >= 1). */
export const MIXTURE_WEIGHT_TOTAL_MAX = 2 ** 24;

/** Integer mixture weights: any integer typed array. */
export type WeightArray = Uint16Array | Int32Array | Uint8Array | Uint32Array;

const MULTIPLIER = LOGISTIC_TABLE.positionMultiplier;
const OFFSET_LIMIT = LOGISTIC_TABLE.offsetLimit;
const HALF_WIDTH = LOGISTIC_TABLE.halfWidth;
const MU_ONE = 2 ** MU_FRAC_BITS;
const HALF_MU = MU_ONE / 2;
const ONE = PROBABILITY_ONE;
const CDF = LOGISTIC_TABLE.cdf;
const POS_ONE = 2 ** POSITION_FRAC_BITS;
const INV_POS_ONE = 2 ** -POSITION_FRAC_BITS;
const POS_CENTER = ((TABLE_SIZE - 1) / 2) * POS_ONE;
/** Table-CDF slope times multiplier, converted to CDF units per bin. */
const SLOPE_UNIT = MU_ONE * INV_POS_ONE;
const MAX_INT = 2 ** 30 - 1;

/**
 * One symbol's mixture, prepared by prepareMixture: its window and a compact copy of its components' table
 * parameters (so that the repeated boundary evaluations of a decode read a few hot values). Reused across symbols.
 */
export class PreparedMixture {
  /** Number of components. */
  components = 0;
  /** Smallest value in the window. */
  lo = 0;
  /** Number of bins: window values plus the two escape bins. */
  nb = 3;
  /** Sum of the component weights. */
  total = 1;
  /** spreadOf(nb). */
  spread = 0;
  /** Index (0..components-1) of the heaviest component, the first on ties. */
  heaviest = 0;
  /** Set by mixtureBoundaryWithSlope: slope of the cumulative frequency per bin at the boundary it evaluated (a guide only). */
  slope = 0;
  /** Per component: fixed-point mu. */
  readonly mu = new Int32Array(MIXTURE_MAX_COMPONENTS);
  /** Per component: scale index. */
  readonly scale = new Int32Array(MIXTURE_MAX_COMPONENTS);
  /** Per component: offset limit of its scale (LogisticTable.offsetLimit). */
  readonly limit = new Int32Array(MIXTURE_MAX_COMPONENTS);
  /** Per component: position multiplier of its scale. */
  readonly multiplier = new Float64Array(MIXTURE_MAX_COMPONENTS);
  /** Per component: weight. */
  readonly weight = new Float64Array(MIXTURE_MAX_COMPONENTS);
}

/**
 * Prepares the mixture whose components sit at [offset, offset + components) of the arrays. Its window is the union
 * of the components' windows, or round(mu) +- HALF_WIDTH_MAX of the heaviest component (the first on ties) when
 * the union is wider than 2 * HALF_WIDTH_MAX + 1.
 */
export function prepareMixture(
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, offset: number, components: number, out: PreparedMixture,
): void {
  let lo = MAX_INT;
  let hi = -MAX_INT;
  let total = 0;
  let heaviest = 0;
  let heaviestWeight = -1;
  // Branch-free int32 min / max / argmax: component parameters are random-looking, branches would mispredict.
  for (let c = 0; c < components; c++) {
    const muQ = mus[offset + c]!;
    const k = scales[offset + c]!;
    const w = weights[offset + c]!;
    out.mu[c] = muQ;
    out.scale[c] = k;
    out.limit[c] = OFFSET_LIMIT[k]!;
    out.multiplier[c] = MULTIPLIER[k]!;
    out.weight[c] = w;
    const center = windowCenter(muQ);
    const halfWidth = HALF_WIDTH[k]!;
    let d = center - halfWidth - lo;
    lo += d & (d >> 31);
    d = center + halfWidth - hi;
    hi += d & ~(d >> 31);
    total += w;
    const heavier = (heaviestWeight - w) >> 31;
    heaviestWeight += (w - heaviestWeight) & heavier;
    heaviest += (c - heaviest) & heavier;
  }
  if (hi - lo > 2 * HALF_WIDTH_MAX) {
    lo = windowCenter(out.mu[heaviest]!) - HALF_WIDTH_MAX;
    hi = lo + 2 * HALF_WIDTH_MAX;
  }
  out.components = components;
  out.lo = lo;
  out.nb = hi - lo + 3;
  out.total = total;
  out.spread = spreadOf(hi - lo + 3);
  out.heaviest = heaviest;
}

/**
 * Cumulative frequency of boundary j (0..nb) of a prepared mixture: 0 at j = 0, 2^24 at j = nb.
 */
export function mixtureBoundary(j: number, mixture: PreparedMixture): number {
  if (j <= 0 || j >= mixture.nb) return j <= 0 ? 0 : ONE;
  const edge = (mixture.lo + j - 1) * MU_ONE - HALF_MU;
  const mu = mixture.mu;
  const limits = mixture.limit;
  const multipliers = mixture.multiplier;
  const weight = mixture.weight;
  let sum = 0;
  for (let c = 0; c < mixture.components; c++) {
    // logisticCdfAt(edge - mu, k), inline.
    const limit = limits[c]!;
    let u = edge - mu[c]!;
    let d = u - limit;
    u -= d & ~(d >> 31);
    d = u + limit;
    u -= d & (d >> 31);
    const p = u * multipliers[c]! + POS_CENTER;
    const i = Math.floor(p * INV_POS_ONE);
    const a = CDF[i]!;
    sum += weight[c]! * (a + Math.floor((CDF[i + 1]! - a) * (p - i * POS_ONE) * INV_POS_ONE));
  }
  return Math.floor(Math.floor(sum / mixture.total) * mixture.spread) + j;
}

/**
 * mixtureBoundary, also setting mixture.slope: the cumulative frequency's slope per bin at boundary j (0 outside the
 * window's interior), which guides the decoder's Newton steps. The same arithmetic for the value (a separate copy
 * because the slope costs the encoder time it does not need).
 */
export function mixtureBoundaryWithSlope(j: number, mixture: PreparedMixture): number {
  if (j <= 0 || j >= mixture.nb) {
    mixture.slope = 0;
    return j <= 0 ? 0 : ONE;
  }
  const edge = (mixture.lo + j - 1) * MU_ONE - HALF_MU;
  const mu = mixture.mu;
  const limits = mixture.limit;
  const multipliers = mixture.multiplier;
  const weight = mixture.weight;
  let sum = 0;
  let slope = 0;
  for (let c = 0; c < mixture.components; c++) {
    const limit = limits[c]!;
    let u = edge - mu[c]!;
    let d = u - limit;
    u -= d & ~(d >> 31);
    d = u + limit;
    u -= d & (d >> 31);
    const multiplier = multipliers[c]!;
    const p = u * multiplier + POS_CENTER;
    const i = Math.floor(p * INV_POS_ONE);
    const a = CDF[i]!;
    const step = CDF[i + 1]! - a;
    const w = weight[c]!;
    sum += w * (a + Math.floor(step * (p - i * POS_ONE) * INV_POS_ONE));
    slope += w * step * multiplier;
  }
  const total = mixture.total;
  mixture.slope = (slope / total) * SLOPE_UNIT * mixture.spread + 1;
  return Math.floor(Math.floor(sum / total) * mixture.spread) + j;
}
