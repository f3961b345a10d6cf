/**
 * Format version 2's frequency model in the kernel (../mixture-slot-model.ts), per symbol from the chunk's
 * parameters: the window (kernel-context.ts's mixtureWindow), each component's slot range, and a component's
 * boundary pair. Invariant: ranges and boundaries equal prepareSlotMixture's and slotBoundary's bit for bit.
 */
import { cdfPair } from './kernel-cdf';
import { mixtureWindow, windowTotal_ } from './kernel-context';
import { HALF_MU, INV_CDF_ONE, MU_ONE, ONE, limitP, multP, musP, scalesP, weightsP } from './kernel-memory';

/**
 * Two symbols' slot ranges (A and B, for the decoder's pairs; the encoder uses A): per component (16 at most) the
 * first slot of its range and its width W_c, two f64 at 16c.
 */
export const RANGES_A: usize = memory.data(16 * 16, 16);
export const RANGES_B: usize = memory.data(16 * 16, 16);

// The window of the last slotWindow.
export let lo_ = 0;
export let nb_ = 0;

/**
 * The window of chunk symbol i (sets lo_, nb_; windowTotal_ is its weight total).
 * @returns nb as an f64
 */
// @ts-ignore: decorator
@inline export function slotWindow(i: i32, components: i32): f64 {
  const window = mixtureWindow(<usize>i * <usize>components, components);
  lo_ = <i32>window;
  nb_ = <i32>(window >> 32);
  return <f64>nb_;
}

/**
 * The end of component c's slot range given the weights up to it (`cumulative`): nb + floor((2^24 - nb) *
 * cumulative / total), every product below 2^48 and the quotient's floor exact.
 */
// @ts-ignore: decorator
@inline export function rangeEnd(nb: f64, cumulative: f64, total: f64): f64 {
  return nb + Math.floor((ONE - nb) * cumulative / total);
}

/**
 * Lays out chunk symbol i's slots after slotWindow at `ranges` (RANGES_A or RANGES_B), and finds the component whose
 * range holds `slot` (counted without a branch).
 * @returns that component, or -1 for a leak slot (slot < nb)
 */
// @ts-ignore: decorator
@inline export function slotRanges(i: i32, components: i32, nb: f64, slot: f64, ranges: usize): i32 {
  const params = <usize>i * <usize>components;
  const total = windowTotal_;
  let cumulative: f64 = 0;
  let edge = nb;
  let c = select<i32>(0, -1, slot >= nb);
  for (let e = 0; e < components; e++) {
    cumulative += <f64>load<i32>(weightsP + ((params + <usize>e) << 2));
    const next = rangeEnd(nb, cumulative, total);
    store<f64>(ranges + (<usize>e << 4), edge);
    store<f64>(ranges + (<usize>e << 4), next - edge, 8);
    c += i32(next <= slot);
    edge = next;
  }
  return c;
}

/**
 * The component whose parameters sit at byte offset q of the chunk arrays, with a range of `width` slots: its
 * boundaries j and j + 1 (lanes 0 and 1) for the bin whose lower edge lies at `edge` (offset from 0, mu units),
 * floor(F_c * W_c / 2^28) each (F_c * W_c < 2^52: exact), without the clamps at boundaries 0 and nb (the caller
 * applies them where they can occur).
 */
// @ts-ignore: decorator
@inline export function componentPair(q: usize, width: f64, edge: i32): v128 {
  const k = <usize>load<i32>(scalesP + q);
  const cdf = cdfPair(edge - load<i32>(musP + q), load<i32>(limitP + (k << 2)), load<f64>(multP + (k << 3)));
  return f64x2.floor(f64x2.mul(cdf, f64x2.splat(width * INV_CDF_ONE)));
}

/** componentPair of component c of chunk symbol i, its width from `ranges` (slotRanges'). */
// @ts-ignore: decorator
@inline export function slotPair(i: i32, components: i32, c: i32, edge: i32, ranges: usize): v128 {
  const q = (<usize>i * <usize>components + <usize>c) << 2;
  return componentPair(q, load<f64>(ranges + (<usize>c << 4), 8), edge);
}

/** The lower edge of bin j in a window from lo, as an offset from 0 in mu units. */
// @ts-ignore: decorator
@inline export function binEdge(lo: i32, j: i32): i32 {
  return (lo + j - 1) * MU_ONE - HALF_MU;
}
