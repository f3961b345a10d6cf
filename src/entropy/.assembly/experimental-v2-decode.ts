/**
 * EXPERIMENTAL, NOT SHIPPED: the WASM decoder of the measured prototype for a possible format version 2
 * (scripts/prototype-mixture-v2.ts builds and runs it; `npm run build` does not compile it and nothing in the
 * product imports it). "Component-slot" mixture frequencies: the decoder finds the component whose slot range holds
 * the slot and inverts that one logistic, then adds up the other components' frequencies at the found bin; no
 * mixture search. Invariant: it decodes what the prototype's TypeScript encoder wrote, bit for bit (the script checks).
 * Scalar code and one rANS state: a conservative speed for the definition (the shipped kernel uses SIMD, two lanes).
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
  p = align(p + 8 * 32);
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

/** logisticCdfAt (../logistic-model.ts), the same operations in the same order. */
// @ts-ignore: decorator
@inline function cdfAt(u: i32, k: i32): f64 {
  const limit = load<i32>(limitP + (<usize>k << 2));
  u = max(-limit, min(limit, u));
  const p = <f64>u * load<f64>(multP + (<usize>k << 3)) + POS_CENTER;
  const t = Math.floor(p * INV_POS_ONE);
  const r = cdfP + (<usize>(<i32>t) << 3);
  const a = load<f64>(r);
  return a + Math.floor((load<f64>(r, 8) - a) * (p - t * POS_ONE) * INV_POS_ONE);
}

/** Component boundary j of a component (mu, k) with `width` slots in a window from lo of nb bins. */
// @ts-ignore: decorator
@inline function componentBoundary(j: i32, lo: i32, nb: i32, mu: i32, k: i32, width: f64): f64 {
  if (j <= 0) return 0;
  if (j >= nb) return width;
  return Math.floor(cdfAt((lo + j - 1) * MU_ONE - HALF_MU - mu, k) * width * INV_CDF_ONE);
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

/**
 * Decodes n symbols (no escapes) from state x, reading 16-bit words from input[pos, end).
 * @returns the final state (the prototype's encoder started from 2^36)
 */
export function decode(n: i32, components: i32, x: f64, pos: i32, end: i32): f64 {
  for (let i = 0; i < n; i++) {
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
    // Component slot ranges: [start_c, start_c + width_c), after the nb leak slots.
    let cumulative: f64 = 0;
    let edge = <f64>nb;
    for (let c = 0; c < components; c++) {
      cumulative += <f64>load<i32>(weightsP + ((params + <usize>c) << 2));
      const next = <f64>nb + Math.floor(share * cumulative / total);
      store<f64>(rangeP + (<usize>c << 4), edge);
      store<f64>(rangeP + (<usize>c << 4), next - edge, 8);
      edge = next;
    }
    const quotient = Math.floor(x * INV_ONE);
    const slot = x - quotient * ONE;
    let j: i32;
    let rank: f64 = 0;
    let f: f64 = 1;
    if (slot < <f64>nb) {
      j = <i32>slot;
      for (let e = 0; e < components; e++) {
        const q = (params + <usize>e) << 2;
        const mu = load<i32>(musP + q);
        const k = load<i32>(scalesP + q);
        const width = load<f64>(rangeP + (<usize>e << 4), 8);
        f += componentBoundary(j + 1, lo, nb, mu, k, width) - componentBoundary(j, lo, nb, mu, k, width);
      }
    } else {
      let c = 0;
      while (slot >= load<f64>(rangeP + (<usize>c << 4)) + load<f64>(rangeP + (<usize>c << 4), 8)) c++;
      const qc = (params + <usize>c) << 2;
      const muC = load<i32>(musP + qc);
      const kC = load<i32>(scalesP + qc);
      const widthC = load<f64>(rangeP + (<usize>c << 4), 8);
      const t = slot - load<f64>(rangeP + (<usize>c << 4));
      const level = min<f64>(CDF_ONE - 1, (t + 0.5) / widthC * CDF_ONE);
      j = guessValue(level, muC, kC) - lo + 1;
      j = max(0, min(nb - 1, j));
      let below = componentBoundary(j, lo, nb, muC, kC, widthC);
      while (below > t) below = componentBoundary(--j, lo, nb, muC, kC, widthC);
      let above = componentBoundary(j + 1, lo, nb, muC, kC, widthC);
      while (above <= t) {
        below = above;
        above = componentBoundary(++j + 1, lo, nb, muC, kC, widthC);
      }
      f += above - below;
      rank = 1 + t - below;
      for (let e = 0; e < components; e++) {
        if (e == c) continue;
        const q = (params + <usize>e) << 2;
        const mu = load<i32>(musP + q);
        const k = load<i32>(scalesP + q);
        const width = load<f64>(rangeP + (<usize>e << 4), 8);
        const fe = componentBoundary(j + 1, lo, nb, mu, k, width) - componentBoundary(j, lo, nb, mu, k, width);
        f += fe;
        rank += select<f64>(fe, 0, e < c);
      }
    }
    x = f * quotient + rank;
    while (x < LOWER && pos + 2 <= end) {
      x = x * WORD + <f64>load<u16>(inputP + <usize>pos);
      pos += 2;
    }
    store<i32>(outP + (<usize>i << 2), lo + j - 1);
  }
  return x;
}
