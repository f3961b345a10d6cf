/**
 * The encoder's job of the mixture kernel: runs of symbols, each one's interval from one pair evaluation per
 * component, and their rANS puts. Invariant: intervals and words equal the reference encoder's (../mixture-coder.ts)
 * bit for bit; a symbol that escapes or has a capped window stops the run, and the host codes it.
 */
import { cdfPair } from './kernel-cdf';
import {
  HALF_MU, HALF_WIDTH_MAX, INV_CDF_ONE, MAX_INT, MU_ONE, ONE, halfP, limitP, multP, musP, resultP, scalesP, symbolsP,
  weightsP,
} from './kernel-memory';
import { renormalize, startWords, wordsWritten } from './kernel-put';

// The interval interval() found.
let start_: f64 = 0;
let freq_: f64 = 0;

/**
 * The encoder's interval of chunk symbol i into start_ and freq_; false where the symbol escapes or its window is
 * capped (the host codes those with the reference model).
 */
// @ts-ignore: decorator
@inline function interval(i: i32, components: i32): bool {
  const x = load<i32>(symbolsP + (<usize>i << 2));
  // Clamped so that every offset below stays an int32; a clamped symbol lies outside every window anyway.
  const xc = x < -2097152 ? -2097152 : x > 2097152 ? 2097152 : x;
  const e0 = xc * MU_ONE - HALF_MU;
  let lo = MAX_INT;
  let hi = -MAX_INT;
  let total: f64 = 0;
  let sums = f64x2.splat(0);
  const first = <usize>i * <usize>components;
  for (let c = 0; c < components; c++) {
    const q = (first + <usize>c) << 2;
    const muQ = load<i32>(musP + q);
    const k = <usize>load<i32>(scalesP + q) << 2;
    const w = <f64>load<i32>(weightsP + q);
    const center = (muQ + HALF_MU) >> 8;
    const halfWidth = load<i32>(halfP + k);
    lo = min(lo, center - halfWidth);
    hi = max(hi, center + halfWidth);
    total += w;
    sums = f64x2.add(sums, f64x2.mul(f64x2.splat(w), cdfPair(e0 - muQ, load<i32>(limitP + k), load<f64>(multP + (k << 1)))));
  }
  if (x < lo || x > hi || hi - lo > 2 * HALF_WIDTH_MAX) return false;
  const spread = (ONE - <f64>(hi - lo + 3)) * INV_CDF_ONE;
  const j = <f64>(x - lo + 1);
  const start = Math.floor(Math.floor(f64x2.extract_lane(sums, 0) / total) * spread) + j;
  start_ = start;
  freq_ = Math.floor(Math.floor(f64x2.extract_lane(sums, 1) / total) * spread) + j + 1 - start;
  return true;
}

/**
 * The encoder's interval of chunk symbol i: returns its frequency and writes its start to result[0], or returns 0
 * where the reference model must code the symbol.
 */
export function symbolInterval(i: i32, components: i32): f64 {
  if (!interval(i, components)) return 0;
  store<f64>(resultP, start_);
  return freq_;
}

/**
 * Encodes chunk symbols from, from - 1, ..., 0 with the rANS states in result[4] (a, the lane of symbol `from`)
 * and result[5] (b), swapping them after every symbol as the reference loop does, and appends the words it emits
 * to the word buffer (result[6] words, counted from this call). Stops before a symbol the reference model must code.
 * @returns that symbol's index, or -1 when the chunk is done; the states are back in result[4], result[5]
 */
export function encodeChunk(from: i32, components: i32): i32 {
  let a = load<f64>(resultP, 32);
  let b = load<f64>(resultP, 40);
  startWords();
  let i = from;
  for (; i >= 0; i--) {
    if (!interval(i, components)) break;
    // encodePut (../rans-core.ts).
    const freq = freq_;
    a = renormalize(a, freq);
    const q = Math.floor(a / freq);
    a = q * ONE + (a - q * freq) + start_;
    const t = a;
    a = b;
    b = t;
  }
  store<f64>(resultP, a, 32);
  store<f64>(resultP, b, 40);
  store<f64>(resultP, wordsWritten(), 48);
  return i;
}
