/**
 * EXPERIMENTAL, NOT SHIPPED: the WASM decoder of the measured prototype for a possible format version 2
 * (scripts/prototype-mixture-v2.ts builds and runs it; `npm run build` does not compile it and nothing in the
 * product imports it). "Component-slot" mixture frequencies: the decoder finds the component whose slot range holds
 * the slot and inverts that one logistic, then adds up the other components' frequencies at the found bin; no
 * mixture search. Invariant: it decodes what the prototype's TypeScript encoder wrote, bit for bit (the script checks).
 * Two rANS lanes and pair evaluations as the shipped kernel, but no batched preparation: a conservative speed.
 */

// Format version 1 constants shared with the shipped kernel (./kernel-memory.ts).
const TABLE_SIZE: i32 = 2561;
const SCALE_COUNT: i32 = 577;
const GUESS_BUCKETS: i32 = 4096;
const HALF_MU: i32 = 128;
const MU_ONE: i32 = 256;
const POS_ONE: f64 = 268435456;
const INV_POS_ONE: f64 = 1.0 / 268435456;
const POS_CENTER: f64 = 1280 * 268435456;
const CDF_ONE: f64 = 268435456;
const INV_CDF_ONE: f64 = 1.0 / 268435456;
const ONE: f64 = 16777216;
const INV_ONE: f64 = 1.0 / 16777216;
const HALF_WIDTH_MAX: i32 = 131071;
const MAX_INT: i32 = 1073741823;
const LOWER: f64 = 68719476736;
const WORD: f64 = 65536;
const LEVEL_TO_BUCKET: f64 = 1.0 / 65536;
const INV_MU_ONE: f64 = 1.0 / 256;

let cdfP: usize = 0;
let multP: usize = 0;
let limitP: usize = 0;
let halfP: usize = 0;
let guessP: usize = 0;
let offsetPerPositionP: usize = 0;
let rangeP: usize = 0;
let musP: usize = 0;
let scalesP: usize = 0;
let weightsP: usize = 0;
let inputP: usize = 0;
let outP: usize = 0;

function align(p: usize): usize {
  return (p + 63) & ~(<usize>63);
}

/** Lays memory out for n symbols of `components` components and a stream of `bytes` bytes; @returns its end. */
export function layout(n: i32, components: i32, bytes: i32): usize {
  let p = align(__heap_base);
  cdfP = p;
  p = align(p + 8 * (<usize>TABLE_SIZE + 1));
  multP = p;
  p = align(p + 8 * <usize>SCALE_COUNT);
  limitP = p;
  p = align(p + 4 * <usize>SCALE_COUNT);
  halfP = p;
  p = align(p + 4 * <usize>SCALE_COUNT);
  guessP = p;
  p = align(p + 8 * (<usize>GUESS_BUCKETS + 1));
  offsetPerPositionP = p;
  p = align(p + 8 * <usize>SCALE_COUNT);
  rangeP = p;
  p = align(p + 8 * 64); // two symbols' slot ranges, 16 components each
  const parameters = (<usize>n * <usize>components) << 2;
  musP = p;
  p = align(p + parameters);
  scalesP = p;
  p = align(p + parameters);
  weightsP = p;
  p = align(p + parameters);
  outP = p;
  p = align(p + 4 * <usize>n);
  inputP = p;
  return align(p + <usize>bytes + 8);
}

/**
 * Addresses: cdf, multipliers, limits, half-widths, guess positions, offset per position, mus, scales, weights, out,
 * input.
 */
export function address(which: i32): usize {
  switch (which) {
    case 0: return cdfP;
    case 1: return multP;
    case 2: return limitP;
    case 3: return halfP;
    case 4: return guessP;
    case 5: return offsetPerPositionP;
    case 6: return musP;
    case 7: return scalesP;
    case 8: return weightsP;
    case 9: return outP;
    default: return inputP;
  }
}

/**
 * Component (mu, k)'s boundaries j and j + 1 (lanes 0 and 1) in a window from lo of nb bins with `width` slots:
 * floor(logisticCdfAt(edge - mu, k) * width / 2^28), 0 at boundary 0 and width at boundary nb. Each lane repeats
 * logisticCdfAt's operations in its order (as the shipped kernel's cdfPair).
 */
// @ts-ignore: decorator
@inline function boundaryPair(j: i32, lo: i32, nb: i32, mu: i32, k: i32, width: f64): v128 {
  const limit = load<i32>(limitP + (<usize>k << 2));
  let u = i32x4.add(i32x4.splat((lo + j - 1) * MU_ONE - HALF_MU - mu), i32x4(0, MU_ONE, 0, 0));
  u = i32x4.max_s(i32x4.min_s(u, i32x4.splat(limit)), i32x4.splat(-limit));
  const p = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(u), f64x2.splat(load<f64>(multP + (<usize>k << 3)))),
    f64x2.splat(POS_CENTER));
  const t = f64x2.floor(f64x2.mul(p, f64x2.splat(INV_POS_ONE)));
  const r0 = cdfP + (<usize>(<i32>f64x2.extract_lane(t, 0)) << 3);
  const r1 = cdfP + (<usize>(<i32>f64x2.extract_lane(t, 1)) << 3);
  const a = v128.load64_lane(r1, v128.load64_zero(r0), 1);
  const b = v128.load64_lane(r1, v128.load64_zero(r0, 8), 1, 8);
  const fraction = f64x2.sub(p, f64x2.mul(t, f64x2.splat(POS_ONE)));
  const cdf = f64x2.add(a, f64x2.floor(f64x2.mul(f64x2.mul(f64x2.sub(b, a), fraction), f64x2.splat(INV_POS_ONE))));
  const q = f64x2.floor(f64x2.mul(f64x2.mul(cdf, f64x2.splat(width)), f64x2.splat(INV_CDF_ONE)));
  return f64x2.replace_lane(f64x2.replace_lane(q, 0, j <= 0 ? 0 : f64x2.extract_lane(q, 0)), 1,
    j + 1 >= nb ? width : f64x2.extract_lane(q, 1));
}

/** First value to try for CDF level `level` of logistic (mu, k) (the shipped kernel's guess). */
// @ts-ignore: decorator
@inline function guessValue(level: f64, mu: i32, k: i32): i32 {
  const f = level * LEVEL_TO_BUCKET;
  const bucket = Math.floor(f);
  const g = guessP + (<usize>(<i32>bucket) << 3);
  const low = load<f64>(g);
  const position = low + (load<f64>(g, 8) - low) * (f - bucket);
  const offset = (position - 1280) * load<f64>(offsetPerPositionP + (<usize>k << 3));
  const value = Math.floor((<f64>(mu + HALF_MU) + offset) * INV_MU_ONE);
  return <i32>max<f64>(-1073741824, min<f64>(1073741823, value));
}

// What decodeOne found: the value, and the state before its refill.
let value_: i32 = 0;
let state_: f64 = 0;

/** Decodes chunk symbol i (no escape) from state x: sets value_ and state_ (not yet refilled). */
// @ts-ignore: decorator
@inline function decodeOne(i: i32, components: i32, x: f64, range: usize): void {
  const params = <usize>i * <usize>components;
  let lo = MAX_INT;
  let hi = -MAX_INT;
  let total: f64 = 0;
  let heaviestMu = 0;
  let heaviestWeight = -1;
  for (let c = 0; c < components; c++) {
    const q = (params + <usize>c) << 2;
    const mu = load<i32>(musP + q);
    const k = load<i32>(scalesP + q);
    const w = load<i32>(weightsP + q);
    const center = (mu + HALF_MU) >> 8;
    const halfWidth = load<i32>(halfP + (<usize>k << 2));
    lo = min(lo, center - halfWidth);
    hi = max(hi, center + halfWidth);
    total += <f64>w;
    const heavier = w > heaviestWeight;
    heaviestWeight = select<i32>(w, heaviestWeight, heavier);
    heaviestMu = select<i32>(mu, heaviestMu, heavier);
  }
  if (hi - lo > 2 * HALF_WIDTH_MAX) {
    lo = ((heaviestMu + HALF_MU) >> 8) - HALF_WIDTH_MAX;
    hi = lo + 2 * HALF_WIDTH_MAX;
  }
  const nb = hi - lo + 3;
  const share = ONE - <f64>nb;
  const quotient = Math.floor(x * INV_ONE);
  const slot = x - quotient * ONE;
  // Component slot ranges [start_c, start_c + width_c) after the nb leak slots; the slot's component is the number
  // of ranges that end at or before it (branch-free), or none (-1) for a leak slot.
  let cumulative: f64 = 0;
  let edge = <f64>nb;
  let c = select<i32>(0, -1, slot >= <f64>nb);
  for (let e = 0; e < components; e++) {
    cumulative += <f64>load<i32>(weightsP + ((params + <usize>e) << 2));
    const next = <f64>nb + Math.floor(share * cumulative / total);
    store<f64>(range + (<usize>e << 4), edge);
    store<f64>(range + (<usize>e << 4), next - edge, 8);
    c += i32(next <= slot);
    edge = next;
  }
  let j: i32;
  let rank: f64 = 0;
  let f: f64 = 1;
  if (c < 0) {
    j = <i32>slot;
  } else {
    // That one logistic inverted: a table guess, checked (and stepped, rarely) with exact boundary pairs.
    const qc = (params + <usize>c) << 2;
    const muC = load<i32>(musP + qc);
    const kC = load<i32>(scalesP + qc);
    const widthC = load<f64>(range + (<usize>c << 4), 8);
    const t = slot - load<f64>(range + (<usize>c << 4));
    const level = min<f64>(CDF_ONE - 1, (t + 0.5) / widthC * CDF_ONE);
    j = max(0, min(nb - 1, guessValue(level, muC, kC) - lo + 1));
    let pair = boundaryPair(j, lo, nb, muC, kC, widthC);
    while (f64x2.extract_lane(pair, 0) > t || f64x2.extract_lane(pair, 1) <= t) {
      j += select<i32>(-1, 1, f64x2.extract_lane(pair, 0) > t);
      pair = boundaryPair(j, lo, nb, muC, kC, widthC);
    }
    f += f64x2.extract_lane(pair, 1) - f64x2.extract_lane(pair, 0);
    rank = 1 + t - f64x2.extract_lane(pair, 0);
  }
  // The other components' frequencies at bin j (all of them for a leak slot); those before c precede in rank.
  for (let e = 0; e < components; e++) {
    if (e == c) continue;
    const q = (params + <usize>e) << 2;
    const pair = boundaryPair(j, lo, nb, load<i32>(musP + q), load<i32>(scalesP + q),
      load<f64>(range + (<usize>e << 4), 8));
    const fe = f64x2.extract_lane(pair, 1) - f64x2.extract_lane(pair, 0);
    f += fe;
    rank += select<f64>(fe, 0, e < c);
  }
  value_ = lo + j - 1;
  state_ = f * quotient + rank;
}

/**
 * Decodes n symbols (no escapes) on two rANS lanes (symbol i on lane i % 2, as format version 1), from states a
 * (symbol 0's) and b, reading 16-bit words from input[pos, end); a symbol's refill follows the one before it.
 * @returns 1 when both final states are 2^36 (the prototype's encoder starts both there), else 0
 */
export function decode(n: i32, components: i32, a: f64, b: f64, pos: i32, end: i32): i32 {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    decodeOne(i, components, a, rangeP);
    const valueA = value_;
    let x = state_;
    decodeOne(i + 1, components, b, rangeP + 256);
    let y = state_;
    while (x < LOWER && pos + 2 <= end) {
      x = x * WORD + <f64>load<u16>(inputP + <usize>pos);
      pos += 2;
    }
    while (y < LOWER && pos + 2 <= end) {
      y = y * WORD + <f64>load<u16>(inputP + <usize>pos);
      pos += 2;
    }
    store<i32>(outP + (<usize>i << 2), valueA);
    store<i32>(outP + (<usize>(i + 1) << 2), value_);
    a = x;
    b = y;
  }
  if (i < n) {
    decodeOne(i, components, a, rangeP);
    let x = state_;
    while (x < LOWER && pos + 2 <= end) {
      x = x * WORD + <f64>load<u16>(inputP + <usize>pos);
      pos += 2;
    }
    store<i32>(outP + (<usize>i << 2), value_);
    a = b;
    b = x;
  }
  return i32(a == LOWER && b == LOWER);
}
