/**
 * A bounds-checked little-endian reader over untrusted bytes. Every read checks the remaining length first and
 * fails with CorruptStreamError naming the field, the byte offset and the source, so callers validate formats
 * field by field without assertions.
 */
import { CorruptStreamError } from './errors.js';

/** Reads little-endian fields from a byte range, front to back. */
export class ByteReader {
  private readonly view: DataView;
  /** Offset of the next byte to read, relative to the start of `bytes`. */
  pos = 0;

  /**
   * @param bytes the data
   * @param source what the bytes are, for error messages (a file name, "container header")
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly source: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /**
   * Builds (does not throw) a CorruptStreamError about the field at byte `at`.
   * @param at byte offset of the field
   */
  error(at: number, message: string): CorruptStreamError {
    return new CorruptStreamError(`${this.source}: corrupt stream: ${message} at byte ${at}`);
  }

  private take(count: number, what: string): number {
    const at = this.pos;
    if (count > this.bytes.length - at) {
      throw this.error(at, `${what} needs ${count} bytes but only ${this.bytes.length - at} remain (truncated)`);
    }
    this.pos = at + count;
    return at;
  }

  /** Reads an unsigned 8-bit integer. @throws CorruptStreamError when truncated */
  u8(what: string): number {
    return this.bytes[this.take(1, what)]!;
  }

  /** Reads an unsigned 16-bit integer. @throws CorruptStreamError when truncated */
  u16(what: string): number {
    return this.view.getUint16(this.take(2, what), true);
  }

  /** Reads an unsigned 32-bit integer. @throws CorruptStreamError when truncated */
  u32(what: string): number {
    return this.view.getUint32(this.take(4, what), true);
  }

  /**
   * Reads an unsigned 64-bit integer, which must be below 2^53.
   * @throws CorruptStreamError when truncated or too large
   */
  u64(what: string): number {
    const at = this.take(8, what);
    const low = this.view.getUint32(at, true);
    const high = this.view.getUint32(at + 4, true);
    if (high >= 2 ** 21) throw this.error(at, `${what} ${high} * 2^32 + ${low} is too large`);
    return high * 2 ** 32 + low;
  }

  /** Returns a view (not a copy) of the next `count` bytes. @throws CorruptStreamError when truncated */
  bytesView(count: number, what: string): Uint8Array {
    const at = this.take(count, what);
    return this.bytes.subarray(at, at + count);
  }
}
