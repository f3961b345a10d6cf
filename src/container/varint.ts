/**
 * Unsigned LEB128 varints as the .idf container stores them: 7 bits per byte, least significant group first, the
 * high bit of each byte set when another byte follows. Invariant: only the minimal encoding of a value is written
 * or accepted, so every value has exactly one byte string (no overlong forms, nothing past a field's byte cap).
 */
import type { ByteReader } from '../core/byte-reader.js';
import type { ByteWriter } from '../core/byte-writer.js';
import { InternalError } from '../core/errors.js';

/** Largest value a container varint holds (2^32 - 1, five bytes). */
export const MAX_VARINT_VALUE = 0xffffffff;

/**
 * Bytes of the minimal encoding of `value`: 1 for 0..127, 2 up to 2^14 - 1, 3 up to 2^21 - 1, 4 up to 2^28 - 1,
 * 5 up to 2^32 - 1.
 * @throws InternalError when `value` is not an integer in 0..MAX_VARINT_VALUE
 */
export function varintLength(value: number): number {
  checkValue(value);
  let length = 1;
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128)) length++;
  return length;
}

/**
 * Appends the minimal encoding of `value` to `out`.
 * @param value an integer in 0..MAX_VARINT_VALUE
 * @throws InternalError when `value` is out of range (a caller's bug)
 */
export function writeVarint(out: ByteWriter, value: number): void {
  checkValue(value);
  let rest = value;
  while (rest >= 128) {
    out.u8((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.u8(rest);
}

/**
 * Reads one varint of at most `maxBytes` bytes at the reader's position and advances past it. The value is below
 * 2^(7 maxBytes); the caller checks the field's own range.
 * @param what the field's name, for error messages
 * @param maxBytes the field's byte cap, 1..5 (4 for fields bounded by 2^24, 5 for uint32 fields)
 * @throws CorruptStreamError naming the field and its byte offset when the varint is truncated, runs past
 *   `maxBytes` bytes, or is overlong (ends in a zero byte after the first: a shorter form of the value exists)
 */
export function readVarint(reader: ByteReader, what: string, maxBytes: number): number {
  const at = reader.pos;
  let value = 0;
  for (let i = 0; i < maxBytes; i++) {
    const byte = reader.u8(what);
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw reader.error(at, `${what} is an overlong varint (a shorter encoding exists)`);
      return value;
    }
  }
  throw reader.error(at, `${what} is a varint longer than ${maxBytes} bytes`);
}

function checkValue(value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_VARINT_VALUE) {
    throw new InternalError(`varint value ${value} outside 0..${MAX_VARINT_VALUE}`);
  }
}
