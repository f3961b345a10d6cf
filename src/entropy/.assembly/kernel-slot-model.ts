/**
 * Format version 2's frequency model in the kernel (../mixture-slot-model.ts), per symbol from the chunk's
 * parameters: the window (kernel-context.ts's mixtureWindow), each component's slot range, and a component's
 * boundary pair. Invariant: ranges and boundaries equal prepareSlotMixture's and slotBoundary's bit for bit.
 */
import { cdfPair } from './kernel-cdf';
import { mixtureWindow, windowTotal_ } from './kernel-context';
import { HALF_MU, INV_CDF_ONE, MU_ONE, ONE, limitP, multP, musP, scalesP, weightsP } from './kernel-memory';

/** Per component (16 at most): the first slot of its range and its width W_c (two f64 at 16c). */
export const RANGES: usize = memory.data(16 * 16, 16);

// The window of the last slotLayout.
export let lo_ = 0;
export let nb_ = 0;

/**
 * Lays out chunk symbol i's slots: sets lo_, nb_ and RANGES (W_c = floor(S * w_0..c / total) - floor(S *
 * w_0..c-1 / total), S = 2^24 - nb; every product below 2^48, every quotient's floor exact).
 */
// @ts-ignore: decorator
@inline export function slotLayout(i: i32, components: i32): void {
  const params = <usize>i * <usize>components;
  const window = mixtureWindow(params, components);
  const nb = <f64>(<i32>(window >> 32));
  lo_ = <i32>window;
  nb_ = <i32>nb;
  const total = windowTotal_;
  const share = ONE - nb;
  let cumulative: f64 = 0;
  let edge = nb;
  for (let c = 0; c < components; c++) {
    cumulative += <f64>load<i32>(weightsP + ((params + <usize>c) << 2));
    const next = nb + Math.floor(share * cumulative / total);
    store<f64>(RANGES + (<usize>c << 4), edge);
    store<f64>(RANGES + (<usize>c << 4), next - edge, 8);
    edge = next;
  }
}

/**
 * Component c of chunk symbol i: its boundaries j and j + 1 (lanes 0 and 1) for the bin whose lower edge lies at
 * `edge` (offset from 0, in mu units), floor(F_c * W_c / 2^28) each (F_c * W_c < 2^52: exact), without the clamps
 * at boundaries 0 and nb (the caller applies them where they can occur).
 */
// @ts-ignore: decorator
@inline export function slotPair(i: i32, components: i32, c: i32, edge: i32): v128 {
  const q = (<usize>i * <usize>components + <usize>c) << 2;
  const k = <usize>load<i32>(scalesP + q);
  const cdf = cdfPair(edge - load<i32>(musP + q), load<i32>(limitP + (k << 2)), load<f64>(multP + (k << 3)));
  return f64x2.floor(f64x2.mul(cdf, f64x2.splat(load<f64>(RANGES + (<usize>c << 4), 8) * INV_CDF_ONE)));
}

/** The lower edge of bin j in a window from lo, as an offset from 0 in mu units. */
// @ts-ignore: decorator
@inline export function binEdge(lo: i32, j: i32): i32 {
  return (lo + j - 1) * MU_ONE - HALF_MU;
}
