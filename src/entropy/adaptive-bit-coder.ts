/**
 * Adaptive binary decisions through rANS, for the codec's fallback modes 6 and 9 (codec/fallback-copy-model.ts,
 * codec/fallback-palette-model.ts, byte layout in codec/PAYLOAD.md): one class that either
 * encodes (records each bit, codes them all in reverse on finish) or decodes (returns the next bit), so the model
 * runs the same code path both ways. Each context holds a 16-bit probability and a count; the update is exact
 * integer arithmetic (PAYLOAD.md, "Adaptive bits"). The encoder starts from 2^36 plus a hash of every bit, so a
 * damaged word that changes a bit without changing the state is still caught. Invariant: a decoder making the same
 * calls with the same contexts gets every bit back, and ends at that start state with every word read, else
 * CorruptStreamError.
 */
import { CorruptStreamError } from '../core/errors.js';
import {
  PRECISION_BITS, STATE_LOWER, WordReader, WordStack, decodeAdvance, decodeSlot, encodePut, flushState, readState,
} from './rans-core.js';

/** Probabilities are in 1/65536: p1 (bit 1) stays in 1..65535. */
const PROBABILITY_BITS = 16;
/** The 16-bit probability's scale up to the rANS precision (24 bits). */
const TO_PRECISION = PRECISION_BITS - PROBABILITY_BITS;
/** Counts stop at this value: after it, a context moves 1/(COUNT_LIMIT + 2) of the way to each new bit. */
const COUNT_LIMIT = 30;
/** RATE[n] = floor(32768 / (n + 2)): the step of a context that has seen n bits. */
const RATE = Int32Array.from({ length: COUNT_LIMIT + 1 }, (_, n) => Math.floor(32768 / (n + 2)));
/** The bit hash (32-bit FNV-1 style): starts at HASH_SEED, then h = ((h XOR (bit + 1)) * HASH_PRIME) mod 2^32. */
const HASH_SEED = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

/**
 * Adapts entry `at` of a table of adaptive probabilities toward the bit b (0 or 1), by the adaptive bits' rule
 * (PAYLOAD.md): p1 += floor((65536 b - p1) floor(32768 / (n + 2)) / 32768), clamped to 1..65535, then n += 1 while
 * n < 30. Mode 9 keeps such tables of its own beside the coder's contexts.
 * @param p1 probabilities of a one in 1/65536 (start them at 32768)
 * @param count the entries' counts (start them at 0)
 */
export function adaptProbability(p1: Uint16Array, count: Uint8Array, at: number, b: number): void {
  const p = p1[at]!;
  const n = count[at]!;
  const q = p + (((b << PROBABILITY_BITS) - p) * RATE[n]! >> 15);
  p1[at] = q < 1 ? 1 : q > 65535 ? 65535 : q;
  if (n < COUNT_LIMIT) count[at] = n + 1;
}

/**
 * Codes bits under adaptive contexts 0..contexts-1, in one direction.
 * Encoder: `bit(ctx, value)` records value (0 or 1) and returns it; `finish()` gives the stream.
 * Decoder: `bit(ctx, ignored)` returns the next bit; `finish()` checks the end state.
 */
export class AdaptiveBitCoder {
  private readonly p1: Uint16Array;
  private readonly count: Uint8Array;
  // encoder: the bits and the p1 each was coded with, in coding order
  private bits = new Uint8Array(0);
  private probs = new Uint16Array(0);
  private length = 0;
  // decoder
  private readonly reader: WordReader | null;
  private x = STATE_LOWER;
  private hash = HASH_SEED;

  private constructor(contexts: number, readonly encoding: boolean, body: Uint8Array | null) {
    this.p1 = new Uint16Array(contexts).fill(1 << (PROBABILITY_BITS - 1));
    this.count = new Uint8Array(contexts);
    if (body) {
      if (body.length % 2 !== 0) throw new CorruptStreamError(`corrupt stream: an adaptive-bit body (fallback mode 6, 8 or 9) of ${body.length} bytes is not whole 16-bit words`);
      this.reader = new WordReader(body, 0, body.length);
      this.x = readState(this.reader);
    } else {
      this.reader = null;
      this.bits = new Uint8Array(4096);
      this.probs = new Uint16Array(4096);
    }
  }

  /** An encoder over `contexts` contexts (1..2^24). */
  static encoder(contexts: number): AdaptiveBitCoder {
    return new AdaptiveBitCoder(contexts, true, null);
  }

  /**
   * A decoder of `body` (what an encoder's finish() returned) over `contexts` contexts.
   * @throws CorruptStreamError when the body is shorter than a state or has an odd length
   */
  static decoder(contexts: number, body: Uint8Array): AdaptiveBitCoder {
    return new AdaptiveBitCoder(contexts, false, body);
  }

  /**
   * Codes one bit under context ctx and adapts the context.
   * @param value the bit to encode (0 or 1); ignored when decoding
   * @returns the bit (encoded or decoded)
   * @throws CorruptStreamError (decoder) when the stream runs out
   */
  bit(ctx: number, value: number): number {
    const p = this.p1[ctx]!;
    const b = this.code(p, value);
    adaptProbability(this.p1, this.count, ctx, b);
    return b;
  }

  /**
   * Codes one bit with a probability the caller models (mode 9's mixed predictions); no context adapts. Same
   * arithmetic, stream and bit hash as bit().
   * @param p1 probability of a one, 1..65535 in 1/65536
   * @param value the bit to encode (0 or 1); ignored when decoding
   * @returns the bit (encoded or decoded)
   * @throws CorruptStreamError (decoder) when the stream runs out
   */
  code(p1: number, value: number): number {
    if (this.encoding) {
      if (this.length === this.bits.length) this.grow();
      this.bits[this.length] = value;
      this.probs[this.length++] = p1;
      return value;
    }
    const freq1 = p1 << TO_PRECISION;
    const freq0 = (1 << PRECISION_BITS) - freq1;
    const b = decodeSlot(this.x) >= freq0 ? 1 : 0;
    this.x = b ? decodeAdvance(this.x, freq0, freq1, this.reader!) : decodeAdvance(this.x, 0, freq0, this.reader!);
    this.hash = Math.imul(this.hash ^ (b + 1), HASH_PRIME) >>> 0;
    return b;
  }

  /**
   * Codes `bits` bits of value (0 <= value < 2^bits, most significant first) as a binary tree: the bit at depth d
   * uses context base + (1 << d) + (the bits above it), so the tree takes contexts base + 1 .. base + 2^bits - 1.
   * @returns the value (encoded or decoded)
   */
  tree(base: number, bits: number, value: number): number {
    let node = 1;
    for (let d = bits - 1; d >= 0; d--) node = (node << 1) | this.bit(base + node, (value >>> d) & 1);
    return node - (1 << bits);
  }

  /**
   * Encoder: the stream (the final state, then the words; an even number of bytes, at least 8).
   * Decoder: checks that the state is back at the start (2^36 + the hash of the bits) and every word was read.
   * @throws CorruptStreamError (decoder) when it is not
   */
  finish(): Uint8Array {
    if (!this.encoding) {
      if (this.x !== STATE_LOWER + this.hash || this.reader!.pos !== this.reader!.end) {
        throw new CorruptStreamError('corrupt stream: the rANS data of an adaptive-bit body (fallback mode 6, 8 or 9) does not end where it should (damaged)');
      }
      return new Uint8Array(0);
    }
    let hash = HASH_SEED;
    for (let i = 0; i < this.length; i++) hash = Math.imul(hash ^ (this.bits[i]! + 1), HASH_PRIME) >>> 0;
    const stack = new WordStack();
    let x = STATE_LOWER + hash;
    for (let i = this.length - 1; i >= 0; i--) {
      const freq1 = this.probs[i]! << TO_PRECISION;
      const freq0 = (1 << PRECISION_BITS) - freq1;
      x = this.bits[i] ? encodePut(x, freq0, freq1, stack) : encodePut(x, 0, freq0, stack);
    }
    flushState(x, stack);
    this.length = 0;
    return stack.toBytes();
  }

  private grow(): void {
    const bits = new Uint8Array(this.bits.length * 2);
    bits.set(this.bits);
    const probs = new Uint16Array(this.probs.length * 2);
    probs.set(this.probs);
    this.bits = bits;
    this.probs = probs;
  }
}
