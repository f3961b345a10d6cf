/**
 * The decoder's job of the mixture kernel: runs of symbols, each one's bin search and rANS step, with the stream's
 * bytes in a window the host copied in. The search starts from the mu-ordered weight shares, then takes Newton steps
 * (slope: the probed bin's own frequency) inside an exact bracket, so any sequence of probes ends on the one right
 * bin. Consecutive symbols sit on different rANS lanes, so their searches are independent: the run searches two at
 * once, probe beside probe, and their latencies overlap. Invariant: every boundary equals mixtureBoundary
 * (../mixture-model.ts) and every state and word read the reference decoder's (../mixture-coder.ts), bit for bit;
 * escapes and a window that runs dry stop the run, and the host takes over.
 */
import { cdfPair } from './kernel-cdf';
import {
  CDF_ONE, COMP_BLOCK, COMP_KEY, COMP_LIMIT, COMP_MU, COMP_MULT, COMP_SCALE, COMP_WEIGHT, COMP_WEIGHT_I, CTX_LO, CTX_NB,
  CTX_SPREAD, CTX_TOTAL, HALF_MU, HALF_WIDTH_MAX, INV_CDF_ONE, MAX_INT, MU_ONE, ONE, compP, guessP, halfP, inputP,
  limitP, multP, musP, offsetPerPositionP, resultP, scalesP, symbolsP, weightsP,
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

// What find() / findTwo() found: per symbol its bin, boundary(j), boundary(j + 1), and its window's lo and nb.
let jA_ = 0;
let clA_: f64 = 0;
let chA_: f64 = 0;
let loA_ = 0;
let nbA_ = 0;
let jB_ = 0;
let clB_: f64 = 0;
let chB_: f64 = 0;
let loB_ = 0;
let nbB_ = 0;
/** The input window position of decodeRun (bytes). */
let pos_ = 0;

/** Sums w_c F_c at the lower edges of bins j and j + 1 (boundaries j and j + 1) of the context at `base`. */
// @ts-ignore: decorator
@inline function evaluatePair(base: usize, components: i32, lo: i32, j: i32): v128 {
  const e0 = (lo + j - 1) * MU_ONE - HALF_MU;
  let sums = f64x2.splat(0);
  for (let c = 0; c < components; c++) {
    const c4 = <usize>c << 2;
    const c8 = <usize>c << 3;
    const w = load<f64>(base + COMP_WEIGHT + c8);
    sums = f64x2.add(sums, f64x2.mul(f64x2.splat(w),
      cdfPair(e0 - load<i32>(base + COMP_MU + c4), load<i32>(base + COMP_LIMIT + c4), load<f64>(base + COMP_MULT + c8))));
  }
  return sums;
}

/** The cumulative frequency of boundary j (0..nb) from its weighted CDF sum (as mixtureBoundary). */
// @ts-ignore: decorator
@inline function boundary(sum: f64, total: f64, spread: f64, j: i32, nb: i32): f64 {
  return j <= 0 ? 0 : j >= nb ? ONE : Math.floor(Math.floor(sum / total) * spread) + <f64>j;
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
 * Prepares the context at `base` for symbol i of the chunk: its window (as prepareMixture), the compact component
 * block, and a first guess for `slot`: the component whose share of the weight, taking components in order of mu
 * (ties by index), holds the slot's level; then that component's quantile at the level within its share.
 * @returns the first bin to probe (0..nb-1)
 */
function prepare(i: i32, components: i32, slot: f64, base: usize): i32 {
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
    store<i32>(base + COMP_MU + c4, muQ);
    store<i32>(base + COMP_LIMIT + c4, load<i32>(limitP + k4));
    store<i32>(base + COMP_SCALE + c4, k);
    store<i32>(base + COMP_WEIGHT_I + c4, w);
    store<i32>(base + COMP_KEY + c4, ((muQ >> 4) << 4) | c);
    store<f64>(base + COMP_MULT + c8, load<f64>(multP + k8));
    store<f64>(base + COMP_WEIGHT + c8, <f64>w);
  }
  for (let c = components; (c & 3) != 0; c++) store<i32>(base + COMP_WEIGHT_I + (<usize>c << 2), 0);
  if (hi - lo > 2 * HALF_WIDTH_MAX) {
    lo = ((load<i32>(base + COMP_MU + (<usize>heaviest << 2)) + HALF_MU) >> 8) - HALF_WIDTH_MAX;
    hi = lo + 2 * HALF_WIDTH_MAX;
  }
  const nb = hi - lo + 3;
  const spread = (ONE - <f64>nb) * INV_CDF_ONE;
  store<i32>(base + CTX_LO, lo);
  store<i32>(base + CTX_NB, nb);
  store<f64>(base + CTX_TOTAL, total);
  store<f64>(base + CTX_SPREAD, spread);

  // Four components c at a time: before_c = sum of w_e over the components e that come first (smaller key: mu to
  // 1/16 pixel, then the index; only the guess depends on this order); c is picked when before_c <= target < before_c + w_c (integers, so floor(target) works).
  const target = slot * (1.0 / ONE) * total;
  const floorTarget = i32x4.splat(<i32>target);
  let pick = heaviest;
  let pickBefore: f64 = 0;
  for (let block = 0; block < components; block += 4) {
    const keyC = v128.load(base + COMP_KEY + (<usize>block << 2));
    let before = i32x4.splat(0);
    for (let e = 0; e < components; e++) {
      const first = i32x4.lt_s(i32x4.splat(load<i32>(base + COMP_KEY + (<usize>e << 2))), keyC);
      before = i32x4.add(before, v128.and(first, i32x4.splat(load<i32>(base + COMP_WEIGHT_I + (<usize>e << 2)))));
    }
    const end = i32x4.add(before, v128.load(base + COMP_WEIGHT_I + (<usize>block << 2)));
    const hits = i32x4.bitmask(v128.and(i32x4.le_s(before, floorTarget), i32x4.lt_s(floorTarget, end)));
    if (hits != 0) {
      const lane = ctz(hits);
      v128.store(resultP, before, 64);
      pick = block + lane;
      pickBefore = <f64>load<i32>(resultP + 64 + (<usize>lane << 2));
    }
  }
  let level = (target - pickBefore) / load<f64>(base + COMP_WEIGHT + (<usize>pick << 3)) * CDF_ONE;
  level = max<f64>(0, min<f64>(CDF_ONE - 1, level));
  const guess = <i64>guessValue(level, load<i32>(base + COMP_MU + (<usize>pick << 2)), load<i32>(base + COMP_SCALE + (<usize>pick << 2)))
    - <i64>lo + 1;

  return <i32>max<i64>(0, min<i64>(<i64>nb - 1, guess));
}

// The search's steps: pair evaluations (boundaries j and j + 1) inside an exact bracket boundary(jl) = cl <= slot <
// ch = boundary(jh), which always holds the answer; a Newton step from the probe's nearer boundary with the probed
// bin's frequency as the slope, bisection when a step leaves the bracket or after BISECT_AFTER probes.

/**
 * The search for symbol i of the chunk: the bin j whose interval [boundary(j), boundary(j + 1)) holds `slot`
 * (0..2^24-1). Sets jA_, clA_, chA_, loA_, nbA_.
 */
function find(i: i32, components: i32, slot: f64): void {
  const base = compP;
  let j = prepare(i, components, slot, base);
  const lo = load<i32>(base + CTX_LO);
  const nb = load<i32>(base + CTX_NB);
  const total = load<f64>(base + CTX_TOTAL);
  const spread = load<f64>(base + CTX_SPREAD);
  let jl = 0;
  let jh = nb;
  let cl: f64 = 0;
  let ch: f64 = ONE;
  let pairs = 0;
  while (jh - jl > 1) {
    if (j < jl || j >= jh || pairs >= BISECT_AFTER) j = jl + ((jh - jl) >> 1);
    pairs++;
    const sums = evaluatePair(base, components, lo, j);
    const b0 = boundary(f64x2.extract_lane(sums, 0), total, spread, j, nb);
    const b1 = boundary(f64x2.extract_lane(sums, 1), total, spread, j + 1, nb);
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
  jA_ = jl;
  clA_ = cl;
  chA_ = ch;
  loA_ = lo;
  nbA_ = nb;
}

/**
 * find() for symbols i (slot slotA, results in the A globals) and i + 1 (slotB, the B globals) at once: each round
 * probes both symbols first and then updates both brackets, so the two evaluation chains overlap.
 */
function findTwo(i: i32, components: i32, slotA: f64, slotB: f64): void {
  const baseA = compP;
  const baseB = compP + COMP_BLOCK;
  let jA = prepare(i, components, slotA, baseA);
  let jB = prepare(i + 1, components, slotB, baseB);
  const loA = load<i32>(baseA + CTX_LO);
  const nbA = load<i32>(baseA + CTX_NB);
  const totalA = load<f64>(baseA + CTX_TOTAL);
  const spreadA = load<f64>(baseA + CTX_SPREAD);
  const loB = load<i32>(baseB + CTX_LO);
  const nbB = load<i32>(baseB + CTX_NB);
  const totalB = load<f64>(baseB + CTX_TOTAL);
  const spreadB = load<f64>(baseB + CTX_SPREAD);
  let jlA = 0;
  let jhA = nbA;
  let clA: f64 = 0;
  let chA: f64 = ONE;
  let pairsA = 0;
  let jlB = 0;
  let jhB = nbB;
  let clB: f64 = 0;
  let chB: f64 = ONE;
  let pairsB = 0;
  let sumsA = f64x2.splat(0);
  let sumsB = f64x2.splat(0);
  while (true) {
    const liveA = jhA - jlA > 1;
    const liveB = jhB - jlB > 1;
    if (!liveA && !liveB) break;
    if (liveA) {
      if (jA < jlA || jA >= jhA || pairsA >= BISECT_AFTER) jA = jlA + ((jhA - jlA) >> 1);
      pairsA++;
      sumsA = evaluatePair(baseA, components, loA, jA);
    }
    if (liveB) {
      if (jB < jlB || jB >= jhB || pairsB >= BISECT_AFTER) jB = jlB + ((jhB - jlB) >> 1);
      pairsB++;
      sumsB = evaluatePair(baseB, components, loB, jB);
    }
    if (liveA) {
      const b0 = boundary(f64x2.extract_lane(sumsA, 0), totalA, spreadA, jA, nbA);
      const b1 = boundary(f64x2.extract_lane(sumsA, 1), totalA, spreadA, jA + 1, nbA);
      if (slotA < b0) {
        jhA = jA;
        chA = b0;
        jA -= <i32>Math.ceil((b0 - slotA) / (b1 - b0));
      } else if (slotA >= b1) {
        jlA = jA + 1;
        clA = b1;
        jA += 1 + <i32>Math.floor((slotA - b1) / (b1 - b0));
      } else {
        jlA = jA;
        jhA = jA + 1;
        clA = b0;
        chA = b1;
      }
    }
    if (liveB) {
      const b0 = boundary(f64x2.extract_lane(sumsB, 0), totalB, spreadB, jB, nbB);
      const b1 = boundary(f64x2.extract_lane(sumsB, 1), totalB, spreadB, jB + 1, nbB);
      if (slotB < b0) {
        jhB = jB;
        chB = b0;
        jB -= <i32>Math.ceil((b0 - slotB) / (b1 - b0));
      } else if (slotB >= b1) {
        jlB = jB + 1;
        clB = b1;
        jB += 1 + <i32>Math.floor((slotB - b1) / (b1 - b0));
      } else {
        jlB = jB;
        jhB = jB + 1;
        clB = b0;
        chB = b1;
      }
    }
  }
  jA_ = jlA;
  clA_ = clA;
  chA_ = chA;
  loA_ = loA;
  nbA_ = nbA;
  jB_ = jlB;
  clB_ = clB;
  chB_ = chB;
  loB_ = loB;
  nbB_ = nbB;
}

/**
 * The search alone, for one symbol of the chunk (the tests' view of it): the bin j whose interval holds `slot`.
 * Writes boundary(j), boundary(j + 1), the window's lo and nb to result[0..3].
 * @returns j (0 and nb - 1 are the escape bins)
 */
export function decodeFind(i: i32, components: i32, slot: f64): i32 {
  find(i, components, slot);
  store<f64>(resultP, clA_);
  store<f64>(resultP, chA_, 8);
  store<f64>(resultP, <f64>loA_, 16);
  store<f64>(resultP, <f64>nbA_, 24);
  return jA_;
}

/**
 * decodeAdvance's refill (../rans-core.ts) of state x from the input window at pos_, reading no byte at or past
 * `end`. @returns the state, below 2^36 only when the window ran dry (pos_ is then past the words it read)
 */
// @ts-ignore: decorator
@inline function refill(x: f64, end: i32): f64 {
  while (x < LOWER && pos_ + 2 <= end) {
    x = x * WORD + <f64>load<u16>(inputP + <usize>pos_);
    pos_ += 2;
  }
  return x;
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
  pos_ = pos;
  while (i < to) {
    // decodeSlot (../rans-core.ts) of both lanes: symbol i is on lane a, symbol i + 1 on lane b.
    const qa = Math.floor(a * INV_ONE);
    const qb = Math.floor(b * INV_ONE);
    const paired = i + 1 < to;
    if (paired) findTwo(i, components, a - qa * ONE, b - qb * ONE);
    else find(i, components, a - qa * ONE);
    if (jA_ == 0 || jA_ == nbA_ - 1) break;
    const start = pos_;
    const x = refill((chA_ - clA_) * qa + (a - qa * ONE) - clA_, end);
    if (x < LOWER) {
      pos_ = start;
      reason = 1;
      break;
    }
    store<i32>(symbolsP + (<usize>i << 2), loA_ + jA_ - 1);
    a = b;
    b = x;
    i++;
    if (!paired) continue;
    // Symbol i (the former i + 1) on lane a (the former b), already searched.
    if (jB_ == 0 || jB_ == nbB_ - 1) break;
    const start2 = pos_;
    const y = refill((chB_ - clB_) * qb + (a - qb * ONE) - clB_, end);
    if (y < LOWER) {
      pos_ = start2;
      reason = 1;
      break;
    }
    store<i32>(symbolsP + (<usize>i << 2), loB_ + jB_ - 1);
    a = b;
    b = y;
    i++;
  }
  store<f64>(resultP, a, 32);
  store<f64>(resultP, b, 40);
  store<f64>(resultP, <f64>pos_, 48);
  store<f64>(resultP, reason, 56);
  return i;
}
