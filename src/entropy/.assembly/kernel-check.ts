/**
 * The parameter screen of the mixture kernel: whether a chunk's parameters pass checkMixtureParams
 * (../batch-checks.ts), with SIMD min / max. Invariant: it never accepts what the reference check rejects.
 */
import { SCALE_COUNT, musP, scalesP, weightsP } from './kernel-memory';

/**
 * Whether the chunk's n symbols have valid parameters (as checkMixtureParams): mus within +-2^28, scale indices
 * 0..576, weights 0..2^24 and each symbol's weights summing to 1..2^24. Returns 1 or 0.
 */
export function checkChunk(n: i32, components: i32): i32 {
  const count = n * components;
  let muLow = i32x4.splat(0);
  let muHigh = i32x4.splat(0);
  let scaleLow = i32x4.splat(0);
  let scaleHigh = i32x4.splat(0);
  let weightLow = i32x4.splat(0);
  let weightHigh = i32x4.splat(0);
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    const at = <usize>q << 2;
    const mu = v128.load(musP + at);
    const scale = v128.load(scalesP + at);
    const weight = v128.load(weightsP + at);
    muLow = i32x4.min_s(muLow, mu);
    muHigh = i32x4.max_s(muHigh, mu);
    scaleLow = i32x4.min_s(scaleLow, scale);
    scaleHigh = i32x4.max_s(scaleHigh, scale);
    weightLow = i32x4.min_s(weightLow, weight);
    weightHigh = i32x4.max_s(weightHigh, weight);
  }
  let bad = lanesOutside(muLow, muHigh, -268435456, 268435456) | lanesOutside(scaleLow, scaleHigh, 0, SCALE_COUNT - 1)
    | lanesOutside(weightLow, weightHigh, 0, 16777216);
  for (; q < count; q++) {
    const at = <usize>q << 2;
    const mu = load<i32>(musP + at);
    const scale = load<i32>(scalesP + at);
    const weight = load<i32>(weightsP + at);
    bad |= i32(mu < -268435456) | i32(mu > 268435456) | i32(scale < 0) | i32(scale >= SCALE_COUNT) | i32(weight < 0)
      | i32(weight > 16777216);
  }
  if (bad != 0) return 0;
  // Weights are now known to be 0..2^24, so a sum of at most 16 cannot overflow int32.
  let totalLow = 16777216;
  let totalHigh = 1;
  for (let i = 0, r = 0; i < n; i++) {
    let total = 0;
    for (let c = 0; c < components; c++, r++) total += load<i32>(weightsP + (<usize>r << 2));
    totalLow = min(totalLow, total);
    totalHigh = max(totalHigh, total);
  }
  return i32(totalLow >= 1 && totalHigh <= 16777216);
}

/** 1 when a lane of `low` is below `min` or a lane of `high` above `max`. */
function lanesOutside(low: v128, high: v128, min: i32, max: i32): i32 {
  const outside = v128.or(i32x4.lt_s(low, i32x4.splat(min)), i32x4.gt_s(high, i32x4.splat(max)));
  return i32(v128.any_true(outside));
}
