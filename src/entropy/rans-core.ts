/**
 * The rANS arithmetic shared by every model: a 52-bit state held exactly in a JS double, 16-bit words, 24-bit
 * probability precision. Invariant: between operations every state x satisfies STATE_LOWER <= x < 2^52, so every
 * product and quotient below is an exact integer (doubles are exact to 2^53) and the bits are the same on every
 * engine. Encoding pushes words on a stack (WordStack); decoding reads them back in reverse (WordReader).
 */
import { CorruptStreamError } from '../core/errors.js';
import { HASH0_SEED, HASH1_SEED } from './symbol-hash.js';

/** Probability precision: every model's frequencies sum to 2^PRECISION_BITS. */
export const PRECISION_BITS = 24;
/** Total frequency, 2^24. */
export const PROBABILITY_ONE = 2 ** PRECISION_BITS;
/**
 * Versions of the stream layout (the .idf format version): they differ only in how mixture batches are coded,
 * 1 by mixture-model.ts (one CDF mixed from all components), 2 by mixture-slot-model.ts (component slots).
 */
export type StreamVersion = 1 | 2;
/** The stream version new streams are written in. */
export const LATEST_STREAM_VERSION: StreamVersion = 2;
/** Bits per renormalisation word. */
export const WORD_BITS = 16;
/** Lower bound of a normalised state, 2^36. Lanes start (and the decoder must end) at STATE_LOWER + a symbol hash. */
export const STATE_LOWER = 2 ** 36;
/** Exclusive upper bound of a normalised state, 2^52. */
export const STATE_UPPER = STATE_LOWER * 2 ** WORD_BITS;
/** Words used to write one state at the head of a stream. */
export const STATE_WORDS = 4;

const WORD = 2 ** WORD_BITS;
const INV_WORD = 2 ** -WORD_BITS;
const INV_ONE = 2 ** -PRECISION_BITS;
const ONE = PROBABILITY_ONE;
const LOWER = STATE_LOWER;
/** A state must be below freq * XMAX_PER_FREQ before a symbol of frequency freq is pushed. */
const XMAX_PER_FREQ = (STATE_LOWER / PROBABILITY_ONE) * WORD;

/**
 * The two interleaved rANS states. Symbols alternate between them; `a` is the state of the symbol coded next and
 * the coding loops swap a and b after every symbol (all operations of one symbol, escapes included, use `a`).
 */
export class Lanes {
  /** State of the symbol coded next. */
  a = STATE_LOWER;
  /** State of the symbol after it. */
  b = STATE_LOWER;
  /** Decoder only: hash 0 of the symbols decoded so far (symbol-hash.ts). */
  h0 = HASH0_SEED;
  /** Decoder only: hash 1 of the symbols decoded so far. */
  h1 = HASH1_SEED;
}

/** The encoder's output: 16-bit words pushed in encoding order, read back last-in first-out. */
export class WordStack {
  /** Word storage; grows by doubling. */
  words = new Uint16Array(4096);
  /** Number of words pushed. */
  top = 0;

  /** Pushes one word (0..65535). */
  push(word: number): void {
    if (this.top === this.words.length) {
      const bigger = new Uint16Array(this.words.length * 2);
      bigger.set(this.words);
      this.words = bigger;
    }
    this.words[this.top++] = word;
  }

  /** Pushes words[0], words[1], ... in that order. */
  pushAll(words: Uint16Array): void {
    const top = this.top + words.length;
    if (top > this.words.length) {
      const bigger = new Uint16Array(Math.max(2 * this.words.length, top));
      bigger.set(this.words.subarray(0, this.top));
      this.words = bigger;
    }
    this.words.set(words, this.top);
    this.top = top;
  }

  /** The stream bytes: the words in reverse push order, each little-endian. */
  toBytes(): Uint8Array {
    const bytes = new Uint8Array(2 * this.top);
    for (let i = 0, w = this.top - 1; w >= 0; i += 2, w--) {
      const word = this.words[w]!;
      bytes[i] = word & 0xff;
      bytes[i + 1] = word >>> 8;
    }
    return bytes;
  }
}

/** The decoder's input: 16-bit little-endian words read forward from a byte range. */
export class WordReader {
  /** Byte offset of the next word. */
  pos: number;

  /**
   * @param bytes the stream (only bytes[start, end) are read)
   * @param start first byte of the stream
   * @param end one past its last byte
   */
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /**
   * Reads the next word.
   * @throws CorruptStreamError when the stream is exhausted (truncated or corrupt)
   */
  next(): number {
    const p = this.pos;
    if (p + 2 > this.end) {
      throw new CorruptStreamError(`corrupt stream: rANS data ends early at byte ${p} (truncated or damaged)`);
    }
    this.pos = p + 2;
    return this.bytes[p]! | (this.bytes[p + 1]! << 8);
  }
}

/** A decoder state with its input, so that a decode of several operations can hand the state back. */
export class DecodeCursor {
  /** The current rANS state. */
  x = STATE_LOWER;

  /** @param reader where refill words come from */
  constructor(readonly reader: WordReader) {}
}

/**
 * Pushes the interval [start, start + freq) of the probability range onto state `x`, emitting words to `stack`
 * first as needed. Requires 1 <= freq, start + freq <= PROBABILITY_ONE.
 * @returns the new state
 */
export function encodePut(x: number, start: number, freq: number, stack: WordStack): number {
  x = encodeRenormalize(x, freq, stack);
  const q = Math.floor(x / freq);
  return q * ONE + (x - q * freq) + start;
}

/**
 * Emits words from state `x` to `stack` until a symbol of frequency freq (1..PROBABILITY_ONE) can be pushed onto
 * it: the first half of encodePut, for models whose slots of a symbol are not one interval (mixture-slot-coder.ts).
 * @returns the state, below freq * 2^28
 */
export function encodeRenormalize(x: number, freq: number, stack: WordStack): number {
  const xmax = freq * XMAX_PER_FREQ;
  while (x >= xmax) {
    const high = Math.floor(x * INV_WORD);
    stack.push(x - high * WORD);
    x = high;
  }
  return x;
}

/** The slot (0..PROBABILITY_ONE-1) that state `x` points at: the decoder finds the interval that contains it. */
export function decodeSlot(x: number): number {
  return x - Math.floor(x * INV_ONE) * ONE;
}

/**
 * Removes the interval [start, start + freq) (which contains decodeSlot(x)) from state `x` and refills it from
 * `reader`.
 * @returns the new state
 * @throws CorruptStreamError when the reader runs out of words
 */
export function decodeAdvance(x: number, start: number, freq: number, reader: WordReader): number {
  const q = Math.floor(x * INV_ONE);
  x = freq * q + (x - q * ONE) - start;
  while (x < LOWER) x = x * WORD + reader.next();
  return x;
}

/** Pushes state `x` as STATE_WORDS words, so that a reader gets it back most significant word first. */
export function flushState(x: number, stack: WordStack): void {
  for (let i = 0; i < STATE_WORDS; i++) {
    const high = Math.floor(x * INV_WORD);
    stack.push(x - high * WORD);
    x = high;
  }
}

/**
 * Reads a state written by flushState.
 * @throws CorruptStreamError when it is outside [STATE_LOWER, STATE_UPPER) or the stream is too short
 */
export function readState(reader: WordReader): number {
  const at = reader.pos;
  let x = 0;
  for (let i = 0; i < STATE_WORDS; i++) x = x * WORD + reader.next();
  if (x < STATE_LOWER || x >= STATE_UPPER) {
    throw new CorruptStreamError(`corrupt stream: rANS initial state at byte ${at} is out of range`);
  }
  return x;
}
