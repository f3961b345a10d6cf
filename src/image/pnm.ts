/**
 * Netpbm images (PBM, PGM, PPM in plain and binary form, and PAM), which sharp's build cannot read or write.
 * Reading is lossless or fails with one BadInputError: every header field is checked and the pixel limit is applied
 * before anything is allocated. Maxvals 255 and 65535 are kept as stored; 1, 3 and 15 are scaled exactly to 8 bits
 * (as PNG readers expand 1-, 2- and 4-bit grey); other maxvals are refused. Writing gives P5, P6 or P7 (for alpha).
 */
import { BadInputError, LimitError } from '../core/errors.js';
import { createPixelBuffer, type Channels, type PixelBuffer } from './pixel-buffer.js';

/** Options for readPnm. */
export interface ReadPnmOptions {
  /** Largest width * height accepted (checked from the header). Required: callers pass their limit. */
  maxPixels: number;
  /** Name of the input in error messages. Default `input`. */
  name?: string;
}

const MAX_DIMENSION = 0x7fffffff;
const MAGIC_DIGITS = '1234567';

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0b || byte === 0x0c || byte === 0x0d;
}

/** True when `bytes` start like a Netpbm file (`P1`..`P7` then whitespace). */
export function isPnm(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x50 && MAGIC_DIGITS.includes(String.fromCharCode(bytes[1]!)) && isSpace(bytes[2]);
}

/** Reads whitespace-separated ASCII tokens with `#` comments, as the P1-P6 headers and plain rasters are written. */
class TokenReader {
  pos: number;
  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly name: string,
  ) {
    this.pos = start;
  }

  skipSpaceAndComments(): void {
    const { bytes } = this;
    while (this.pos < bytes.length) {
      if (isSpace(bytes[this.pos])) this.pos++;
      else if (bytes[this.pos] === 0x23) while (this.pos < bytes.length && bytes[this.pos] !== 0x0a && bytes[this.pos] !== 0x0d) this.pos++;
      else return;
    }
  }

  /** Reads an unsigned decimal number <= `max`; `maxDigits` limits P1's run-together digits to one. */
  readUint(what: string, max: number, maxDigits = 10): number {
    this.skipSpaceAndComments();
    const start = this.pos;
    let value = 0;
    while (this.pos - start < maxDigits && this.pos < this.bytes.length) {
      const byte = this.bytes[this.pos]!;
      if (byte < 0x30 || byte > 0x39) break;
      value = value * 10 + (byte - 0x30);
      this.pos++;
    }
    if (this.pos === start) {
      const found = this.pos >= this.bytes.length ? 'the end of the file' : `byte 0x${this.bytes[this.pos]!.toString(16)}`;
      throw new BadInputError(`${this.name}: damaged or truncated PNM: expected ${what} at byte ${start}, found ${found}`);
    }
    if (value > max) throw new BadInputError(`${this.name}: invalid PNM: ${what} ${value} is above ${max} (at byte ${start})`);
    return value;
  }
}

interface PnmHeader {
  width: number;
  height: number;
  channels: Channels;
  maxval: number;
  /** P1-P3: samples are ASCII tokens. */
  plain: boolean;
  /** P1/P4: 1 means black. */
  bitmap: boolean;
  /** Byte offset of the raster. */
  rasterStart: number;
}

const PAM_TUPLE_TYPES: Record<string, Channels> = {
  BLACKANDWHITE: 1,
  GRAYSCALE: 1,
  BLACKANDWHITE_ALPHA: 2,
  GRAYSCALE_ALPHA: 2,
  RGB: 3,
  RGB_ALPHA: 4,
};

function readPamHeader(bytes: Uint8Array, name: string): PnmHeader {
  const fields = new Map<string, number>();
  let tupleType = '';
  let pos = 3;
  for (;;) {
    const end = bytes.indexOf(0x0a, pos);
    if (end < 0) throw new BadInputError(`${name}: truncated PAM header: no ENDHDR line`);
    const line = new TextDecoder('latin1').decode(bytes.subarray(pos, end)).trim();
    pos = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (line === 'ENDHDR') break;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'TUPLTYPE') {
      tupleType = tupleType ? `${tupleType} ${rest.join(' ')}` : rest.join(' ');
    } else if (key === 'WIDTH' || key === 'HEIGHT' || key === 'DEPTH' || key === 'MAXVAL') {
      const text = rest.join(' ');
      if (!/^\d{1,10}$/.test(text) || Number(text) > MAX_DIMENSION) {
        throw new BadInputError(`${name}: invalid PAM header: ${key} "${text}" is not a number 0..${MAX_DIMENSION}`);
      }
      fields.set(key, Number(text));
    } else {
      throw new BadInputError(`${name}: invalid PAM header: unknown line "${line.slice(0, 40)}"`);
    }
  }
  for (const key of ['WIDTH', 'HEIGHT', 'DEPTH', 'MAXVAL']) {
    if (!fields.has(key)) throw new BadInputError(`${name}: invalid PAM header: no ${key} line`);
  }
  const depth = fields.get('DEPTH')!;
  if (depth < 1 || depth > 4) throw new BadInputError(`${name}: unsupported PAM image: DEPTH ${depth} (idfz reads 1..4 channels)`);
  if (tupleType !== '') {
    const expected = PAM_TUPLE_TYPES[tupleType];
    if (expected === undefined) throw new BadInputError(`${name}: unsupported PAM TUPLTYPE "${tupleType.slice(0, 40)}"`);
    if (expected !== depth) throw new BadInputError(`${name}: invalid PAM header: TUPLTYPE ${tupleType} needs DEPTH ${expected}, not ${depth}`);
  }
  return {
    width: fields.get('WIDTH')!,
    height: fields.get('HEIGHT')!,
    channels: depth as Channels,
    maxval: fields.get('MAXVAL')!,
    plain: false,
    bitmap: false,
    rasterStart: pos,
  };
}

function readHeader(bytes: Uint8Array, name: string): PnmHeader {
  const kind = bytes[1]! - 0x30;
  if (kind === 7) return readPamHeader(bytes, name);
  const tokens = new TokenReader(bytes, 2, name);
  const width = tokens.readUint('the width', MAX_DIMENSION);
  const height = tokens.readUint('the height', MAX_DIMENSION);
  const bitmap = kind === 1 || kind === 4;
  const maxval = bitmap ? 1 : tokens.readUint('the maxval', 65535);
  const plain = kind <= 3;
  if (!plain) {
    if (!isSpace(bytes[tokens.pos])) throw new BadInputError(`${name}: damaged or truncated PNM: no whitespace after the header at byte ${tokens.pos}`);
    tokens.pos++;
  }
  const channels: Channels = kind === 3 || kind === 6 ? 3 : 1;
  return { width, height, channels, maxval, plain, bitmap, rasterStart: tokens.pos };
}

/** Factor that maps 0..maxval exactly onto 0..255 (or 1 for 65535), or 0 when the maxval is not supported. */
function scaleFor(maxval: number): number {
  return maxval === 65535 ? 1 : [1, 3, 15, 255].includes(maxval) ? 255 / maxval : 0;
}

/**
 * Reads a Netpbm image (P1-P7; for several images in one file, the first).
 * @throws {BadInputError} damaged, truncated or unsupported header or raster (zero size, maxval other than 1, 3,
 *   15, 255 or 65535, a sample above maxval, a PAM depth over 4)
 * @throws {LimitError} width * height above `options.maxPixels`
 */
export function readPnm(bytes: Uint8Array, options: ReadPnmOptions): PixelBuffer {
  const name = options.name ?? 'input';
  if (!isPnm(bytes)) throw new BadInputError(`${name}: not a PNM image (no P1..P7 magic number)`);
  const header = readHeader(bytes, name);
  const { width, height, channels, maxval } = header;
  if (width === 0 || height === 0) throw new BadInputError(`${name}: invalid PNM: the image is ${width}x${height}, it has no pixels`);
  if (width * height > options.maxPixels) {
    throw new LimitError(`${name}: ${width}x${height} image has ${width * height} pixels, above the limit of ${options.maxPixels}; raise the limit (--max-pixels) if you trust this file`);
  }
  const scale = scaleFor(maxval);
  if (scale === 0) throw new BadInputError(`${name}: unsupported PNM maxval ${maxval}: idfz reads 1, 3, 15, 255 and 65535 without loss`);
  const count = width * height * channels;
  const available = bytes.length - header.rasterStart;
  const needed = header.plain ? count : rasterBytes(header);
  if (available < needed) {
    throw new BadInputError(`${name}: truncated PNM: the pixel data needs ${header.plain ? 'at least ' : ''}${needed} bytes, the file has ${available}`);
  }
  const samples = maxval === 65535 ? new Uint16Array(count) : new Uint8Array(count);
  if (header.plain) readPlainRaster(bytes, header, samples, name);
  else readBinaryRaster(bytes, header, samples, name);
  if (scale !== 1) for (let i = 0; i < count; i++) samples[i] = samples[i]! * scale;
  return samples instanceof Uint16Array
    ? createPixelBuffer({ width, height, channels, bitDepth: 16, data: samples, metadata: { format: 'pnm' } })
    : createPixelBuffer({ width, height, channels, bitDepth: 8, data: samples, metadata: { format: 'pnm' } });
}

function checkSample(value: number, maxval: number, at: number, name: string): void {
  if (value > maxval) throw new BadInputError(`${name}: invalid PNM: sample value ${value} above maxval ${maxval} at byte ${at}`);
}

/** Bytes per row of a binary raster. */
function rowBytes(header: PnmHeader): number {
  return header.bitmap ? Math.ceil(header.width / 8) : header.width * header.channels * (header.maxval > 255 ? 2 : 1);
}

/** Bytes of a binary raster. */
function rasterBytes(header: PnmHeader): number {
  return rowBytes(header) * header.height;
}

/** Fills `samples` from a binary raster whose length the caller has checked. */
function readBinaryRaster(bytes: Uint8Array, header: PnmHeader, samples: Uint8Array | Uint16Array, name: string): void {
  const { width, height, maxval, rasterStart: start } = header;
  const stride = rowBytes(header);
  if (header.bitmap) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = (bytes[start + y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1;
        samples[y * width + x] = 1 - bit;
      }
    }
  } else if (maxval > 255) {
    for (let i = 0; i < samples.length; i++) samples[i] = (bytes[start + 2 * i]! << 8) | bytes[start + 2 * i + 1]!;
  } else {
    for (let i = 0; i < samples.length; i++) {
      const value = bytes[start + i]!;
      checkSample(value, maxval, start + i, name);
      samples[i] = value;
    }
  }
}

function readPlainRaster(bytes: Uint8Array, header: PnmHeader, samples: Uint8Array | Uint16Array, name: string): void {
  const tokens = new TokenReader(bytes, header.rasterStart, name);
  for (let i = 0; i < samples.length; i++) {
    const at = tokens.pos;
    const value = header.bitmap ? tokens.readUint('a pixel', 1, 1) : tokens.readUint('a sample', 65535);
    checkSample(value, header.maxval, at, name);
    samples[i] = header.bitmap ? 1 - value : value;
  }
}

/**
 * Writes `pixels` as binary Netpbm: P5 (grey), P6 (RGB) or P7 PAM (grey + alpha, RGBA); maxval 255 or 65535,
 * 16-bit samples big-endian as the format requires.
 */
export function writePnm(pixels: PixelBuffer): Uint8Array {
  const { width, height, channels, bitDepth, data } = pixels;
  const maxval = bitDepth === 16 ? 65535 : 255;
  const header =
    channels === 1 || channels === 3
      ? `P${channels === 1 ? 5 : 6}\n${width} ${height}\n${maxval}\n`
      : `P7\nWIDTH ${width}\nHEIGHT ${height}\nDEPTH ${channels}\nMAXVAL ${maxval}\nTUPLTYPE ${channels === 2 ? 'GRAYSCALE_ALPHA' : 'RGB_ALPHA'}\nENDHDR\n`;
  const headerBytes = new TextEncoder().encode(header);
  const out = new Uint8Array(headerBytes.length + data.length * (bitDepth / 8));
  out.set(headerBytes);
  if (pixels.bitDepth === 8) {
    out.set(pixels.data, headerBytes.length);
  } else {
    const raster = new DataView(out.buffer, headerBytes.length);
    for (let i = 0; i < pixels.data.length; i++) raster.setUint16(2 * i, pixels.data[i]!, false);
  }
  return out;
}
