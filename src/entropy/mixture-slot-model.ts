/**
 * The format version 2 mixture frequency model ("component slots"): the 2^24 slots are nb leak slots (one per bin
 * of prepareMixture's window, escape bins included), then one range of W_c slots per component in component order,
 * W_c from the weights; component c quantises its own table CDF into its range, floor(F_c * W_c / 2^28). Bin j owns
 * its leak slot and, per component, the sub-range between that component's boundaries j and j + 1. Invariant: every
 * bin has >= 1 slot and the slots of all bins partition [0, 2^24), so a decoder finds the component from the slot
 * and inverts one logistic instead of searching the mixture.
 */
import type { ScaleIndexArray } from './logistic-params.js';
import { logisticCdfAt } from './logistic-model.js';
import { MIXTURE_MAX_COMPONENTS, PreparedMixture, prepareMixture, type WeightArray } from './mixture-model.js';
import { PROBABILITY_ONE } from './rans-core.js';

const MU_ONE = 256;
const HALF_MU = 128;
const INV_CDF_ONE = 2 ** -28;

/** One symbol's slot layout (prepareSlotMixture), and the per-component frequencies of the last bin evaluated. */
export class SlotMixture {
  /** The window and components (prepareMixture's). */
  readonly mixture = new PreparedMixture();
  /** Per component: the first slot of its range (nb for the first component). */
  readonly start = new Float64Array(MIXTURE_MAX_COMPONENTS);
  /** Per component: W_c, the slots of its range (the widths sum to 2^24 - nb). */
  readonly width = new Float64Array(MIXTURE_MAX_COMPONENTS);
  /** Per component, set by slotBinFrequency: its boundary at the bin (slots of its range below the bin). */
  readonly below = new Float64Array(MIXTURE_MAX_COMPONENTS);
  /** Per component, set by slotBinFrequency: its slots in the bin. */
  readonly freq = new Float64Array(MIXTURE_MAX_COMPONENTS);
}

/**
 * Prepares the slot layout of the mixture at components [offset, offset + components) of the arrays (validated as
 * checkMixtureParams does): W_c = floor(S * w_0..c / total) - floor(S * w_0..c-1 / total) with S = 2^24 - nb (every
 * product below 2^48, every quotient's floor exact).
 */
export function prepareSlotMixture(
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, offset: number, components: number, out: SlotMixture,
): void {
  const m = out.mixture;
  prepareMixture(mus, scales, weights, offset, components, m);
  const share = PROBABILITY_ONE - m.nb;
  let cumulative = 0;
  let edge = m.nb;
  for (let c = 0; c < components; c++) {
    cumulative += m.weight[c]!;
    const next = m.nb + Math.floor((share * cumulative) / m.total);
    out.start[c] = edge;
    out.width[c] = next - edge;
    edge = next;
  }
}

/** Component c's boundary j (0..nb): floor(F_c(edge of bin j) * W_c / 2^28), 0 at j = 0 and W_c at j = nb. */
export function slotBoundary(s: SlotMixture, c: number, j: number): number {
  const m = s.mixture;
  if (j <= 0) return 0;
  const width = s.width[c]!;
  if (j >= m.nb) return width;
  // F < 2^28 and W_c < 2^24: the product is an exact integer below 2^52.
  return Math.floor(logisticCdfAt((m.lo + j - 1) * MU_ONE - HALF_MU - m.mu[c]!, m.scale[c]!) * width * INV_CDF_ONE);
}

/**
 * The frequency of bin j (0..nb-1): its leak slot plus every component's slots in it; fills s.below and s.freq.
 */
export function slotBinFrequency(s: SlotMixture, j: number): number {
  let total = 1;
  for (let c = 0; c < s.mixture.components; c++) {
    const below = slotBoundary(s, c, j);
    const f = slotBoundary(s, c, j + 1) - below;
    s.below[c] = below;
    s.freq[c] = f;
    total += f;
  }
  return total;
}

/**
 * The slot of rank r (0..f-1) among bin j's slots, after slotBinFrequency(s, j): rank 0 is the leak slot j, then
 * each component's slots in the bin, in component order.
 */
export function slotOfRank(s: SlotMixture, j: number, r: number): number {
  if (r === 0) return j;
  r -= 1;
  let c = 0;
  while (r >= s.freq[c]!) r -= s.freq[c++]!;
  return s.start[c]! + s.below[c]! + r;
}
