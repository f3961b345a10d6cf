/**
 * The decoder's job of the mixture kernel: runs of symbols, each one's bin search and rANS step, with the stream's
 * bytes in a window the host copied in. The search starts from the mu-ordered weight shares, then takes Newton steps
 * (slope: the probed bin's own frequency) inside an exact bracket, so any sequence of probes ends on the one right
 * bin. Invariant: every boundary equals mixtureBoundary (../mixture-model.ts) and every state the reference decoder's
 * (../mixture-coder.ts) bit for bit; escapes and a window that runs dry stop the run, and the host takes over.
 */
import { cdfPair } from './kernel-cdf';
import {
  CDF_ONE, HALF_MU, HALF_WIDTH_MAX, INV_CDF_ONE, MAX_INT, MU_ONE, ONE, compLimitP, compMultP, compMuP, compScaleP,
  compWeightIP, compWeightP, guessP, halfP, inputP, limitP, multP, musP, offsetPerPositionP, resultP, scalesP,
  symbolsP, weightsP,
} from './kernel-memory';

const CENTER_POSITION: f64 = 1280;
const INV_MU_ONE: f64 = 1.0 / 256;
const LEVEL_TO_BUCKET: f64 = 1.0 / 65536; // 2^(12 - 28)
/** Pair evaluations before the search falls back to bisection (bounds the work per symbol). */
const BISECT_AFTER: i32 = 8;
const INV_ONE: f64 = 1.0 / 16777216;
const WORD: f64 = 65536;
/** STATE_LOWER (../rans-core.ts): a decoder state is refilled until it reaches 2^36. */
const LOWER: f64 = 68719476736;

// The current symbol's window and components (one symbol at a time), and what find() found.
let components_ = 0;
let lo_ = 0;
let nb_ = 0;
let sum0_: f64 = 0;
let sum1_: f64 = 0;
let cl_: f64 = 0;
let ch_: f64 = 0;

/**
 * Sums w_c F_c at the lower edges of bins j and j + 1 (boundaries j and j + 1) into sum0_ and sum1_: the table for
 * components live at either edge, the saturated value times the weight for the others.
 */
function evaluatePair(j: i32): void {
  const e0 = (lo_ + j - 1) * MU_ONE - HALF_MU;
  let sums = f64x2.splat(0);
  for (let c = 0; c < components_; c++) {
    const w = load<f64>(compWeightP + (<usize>c << 3));
    const muQ = load<i32>(compMuP + (<usize>c << 2));
    sums = f64x2.add(sums, f64x2.mul(f64x2.splat(w),
      cdfPair(e0 - muQ, load<i32>(compLimitP + (<usize>c << 2)), load<f64>(compMultP + (<usize>c << 3)))));
  }
  sum0_ = f64x2.extract_lane(sums, 0);
  sum1_ = f64x2.extract_lane(sums, 1);
}

/**
 * A first guess of the value whose interval holds CDF level `level` (0..2^28-1) of logistic(muQ, scale k): the
 * table position interpolated from the guess table, mapped back to pixel units.
 */
function guessValue(level: f64, muQ: i32, k: i32): i32 {
  const f = level * LEVEL_TO_BUCKET;
  const bucket = Math.floor(f);
  const g = guessP + (<usize>(<i32>bucket) << 3);
  const low = load<f64>(g);
  const position = low + (load<f64>(g, 8) - low) * (f - bucket);
  const value = Math.floor((<f64>(muQ + HALF_MU) + (position - CENTER_POSITION) * load<f64>(offsetPerPositionP + (<usize>k << 3)))
    * INV_MU_ONE);
  return <i32>max<f64>(-1073741824, min<f64>(1073741823, value));
}

/**
 * The search for symbol i of the chunk: the bin j whose interval [boundary(j), boundary(j + 1)) holds `slot`
 * (0..2^24-1). Sets cl_ = boundary(j), ch_ = boundary(j + 1), lo_ and nb_.
 * @returns j (0 and nb - 1 are the escape bins)
 */
function find(i: i32, components: i32, slot: f64): i32 {
  const first = <usize>i * <usize>components;
  // The window (as prepareMixture), the heaviest component and the compact component block.
  let lo = MAX_INT;
  let hi = -MAX_INT;
  let total: f64 = 0;
  let heaviest = 0;
  let heaviestWeight = -1;
  for (let c = 0; c < components; c++) {
    const q = (first + <usize>c) << 2;
    const muQ = load<i32>(musP + q);
    const k = load<i32>(scalesP + q);
    const w = load<i32>(weightsP + q);
    const k4 = <usize>k << 2;
    const k8 = <usize>k << 3;
    const center = (muQ + HALF_MU) >> 8;
    const halfWidth = load<i32>(halfP + k4);
    lo = min(lo, center - halfWidth);
    hi = max(hi, center + halfWidth);
    total += <f64>w;
    const heavier = w > heaviestWeight;
    heaviestWeight = select<i32>(w, heaviestWeight, heavier);
    heaviest = select<i32>(c, heaviest, heavier);
    const c4 = <usize>c << 2;
    const c8 = <usize>c << 3;
    store<i32>(compMuP + c4, muQ);
    store<i32>(compLimitP + c4, load<i32>(limitP + k4));
    store<i32>(compScaleP + c4, k);
    store<i32>(compWeightIP + c4, w);
    store<f64>(compMultP + c8, load<f64>(multP + k8));
    store<f64>(compWeightP + c8, <f64>w);
  }
  for (let c = components; (c & 3) != 0; c++) store<i32>(compWeightIP + (<usize>c << 2), 0);
  if (hi - lo > 2 * HALF_WIDTH_MAX) {
    lo = ((load<i32>(compMuP + (<usize>heaviest << 2)) + HALF_MU) >> 8) - HALF_WIDTH_MAX;
    hi = lo + 2 * HALF_WIDTH_MAX;
  }
  const nb = hi - lo + 3;
  const spread = (ONE - <f64>nb) * INV_CDF_ONE;
  components_ = components;
  lo_ = lo;
  nb_ = nb;

  // First guess: the component whose share of the weight, taking components in order of mu (ties by index), holds
  // the slot's level; then that component's quantile at the level within its share.
  // Four components c at a time: before_c = sum of w_e over the components e that come first (smaller mu, or equal
  // mu and smaller index); c is picked when before_c <= target < before_c + w_c (integers, so floor(target) works).
  const target = slot * (1.0 / ONE) * total;
  const floorTarget = i32x4.splat(<i32>target);
  let pick = heaviest;
  let pickBefore: f64 = 0;
  for (let block = 0; block < components; block += 4) {
    const muC = v128.load(compMuP + (<usize>block << 2));
    const indexC = i32x4.add(i32x4.splat(block), i32x4(0, 1, 2, 3));
    let before = i32x4.splat(0);
    for (let e = 0; e < components; e++) {
      const muE = i32x4.splat(load<i32>(compMuP + (<usize>e << 2)));
      const first = v128.or(i32x4.lt_s(muE, muC), v128.and(i32x4.eq(muE, muC), i32x4.lt_s(i32x4.splat(e), indexC)));
      before = i32x4.add(before, v128.and(first, i32x4.splat(load<i32>(compWeightIP + (<usize>e << 2)))));
    }
    const end = i32x4.add(before, v128.load(compWeightIP + (<usize>block << 2)));
    const hits = i32x4.bitmask(v128.and(i32x4.le_s(before, floorTarget), i32x4.lt_s(floorTarget, end)));
    if (hits != 0) {
      const lane = ctz(hits);
      v128.store(resultP, before, 64);
      pick = block + lane;
      pickBefore = <f64>load<i32>(resultP + 64 + (<usize>lane << 2));
    }
  }
  let level = (target - pickBefore) / load<f64>(compWeightP + (<usize>pick << 3)) * CDF_ONE;
  level = max<f64>(0, min<f64>(CDF_ONE - 1, level));
  const guess = <i64>guessValue(level, load<i32>(compMuP + (<usize>pick << 2)), load<i32>(compScaleP + (<usize>pick << 2)))
    - <i64>lo + 1;

  // Pair evaluations (boundaries j and j + 1) inside an exact bracket boundary(jl) = cl <= slot < ch = boundary(jh),
  // which always holds the answer: a Newton step from the probe's nearer boundary with the probed bin's frequency
  // as the slope, bisection when a step leaves the bracket or after BISECT_AFTER probes.
  let j = <i32>max<i64>(0, min<i64>(<i64>nb - 1, guess));
  let jl = 0;
  let jh = nb;
  let cl: f64 = 0;
  let ch: f64 = ONE;
  let pairs = 0;
  while (jh - jl > 1) {
    if (j < jl || j >= jh || pairs >= BISECT_AFTER) j = jl + ((jh - jl) >> 1);
    pairs++;
    evaluatePair(j);
    const b0 = j <= 0 ? 0 : Math.floor(Math.floor(sum0_ / total) * spread) + <f64>j;
    const b1 = j + 1 >= nb ? ONE : Math.floor(Math.floor(sum1_ / total) * spread) + <f64>(j + 1);
    if (slot < b0) {
      jh = j;
      ch = b0;
      j -= <i32>Math.ceil((b0 - slot) / (b1 - b0));
    } else if (slot >= b1) {
      jl = j + 1;
      cl = b1;
      j += 1 + <i32>Math.floor((slot - b1) / (b1 - b0));
    } else {
      jl = j;
      jh = j + 1;
      cl = b0;
      ch = b1;
    }
  }
  cl_ = cl;
  ch_ = ch;
  return jl;
}

/**
 * The search alone, for one symbol of the chunk (the tests' view of it): the bin j whose interval holds `slot`.
 * Writes boundary(j), boundary(j + 1), the window's lo and nb to result[0..3].
 * @returns j (0 and nb - 1 are the escape bins)
 */
export function decodeFind(i: i32, components: i32, slot: f64): i32 {
  const j = find(i, components, slot);
  store<f64>(resultP, cl_);
  store<f64>(resultP, ch_, 8);
  store<f64>(resultP, <f64>lo_, 16);
  store<f64>(resultP, <f64>nb_, 24);
  return j;
}

/**
 * Decodes chunk symbols from, from + 1, ..., to - 1 into the symbol buffer with the rANS states in result[4] (a,
 * the lane of symbol `from`) and result[5] (b), swapping them after every symbol as the reference loop does, and
 * refilling from the input window bytes [pos, end) (16-bit little-endian words). Stops before a symbol that falls in
 * an escape bin (result[7] = 0) or whose refill would read past `end` (result[7] = 1); that symbol is untouched.
 * @returns the index of that symbol, or `to`; the states are back in result[4], result[5] and the window position
 *   in result[6]
 */
export function decodeRun(from: i32, to: i32, components: i32, pos: i32, end: i32): i32 {
  let a = load<f64>(resultP, 32);
  let b = load<f64>(resultP, 40);
  let reason: f64 = 0;
  let i = from;
  for (; i < to; i++) {
    // decodeSlot, the search, decodeAdvance (../rans-core.ts).
    const q = Math.floor(a * INV_ONE);
    const j = find(i, components, a - q * ONE);
    if (j == 0 || j == nb_ - 1) break;
    let x = (ch_ - cl_) * q + (a - q * ONE) - cl_;
    let p = pos;
    while (x < LOWER && p + 2 <= end) {
      x = x * WORD + <f64>load<u16>(inputP + <usize>p);
      p += 2;
    }
    if (x < LOWER) {
      reason = 1;
      break;
    }
    pos = p;
    store<i32>(symbolsP + (<usize>i << 2), lo_ + j - 1);
    a = b;
    b = x;
  }
  store<f64>(resultP, a, 32);
  store<f64>(resultP, b, 40);
  store<f64>(resultP, <f64>pos, 48);
  store<f64>(resultP, reason, 56);
  return i;
}
