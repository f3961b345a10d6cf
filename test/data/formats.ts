/**
 * Builders of small files in the real dataset formats, written from the format specs (not with the readers under
 * test), so the data tests check the readers against independently produced bytes.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';
import { writeImage } from '../../src/image/write-image.js';

/** An idx file: 00 00 type ndims, big-endian uint32 dims, then the bytes (type 0x08 = uint8). */
export function idxBytes(dims: readonly number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = type;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(Array.from(data), 4 + 4 * dims.length);
  return out;
}

/** A version-1 .npy file: magic, version 1.0, uint16 header length, the header dict padded to 64 bytes, the data. */
export function npyBytes(descr: string, shape: readonly number[], data: Uint8Array, fortranOrder = false): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(data, 10 + header.length);
  return out;
}

/** One file to put into a ZIP archive. */
export interface ZipInput {
  name: string;
  data: Uint8Array;
  /** Deflate (method 8) instead of storing (method 0). */
  deflate?: boolean;
  /** Write the central directory's sizes and offset as 0xFFFFFFFF with a Zip64 extra field, as large files do. */
  zip64?: boolean;
}

/** A ZIP archive as PKWARE's APPNOTE describes it: local headers and data, central directory, end record. */
export function zipBytes(files: readonly ZipInput[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, 'utf8');
    const stored = file.deflate ? deflateRawSync(file.data) : file.data;
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(file.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    chunks.push(local, name, stored);
    const extra = file.zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
    if (file.zip64) {
      extra.writeUInt16LE(0x0001, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(file.data.length), 4);
      extra.writeBigUInt64LE(BigInt(stored.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(file.deflate ? 8 : 0, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(file.zip64 ? 0xffffffff : stored.length, 20);
    entry.writeUInt32LE(file.zip64 ? 0xffffffff : file.data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt16LE(extra.length, 30);
    entry.writeUInt32LE(file.zip64 ? 0xffffffff : offset, 42);
    central.push(entry, name, extra);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

/** A PNG file of 8-bit samples (written through src/image, i.e. sharp, losslessly). */
export async function pngBytes(width: number, height: number, channels: 1 | 3, pixel: (x: number, y: number, c: number) => number): Promise<Uint8Array> {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) {
    data[(y * width + x) * channels + c] = pixel(x, y, c);
  }
  return writeImage(createPixelBuffer({ width, height, channels, bitDepth: 8, data }), 'png');
}
