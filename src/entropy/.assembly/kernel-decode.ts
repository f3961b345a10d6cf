/**
 * The decoder's job of the mixture kernel: runs of symbols, each one's bin search and rANS step, with the stream's
 * bytes in a window the host copied in, and the symbols' contexts prepared in passes ahead (kernel-context.ts). The
 * search starts from the context's guess, then takes Newton steps (slope: the probed bin's own frequency) inside an
 * exact bracket, so any sequence of probes ends on the one right bin. Consecutive symbols sit on different rANS
 * lanes, so their searches are independent: the run searches two at once, probe beside probe, and their latencies
 * overlap. Invariant: every boundary equals mixtureBoundary (../mixture-model.ts) and every state and word read the
 * reference decoder's (../mixture-coder.ts), bit for bit; escapes and a window that runs dry stop the run, and the
 * host takes over.
 */
import { cdfPairClamped } from './kernel-cdf';
import {
  OP_BYTES, OP_LIMIT, OP_MULT, OP_NEG_LIMIT, OP_NEG_MU, OP_WEIGHT, contextAt, fields_, guessBin, prepareContexts,
  setContextShape, stride_,
} from './kernel-context';
import { findSlotTwo } from './kernel-slot-decode';
import { chA_, chB_, clA_, clB_, foundA, foundB, jA_, jB_, loA_, loB_, nbA_, nbB_ } from './kernel-found';
import { CDF_ONE, CONTEXT_SYMBOLS, HALF_MU, MU_ONE, ONE, inputP, resultP, symbolsP } from './kernel-memory';

/** Pair evaluations before the search falls back to bisection (bounds the work per symbol). */
const BISECT_AFTER: i32 = 8;
const INV_ONE: f64 = 1.0 / 16777216;
const WORD: f64 = 65536;
/** STATE_LOWER (../rans-core.ts): a decoder state is refilled until it reaches 2^36. */
const LOWER: f64 = 68719476736;

/** The input window position of decodeRun (bytes). */
let pos_ = 0;

/**
 * Component operands `op`'s weighted table CDF pair w_c (F_c(edge), F_c(edge + 1)) at the edge offsets `edge`
 * (i32x4 splat of an edge's offset from 0).
 */
// @ts-ignore: decorator
@inline function weightedPair(op: usize, edge: v128): v128 {
  let u = i32x4.add(edge, v128.load(op + OP_NEG_MU));
  u = i32x4.max_s(i32x4.min_s(u, v128.load(op + OP_LIMIT)), v128.load(op + OP_NEG_LIMIT));
  return f64x2.mul(v128.load(op + OP_WEIGHT), cdfPairClamped(u, v128.load(op + OP_MULT)));
}

/**
 * sum_c w_c F_c at the lower edges of bins j and j + 1 of the context at `ctx` (lanes 0 and 1): the sums whose
 * floor(floor(sum / total) * spread) + j are boundaries j and j + 1 (mixtureBoundary). The terms are integers below
 * 2^52 and so are their partial sums (at most total * 2^28 <= 2^52), so every addition is exact and two
 * accumulators may add them in any order: the sums are mixtureBoundary's.
 */
// @ts-ignore: decorator
@inline function edgeSums(ctx: usize, components: i32, lo: i32, j: i32): v128 {
  const edge = i32x4.splat((lo + j - 1) * MU_ONE - HALF_MU);
  let even = weightedPair(ctx, edge);
  let odd = f64x2.splat(0);
  let c = 1;
  for (; c + 1 < components; c += 2) {
    const op = ctx + OP_BYTES * <usize>c;
    odd = f64x2.add(odd, weightedPair(op, edge));
    even = f64x2.add(even, weightedPair(op + OP_BYTES, edge));
  }
  if (c < components) odd = f64x2.add(odd, weightedPair(ctx + OP_BYTES * <usize>c, edge));
  return f64x2.add(even, odd);
}

/**
 * For boundaries j and j + 1 (lanes 0 and 1), the least edge sum that puts the boundary above `slot`: with
 * d = 2^24 - nb (spread = d / 2^28), boundary(k) = floor(q_k * d / 2^28) + k where q_k = floor(sum_k / total)
 * (both floors exact), so slot < boundary(k) exactly when q_k * d >= (slot + 1 - k) * 2^28, i.e. when
 * q_k >= Q = ceil((slot + 1 - k) * 2^28 / d), i.e. when sum_k >= Q * total (for 0 < k < nb). Q comes from a rounded
 * division and one exact correction (every product here is an integer below 2^53). It needs only the slot and j,
 * so it runs beside the probe's CDF evaluations instead of after them.
 */
// @ts-ignore: decorator
@inline function thresholds(slot: f64, j: i32, d: f64, total: f64): v128 {
  const scaled = f64x2.mul(f64x2.sub(f64x2.splat(slot + 1 - <f64>j), f64x2(0, 1)), f64x2.splat(CDF_ONE));
  const dv = f64x2.splat(d);
  let q = f64x2.ceil(f64x2.div(scaled, dv));
  q = f64x2.add(q, v128.and(f64x2.lt(f64x2.mul(q, dv), scaled), f64x2.splat(1)));
  return f64x2.mul(q, f64x2.splat(total));
}

/**
 * The boundaries (mixtureBoundary) in lanes 0 and 1 of the edge sums `sums` of boundaries jl and jh (0..nb): 0 at
 * 0 and 2^24 at nb, else floor(floor(sum / total) * spread) + j.
 */
// @ts-ignore: decorator
@inline function exactBoundaries(sums: v128, jl: i32, jh: i32, total: f64, spread: f64, nb: i32): v128 {
  const share = f64x2.floor(f64x2.div(sums, f64x2.splat(total)));
  const b = f64x2.add(f64x2.floor(f64x2.mul(share, f64x2.splat(spread))),
    f64x2.convert_low_i32x4_s(i32x4.replace_lane(i32x4.splat(jl), 1, jh)));
  return f64x2.replace_lane(f64x2.replace_lane(b, 0, jl <= 0 ? 0 : f64x2.extract_lane(b, 0)), 1,
    jh >= nb ? ONE : f64x2.extract_lane(b, 1));
}

// The search's steps: pair evaluations (the edge sums of boundaries j and j + 1) inside an exact bracket jl <= j* < jh
// (j* the answer; boundary(jl) <= slot < boundary(jh)), the side of each boundary decided exactly against
// thresholds(); a Newton step from the probe's nearer boundary (estimated as sum * spread / total + j: a guide only)
// with the probed bin's frequency as the slope, bisection when a step leaves the bracket or after BISECT_AFTER
// probes. The bracket keeps the edge sums of its ends, which give the answer's exact boundaries at the end.

/**
 * The searches for the symbols of contexts ctxA (slot slotA, results in the A globals) and ctxB (slotB, the B
 * globals) at once: each round probes both symbols first and then updates both brackets, so the two evaluation
 * chains overlap. ctxB may be ctxA with slotB = slotA (one symbol).
 */
function findTwo(ctxA: usize, ctxB: usize, components: i32, slotA: f64, slotB: f64): void {
  let jA = guessBin(ctxA, components, slotA);
  let jB = guessBin(ctxB, components, slotB);
  const loA = load<i32>(ctxA + fields_);
  const nbA = load<i32>(ctxA + fields_, 4);
  const totalA = load<f64>(ctxA + fields_, 8);
  const spreadA = load<f64>(ctxA + fields_, 16);
  const dA = ONE - <f64>nbA;
  const rateA = spreadA / totalA;
  const loB = load<i32>(ctxB + fields_);
  const nbB = load<i32>(ctxB + fields_, 4);
  const totalB = load<f64>(ctxB + fields_, 8);
  const spreadB = load<f64>(ctxB + fields_, 16);
  const dB = ONE - <f64>nbB;
  const rateB = spreadB / totalB;
  let jlA = 0;
  let jhA = nbA;
  let sumLA: f64 = 0;
  let sumHA: f64 = 0;
  let pairsA = 0;
  let jlB = 0;
  let jhB = nbB;
  let sumLB: f64 = 0;
  let sumHB: f64 = 0;
  let pairsB = 0;
  let sumsA = f64x2.splat(0);
  let sumsB = f64x2.splat(0);
  let aboveA = 0;
  let aboveB = 0;
  while (true) {
    const liveA = jhA - jlA > 1;
    const liveB = jhB - jlB > 1;
    if (!liveA && !liveB) break;
    if (liveA) {
      if (jA < jlA || jA >= jhA || pairsA >= BISECT_AFTER) jA = jlA + ((jhA - jlA) >> 1);
      pairsA++;
      sumsA = edgeSums(ctxA, components, loA, jA);
      // Bit k: slot < boundary(jA + k).
      aboveA = i64x2.bitmask(f64x2.ge(sumsA, thresholds(slotA, jA, dA, totalA)));
    }
    if (liveB) {
      if (jB < jlB || jB >= jhB || pairsB >= BISECT_AFTER) jB = jlB + ((jhB - jlB) >> 1);
      pairsB++;
      sumsB = edgeSums(ctxB, components, loB, jB);
      aboveB = i64x2.bitmask(f64x2.ge(sumsB, thresholds(slotB, jB, dB, totalB)));
    }
    if (liveA) {
      const s0 = f64x2.extract_lane(sumsA, 0);
      const s1 = f64x2.extract_lane(sumsA, 1);
      const b0 = s0 * rateA + <f64>jA;
      const b1 = s1 * rateA + <f64>(jA + 1);
      if (jA > 0 && (aboveA & 1) != 0) {
        jhA = jA;
        sumHA = s0;
        jA -= <i32>Math.ceil((b0 - slotA) / (b1 - b0));
      } else if (jA + 1 < nbA && (aboveA & 2) == 0) {
        jlA = jA + 1;
        sumLA = s1;
        jA += 1 + <i32>Math.floor((slotA - b1) / (b1 - b0));
      } else {
        jlA = jA;
        jhA = jA + 1;
        sumLA = s0;
        sumHA = s1;
      }
    }
    if (liveB) {
      const s0 = f64x2.extract_lane(sumsB, 0);
      const s1 = f64x2.extract_lane(sumsB, 1);
      const b0 = s0 * rateB + <f64>jB;
      const b1 = s1 * rateB + <f64>(jB + 1);
      if (jB > 0 && (aboveB & 1) != 0) {
        jhB = jB;
        sumHB = s0;
        jB -= <i32>Math.ceil((b0 - slotB) / (b1 - b0));
      } else if (jB + 1 < nbB && (aboveB & 2) == 0) {
        jlB = jB + 1;
        sumLB = s1;
        jB += 1 + <i32>Math.floor((slotB - b1) / (b1 - b0));
      } else {
        jlB = jB;
        jhB = jB + 1;
        sumLB = s0;
        sumHB = s1;
      }
    }
  }
  const boundsA = exactBoundaries(f64x2.replace_lane(f64x2.splat(sumLA), 1, sumHA), jlA, jhA, totalA, spreadA,
    nbA);
  const boundsB = exactBoundaries(f64x2.replace_lane(f64x2.splat(sumLB), 1, sumHB), jlB, jhB, totalB, spreadB,
    nbB);
  foundA(jlA, f64x2.extract_lane(boundsA, 0), f64x2.extract_lane(boundsA, 1), loA, nbA);
  foundB(jlB, f64x2.extract_lane(boundsB, 0), f64x2.extract_lane(boundsB, 1), loB, nbB);
}

/**
 * The search alone, for one symbol of the chunk (the tests' view of it): the bin j whose interval holds `slot`.
 * Writes boundary(j), boundary(j + 1), the window's lo and nb to result[0..3].
 * @returns j (0 and nb - 1 are the escape bins)
 */
export function decodeFind(i: i32, components: i32, slot: f64): i32 {
  setContextShape(components);
  prepareContexts(i, 1, components);
  findTwo(contextAt(0), contextAt(0), components, slot, slot);
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
 * The run loop of both mixture definitions (`slots`: format version 2): decodes chunk symbols from, from + 1, ...,
 * to - 1 into the symbol buffer with the rANS states in result[4] (a, the lane of symbol `from`) and result[5] (b),
 * swapping them after every symbol as the reference loop does, and refilling from the input window bytes
 * [pos, end) (16-bit little-endian words). Stops before a symbol that falls in an escape bin (result[7] = 0) or
 * whose refill would read past `end` (result[7] = 1); that symbol is untouched. Format version 1 prepares contexts
 * in passes; version 2 needs none (its per-symbol work reads the parameters once: measured faster).
 * @returns the index of that symbol, or `to`; the states are back in result[4], result[5] and the window position
 *   in result[6]
 */
// @ts-ignore: decorator
@inline function run(from: i32, to: i32, components: i32, pos: i32, end: i32, slots: bool): i32 {
  let a = load<f64>(resultP, 32);
  let b = load<f64>(resultP, 40);
  let reason: f64 = 0;
  let i = from;
  pos_ = pos;
  setContextShape(components);
  // The contexts hold symbols [passStart, prepared). A pass starts at an even distance from `from` (i steps by two)
  // and CONTEXT_SYMBOLS is even, so both symbols of a pair are in it.
  let passStart = from;
  let prepared = from;
  while (i < to) {
    if (!slots && i >= prepared) {
      passStart = i;
      prepared = min(to, i + CONTEXT_SYMBOLS);
      prepareContexts(i, prepared - i, components);
    }
    // decodeSlot (../rans-core.ts) of both lanes: symbol i is on lane a, symbol i + 1 on lane b.
    const qa = Math.floor(a * INV_ONE);
    const qb = Math.floor(b * INV_ONE);
    const paired = i + 1 < to;
    const ctx = contextAt(i - passStart);
    const slotA = a - qa * ONE;
    const ctxB = paired ? ctx + stride_ : ctx;
    const slotB = paired ? b - qb * ONE : slotA;
    if (slots) findSlotTwo(i, paired, components, slotA, slotB);
    else findTwo(ctx, ctxB, components, slotA, slotB);
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

/**
 * Decodes a run of format version 1 mixture symbols (see run): chunk symbols from..to-1, states in result[4],
 * result[5], input window bytes [pos, end).
 * @returns the index of the symbol it stopped before (an escape bin or a dry window, result[7] says which), or `to`
 */
export function decodeRun(from: i32, to: i32, components: i32, pos: i32, end: i32): i32 {
  return run(from, to, components, pos, end, false);
}

/** decodeRun for format version 2 mixtures (../mixture-slot-model.ts), with the same protocol. */
export function decodeSlotRun(from: i32, to: i32, components: i32, pos: i32, end: i32): i32 {
  return run(from, to, components, pos, end, true);
}
