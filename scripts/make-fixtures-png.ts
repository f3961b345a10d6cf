/**
 * A small, independent PNG encoder for the fixture script: every colour type and bit depth the fixtures need,
 * palettes with tRNS, Adam7 interlacing, every row filter (row y uses filter y mod 5) and several IDAT chunks, so the
 * reader is tested against files that sharp did not write. Deterministic: same input, same bytes.
 */
import { crc32, deflateSync } from 'node:zlib';

/** PNG colour types: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
export type PngColourType = 0 | 2 | 3 | 4 | 6;

/** What to encode. `samples` holds interleaved samples (palette indices for type 3), row-major. */
export interface PngImage {
  width: number;
  height: number;
  colourType: PngColourType;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  samples: ArrayLike<number>;
  /** RGB triples, for colour type 3. */
  palette?: readonly (readonly [number, number, number])[];
  /** Alpha per palette entry (may be shorter than the palette), for colour type 3. */
  transparency?: readonly number[];
  interlace?: boolean;
}

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
const CHANNELS: Record<PngColourType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/** One chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** The 13-byte IHDR payload. */
export function pngHeader(width: number, height: number, bitDepth: number, colourType: number, interlace: boolean): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colourType, 0, 0, interlace ? 1 : 0], 8);
  return data;
}

/** Signature + chunks. */
export function pngFile(chunks: readonly Uint8Array[]): Uint8Array {
  return concat([SIGNATURE, ...chunks]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Packs the samples of one (sub-image) row into bytes: big-endian 16-bit, or 1/2/4-bit MSB first. */
function packRow(image: PngImage, xs: readonly number[], y: number): Uint8Array {
  const channels = CHANNELS[image.colourType];
  const bits = image.bitDepth;
  const out = new Uint8Array(Math.ceil((xs.length * channels * bits) / 8));
  let bit = 0;
  for (const x of xs) {
    for (let c = 0; c < channels; c++) {
      const value = image.samples[(y * image.width + x) * channels + c]!;
      if (bits === 16) {
        out[bit >> 3] = value >> 8;
        out[(bit >> 3) + 1] = value & 0xff;
      } else {
        out[bit >> 3]! |= value << (8 - bits - (bit & 7));
      }
      bit += bits;
    }
  }
  return out;
}

/** Filters packed rows, row r with filter r mod 5, and prefixes each with its filter byte. */
function filterRows(rows: readonly Uint8Array[], bytesPerPixel: number): Uint8Array[] {
  return rows.map((row, r) => {
    const previous = r > 0 ? rows[r - 1]! : new Uint8Array(row.length);
    const type = r % 5;
    const out = new Uint8Array(row.length + 1);
    out[0] = type;
    for (let i = 0; i < row.length; i++) {
      const a = i >= bytesPerPixel ? row[i - bytesPerPixel]! : 0;
      const b = previous[i]!;
      const c = i >= bytesPerPixel ? previous[i - bytesPerPixel]! : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][type]!;
      out[i + 1] = (row[i]! - predictor) & 0xff;
    }
    return out;
  });
}

/** Encodes `image` as a complete PNG file. */
export function encodePng(image: PngImage): Uint8Array {
  const { width, height, colourType, bitDepth } = image;
  const bytesPerPixel = Math.max(1, (CHANNELS[colourType] * bitDepth) >> 3);
  const passes = image.interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const filtered: Uint8Array[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const xs: number[] = [];
    for (let x = x0; x < width; x += dx) xs.push(x);
    if (xs.length === 0) continue;
    const rows: Uint8Array[] = [];
    for (let y = y0; y < height; y += dy) rows.push(packRow(image, xs, y));
    filtered.push(...filterRows(rows, bytesPerPixel));
  }
  const compressed = deflateSync(concat(filtered), { level: 9 });
  const chunks = [pngChunk('IHDR', pngHeader(width, height, bitDepth, colourType, image.interlace === true))];
  if (image.palette) chunks.push(pngChunk('PLTE', Uint8Array.from(image.palette.flat())));
  if (image.transparency) chunks.push(pngChunk('tRNS', Uint8Array.from(image.transparency)));
  // Several IDAT chunks, as large files have them.
  for (let at = 0; at < compressed.length; at += 4096) chunks.push(pngChunk('IDAT', compressed.subarray(at, at + 4096)));
  chunks.push(pngChunk('IEND', new Uint8Array(0)));
  return pngFile(chunks);
}
