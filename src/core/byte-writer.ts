/**
 * A growable little-endian byte writer for binary formats (the .idf container, table files). Integers are checked
 * against their field width: writing a value that does not fit is a bug in idfz, never silently truncated.
 */
import { InternalError } from './errors.js';

/** Appends little-endian fields to a growing buffer. */
export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  /** @param capacity initial capacity in bytes (grows by doubling) */
  constructor(capacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, capacity));
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  private reserve(bytes: number): number {
    const at = this.length;
    if (at + bytes > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < at + bytes) capacity *= 2;
      const bigger = new Uint8Array(capacity);
      bigger.set(this.buffer.subarray(0, at));
      this.buffer = bigger;
      this.view = new DataView(bigger.buffer);
    }
    this.length = at + bytes;
    return at;
  }

  private check(value: number, max: number, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new InternalError(`byte writer: ${what} value ${value} outside 0..${max}`);
    }
  }

  /** Writes an unsigned 8-bit integer. @throws InternalError when out of range */
  u8(value: number): this {
    this.check(value, 0xff, 'u8');
    const at = this.reserve(1); // may replace this.buffer
    this.buffer[at] = value;
    return this;
  }

  /** Writes an unsigned 16-bit integer. @throws InternalError when out of range */
  u16(value: number): this {
    this.check(value, 0xffff, 'u16');
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
    return this;
  }

  /** Writes an unsigned 32-bit integer. @throws InternalError when out of range */
  u32(value: number): this {
    this.check(value, 0xffffffff, 'u32');
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
    return this;
  }

  /** Writes an unsigned 64-bit integer below 2^53. @throws InternalError when out of range */
  u64(value: number): this {
    this.check(value, Number.MAX_SAFE_INTEGER, 'u64');
    const at = this.reserve(8);
    this.view.setUint32(at, value % 2 ** 32, true);
    this.view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
    return this;
  }

  /** Appends raw bytes. */
  bytes(bytes: Uint8Array): this {
    const at = this.reserve(bytes.length); // may replace this.buffer
    this.buffer.set(bytes, at);
    return this;
  }

  /** A copy of everything written, exactly `size` bytes long. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}
