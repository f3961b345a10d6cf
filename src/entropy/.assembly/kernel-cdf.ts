/**
 * The table CDF of one component at two neighbouring bin edges, the one evaluation every kernel job is built on.
 * Invariant: each lane equals logisticCdfAt (../logistic-model.ts) bit for bit: the same int32 clamp and the same
 * IEEE double operations in the same order (WASM, like JS, rounds every operation and never fuses).
 */
import { INV_POS_ONE, MU_ONE, POS_CENTER, POS_ONE, cdfP } from './kernel-memory';

/** 2^52: added to an integer-valued double in [0, 2^31), it leaves that integer in the low 32 bits of the lane. */
const INDEX_MAGIC: f64 = 4503599627370496;

/**
 * The table CDF (times 2^28) at the clamped offsets in lanes 0 and 1 of `u` (i32x4, each within the component's
 * +-offset limit) for a component with position multiplier `m` in both lanes of an f64x2.
 */
// @ts-ignore: decorator
@inline export function cdfPairClamped(u: v128, m: v128): v128 {
  const p = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(u), m), f64x2.splat(POS_CENTER));
  const t = f64x2.floor(f64x2.mul(p, f64x2.splat(INV_POS_ONE)));
  // t is an integer in [0, TABLE_SIZE - 1] (the clamp keeps p within the table), so its index is the low word of
  // t + 2^52: no float-to-int conversion on the way to the loads.
  const index = f64x2.add(t, f64x2.splat(INDEX_MAGIC));
  const r0 = cdfP + (<usize>i32x4.extract_lane(index, 0) << 3);
  const r1 = cdfP + (<usize>i32x4.extract_lane(index, 2) << 3);
  const a = v128.load64_lane(r1, v128.load64_zero(r0), 1);
  const b = v128.load64_lane(r1, v128.load64_zero(r0, 8), 1, 8);
  const fraction = f64x2.sub(p, f64x2.mul(t, f64x2.splat(POS_ONE)));
  return f64x2.add(a, f64x2.floor(f64x2.mul(f64x2.mul(f64x2.sub(b, a), fraction), f64x2.splat(INV_POS_ONE))));
}

/**
 * The table CDF (times 2^28) at offsets u0 and u0 + MU_ONE from mu in the two lanes of an f64x2, for a component
 * with offset limit `limit` and position multiplier `m`.
 */
// @ts-ignore: decorator
@inline export function cdfPair(u0: i32, limit: i32, m: f64): v128 {
  let u = i32x4.add(i32x4.splat(u0), i32x4(0, MU_ONE, 0, 0));
  u = i32x4.max_s(i32x4.min_s(u, i32x4.splat(limit)), i32x4.splat(-limit));
  return cdfPairClamped(u, f64x2.splat(m));
}
