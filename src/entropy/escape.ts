/**
 * Raw coding through the rANS stream: fixed-width bit fields (uniform over 2^bits values) and the escape value of
 * a symbol outside its model's window (a non-negative integer below 2^33, coded as its bit length in 6 bits and then
 * the bits below its leading one in chunks of at most 16). Decoding rejects lengths a valid encoder never writes,
 * so every decoded value is canonical.
 */
import { CorruptStreamError } from '../core/errors.js';
import {
  PRECISION_BITS, decodeAdvance, decodeSlot, encodePut, type DecodeCursor, type WordStack,
} from './rans-core.js';

/** Bits used to code an escape value's bit length. */
export const ESCAPE_LENGTH_BITS = 6;
/** Largest bit length of an escape value: values are below 2^33 (an int32 symbol's distance to an int32 window). */
export const ESCAPE_MAX_LENGTH = 33;
/** Widest raw field one rANS operation codes. */
export const RAW_CHUNK_BITS = 16;

/**
 * Pushes `value` (0 <= value < 2^bits, 0 <= bits <= 16) as a uniform field onto state `x`.
 * @returns the new state
 */
export function encodeBitsPut(x: number, value: number, bits: number, stack: WordStack): number {
  const freq = 2 ** (PRECISION_BITS - bits);
  return encodePut(x, value * freq, freq, stack);
}

/**
 * Reads a uniform field of `bits` bits (0..16) from the cursor.
 * @throws CorruptStreamError when the stream runs out
 */
export function decodeBits(cursor: DecodeCursor, bits: number): number {
  const freq = 2 ** (PRECISION_BITS - bits);
  const value = Math.floor(decodeSlot(cursor.x) / freq);
  cursor.x = decodeAdvance(cursor.x, value * freq, freq, cursor.reader);
  return value;
}

/** Bit length of a non-negative integer below 2^53 (0 for 0). */
function bitLength(value: number): number {
  let length = 0;
  while (value >= 1) {
    value = Math.floor(value / 2);
    length++;
  }
  return length;
}

/**
 * Pushes an escape value (0 <= value < 2^33) onto state `x`, in the reverse of the order decodeEscapeValue reads.
 * @returns the new state
 */
export function encodeEscapePut(x: number, value: number, stack: WordStack): number {
  const length = bitLength(value);
  // In decode order the bits below the leading one come most significant chunk first, that chunk holding the
  // leftover (remaining % 16) bits; pushing runs backwards, so full 16-bit chunks go first from the low end.
  let remaining = length > 0 ? length - 1 : 0;
  let low = value - (length > 0 ? 2 ** remaining : 0);
  while (remaining > 0) {
    const chunk = Math.min(remaining, RAW_CHUNK_BITS);
    const unit = 2 ** chunk;
    const high = Math.floor(low / unit);
    x = encodeBitsPut(x, low - high * unit, chunk, stack);
    low = high;
    remaining -= chunk;
  }
  return encodeBitsPut(x, length, ESCAPE_LENGTH_BITS, stack);
}

/**
 * Reads an escape value written by encodeEscapePut.
 * @param at byte offset to name in an error message
 * @throws CorruptStreamError when the bit length exceeds ESCAPE_MAX_LENGTH or the stream runs out
 */
export function decodeEscapeValue(cursor: DecodeCursor, at: number): number {
  const length = decodeBits(cursor, ESCAPE_LENGTH_BITS);
  if (length > ESCAPE_MAX_LENGTH) {
    throw new CorruptStreamError(`corrupt stream: escape length ${length} > ${ESCAPE_MAX_LENGTH} near byte ${at}`);
  }
  if (length === 0) return 0;
  let remaining = length - 1;
  let value = 1;
  while (remaining > 0) {
    const chunk = remaining % RAW_CHUNK_BITS || RAW_CHUNK_BITS;
    value = value * 2 ** chunk + decodeBits(cursor, chunk);
    remaining -= chunk;
  }
  return value;
}

/** Bits an escape value costs on top of its escape bin: the 6-bit length and the bits below the leading one. */
export function escapeCodeLengthBits(value: number): number {
  const length = bitLength(value);
  return ESCAPE_LENGTH_BITS + (length > 0 ? length - 1 : 0);
}
