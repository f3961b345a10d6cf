/**
 * Batch coding of integers uniform over [min, max] (at most 2^16 values): the fallback model for data the learned
 * model codes badly. Each value gets frequency floor(2^24 / n), so a power-of-two range costs exactly log2(n) bits;
 * a decoded slot in the unused remainder of the range is rejected as corruption.
 */
import { CorruptStreamError } from '../core/errors.js';
import {
  PROBABILITY_ONE, decodeAdvance, decodeSlot, encodePut, type DecodeCursor, type Lanes, type WordStack,
} from './rans-core.js';
import { hashStep0, hashStep1 } from './symbol-hash.js';

/** Most values a uniform range may hold. */
export const UNIFORM_MAX_VALUES = 2 ** 16;

/** Integer arrays the uniform coder reads and writes. */
export type UniformArray = Int32Array | Uint8Array | Uint16Array;

/**
 * Encodes symbols[i] - min uniformly for i = n-1 down to 0. Symbols must lie in [min, max] and
 * 1 <= max - min + 1 <= UNIFORM_MAX_VALUES (checked by the caller).
 */
export function encodeUniformReverse(lanes: Lanes, stack: WordStack, symbols: UniformArray, min: number, max: number): void {
  const freq = Math.floor(PROBABILITY_ONE / (max - min + 1));
  let a = lanes.a;
  let b = lanes.b;
  for (let i = symbols.length - 1; i >= 0; i--) {
    a = encodePut(a, (symbols[i]! - min) * freq, freq, stack);
    const t = a;
    a = b;
    b = t;
  }
  lanes.a = a;
  lanes.b = b;
}

/**
 * Decodes out[0..n-1] uniform over [min, max]; the inverse of encodeUniformReverse.
 * @throws CorruptStreamError when a slot falls outside the range's share or the stream runs out
 */
export function decodeUniform(lanes: Lanes, cursor: DecodeCursor, out: UniformArray, min: number, max: number): void {
  const count = max - min + 1;
  const freq = Math.floor(PROBABILITY_ONE / count);
  const reader = cursor.reader;
  let a = lanes.a;
  let b = lanes.b;
  let h0 = lanes.h0;
  let h1 = lanes.h1;
  for (let i = 0; i < out.length; i++) {
    const value = Math.floor(decodeSlot(a) / freq);
    if (value >= count) {
      throw new CorruptStreamError(`corrupt stream: uniform slot outside [${min}, ${max}] near byte ${reader.pos}`);
    }
    a = decodeAdvance(a, value * freq, freq, reader);
    const x = value + min;
    out[i] = x;
    h0 = hashStep0(h0, x);
    h1 = hashStep1(h1, x);
    const t = a;
    a = b;
    b = t;
  }
  lanes.a = a;
  lanes.b = b;
  lanes.h0 = h0;
  lanes.h1 = h1;
}
