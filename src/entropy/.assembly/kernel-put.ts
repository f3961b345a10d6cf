/**
 * The rANS renormalisation both encoder jobs of the mixture kernel share (kernel-encode.ts, version 1;
 * kernel-slot-encode.ts, version 2): encodePut's (../rans-core.ts) word output before a symbol is pushed, to the
 * word buffer. Invariant: the buffer's top (top_) is kept only here; the words from wordsP to it are the current
 * run's, in the order encodePut pushes them.
 */
import { wordsP } from './kernel-memory';

const WORD: f64 = 65536;
const INV_WORD: f64 = 1.0 / 65536;
/** A state must be below freq * XMAX_PER_FREQ before a symbol of frequency freq is pushed (2^36 / 2^24 * 2^16). */
const XMAX_PER_FREQ: f64 = 268435456;

/** The word buffer's top: one past the last word of the current run. */
let top_: usize = 0;

/** Starts a run: the word buffer empty. */
// @ts-ignore: decorator
@inline export function startWords(): void {
  top_ = wordsP;
}

/** The words written since startWords, as result[6] reports them. */
// @ts-ignore: decorator
@inline export function wordsWritten(): f64 {
  return <f64>((top_ - wordsP) >> 1);
}

/**
 * Renormalises state a for a symbol of frequency freq (1..2^24): writes its low 16-bit words to the buffer until
 * a < freq * 2^28. @returns the state, ready for q = floor(a / freq)
 */
// @ts-ignore: decorator
@inline export function renormalize(a: f64, freq: f64): f64 {
  const xmax = freq * XMAX_PER_FREQ;
  while (a >= xmax) {
    const high = Math.floor(a * INV_WORD);
    store<u16>(top_, <u16>(<i32>(a - high * WORD)));
    top_ += 2;
    a = high;
  }
  return a;
}
