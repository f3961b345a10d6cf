/**
 * Puts an ICC profile, EXIF and XMP into an encoded WebP, to Google's WebP container specification (the extended
 * format): a VP8X chunk with the ICC / EXIF / XMP flags and the canvas size first, ICCP before the image data, EXIF
 * and "XMP " after it, every chunk padded to an even size and the RIFF size updated. Invariant: the image chunks (VP8L,
 * VP8, ALPH, ...) come out byte for byte, so the decoded pixels cannot change.
 */
import { InternalError } from '../core/errors.js';

/** What insertWebpMetadata writes; absent blocks are not written. */
export interface WebpMetadata {
  /** ICC profile, stored as is in ICCP. */
  readonly icc?: Uint8Array;
  /** EXIF starting with the TIFF header (no "Exif\0\0" prefix), stored as is in EXIF. */
  readonly exif?: Uint8Array;
  /** XMP packet, stored as is in "XMP ". */
  readonly xmp?: Uint8Array;
}

/** One chunk of a WebP: its FourCC and its data without padding (a view into the file). */
export interface WebpChunk {
  readonly fourCc: string;
  readonly data: Uint8Array;
}

/** VP8X flag bits (byte 0 of its data). */
const VP8X_FLAGS = { icc: 0x20, alpha: 0x10, exif: 0x08, xmp: 0x04, animation: 0x02 } as const;
/** Largest canvas side VP8X stores (24 bits of side - 1). */
const MAX_CANVAS_SIDE = 2 ** 24;

/**
 * Splits a WebP (RIFF "WEBP") into its chunks.
 * @throws InternalError when the bytes are not a well-formed WebP (they come from idfz's own encoder)
 */
export function readWebpChunks(webp: Uint8Array): WebpChunk[] {
  const text = (at: number) => Buffer.from(webp.subarray(at, at + 4)).toString('latin1');
  const view = new DataView(webp.buffer, webp.byteOffset, webp.byteLength);
  if (webp.length < 12 || text(0) !== 'RIFF' || text(8) !== 'WEBP') throw new InternalError('WebP writer: not a RIFF WEBP file');
  if (view.getUint32(4, true) !== webp.length - 8) throw new InternalError('WebP writer: RIFF size disagrees with the file length');
  const chunks: WebpChunk[] = [];
  for (let at = 12; at < webp.length;) {
    if (webp.length - at < 8) throw new InternalError(`WebP writer: truncated chunk header at byte ${at}`);
    const size = view.getUint32(at + 4, true);
    if (size > webp.length - at - 8) throw new InternalError(`WebP writer: chunk at byte ${at} runs past the end`);
    chunks.push({ fourCc: text(at), data: webp.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size % 2);
  }
  return chunks;
}

/** Canvas size and alpha of the image, from its VP8X, VP8L or VP8 chunk. */
function canvasOf(chunks: readonly WebpChunk[]): { width: number; height: number; flags: number } {
  const first = chunks[0];
  if (first?.fourCc === 'VP8X' && first.data.length >= 10) {
    const d = first.data;
    const side = (at: number) => 1 + (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16));
    return { width: side(4), height: side(7), flags: d[0]! & (VP8X_FLAGS.alpha | VP8X_FLAGS.animation) };
  }
  if (first?.fourCc === 'VP8L' && first.data.length >= 5 && first.data[0] === 0x2f) {
    // Lossless header: signature 0x2f, then 14 bits width - 1, 14 bits height - 1, 1 bit alpha_is_used (LSB first).
    const bits = new DataView(first.data.buffer, first.data.byteOffset + 1, 4).getUint32(0, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, flags: (bits >>> 28) & 1 ? VP8X_FLAGS.alpha : 0 };
  }
  if (first?.fourCc === 'VP8 ' && first.data.length >= 10) {
    // Lossy key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height (2 scale bits each).
    const view = new DataView(first.data.buffer, first.data.byteOffset, first.data.length);
    return { width: view.getUint16(6, true) & 0x3fff, height: view.getUint16(8, true) & 0x3fff, flags: 0 };
  }
  throw new InternalError(`WebP writer: unexpected first chunk ${first?.fourCc ?? '(none)'}`);
}

function chunkBytes(fourCc: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length % 2));
  out.set(Buffer.from(fourCc, 'latin1'));
  new DataView(out.buffer).setUint32(4, data.length, true);
  out.set(data, 8);
  return out;
}

/**
 * A WebP in the extended format holding `metadata` besides its image (any earlier profile, EXIF or XMP chunk is
 * replaced by what is given; the image chunks are copied unchanged).
 * @param webp a complete WebP file (what sharp encoded)
 * @returns the new file; `webp` itself when there is nothing to add
 * @throws InternalError when `webp` is not a well-formed still or animated WebP
 */
export function insertWebpMetadata(webp: Uint8Array, metadata: WebpMetadata): Uint8Array {
  if (!metadata.icc && !metadata.exif && !metadata.xmp) return webp;
  const chunks = readWebpChunks(webp);
  const canvas = canvasOf(chunks);
  if (canvas.width > MAX_CANVAS_SIDE || canvas.height > MAX_CANVAS_SIDE) throw new InternalError('WebP writer: canvas too large');
  const kept = chunks.filter((chunk) => !['VP8X', 'ICCP', 'EXIF', 'XMP '].includes(chunk.fourCc));
  const old = (fourCc: string) => chunks.find((chunk) => chunk.fourCc === fourCc)?.data;
  const icc = metadata.icc ?? old('ICCP');
  const exif = metadata.exif ?? old('EXIF');
  const xmp = metadata.xmp ?? old('XMP ');
  const vp8x = new Uint8Array(10);
  vp8x[0] = canvas.flags | (icc ? VP8X_FLAGS.icc : 0) | (exif ? VP8X_FLAGS.exif : 0) | (xmp ? VP8X_FLAGS.xmp : 0);
  for (const [at, side] of [[4, canvas.width - 1], [7, canvas.height - 1]] as const) {
    vp8x[at] = side & 0xff;
    vp8x[at + 1] = (side >>> 8) & 0xff;
    vp8x[at + 2] = (side >>> 16) & 0xff;
  }
  const parts: Uint8Array[] = [chunkBytes('VP8X', vp8x)];
  if (icc) parts.push(chunkBytes('ICCP', icc));
  for (const chunk of kept) parts.push(chunkBytes(chunk.fourCc, chunk.data));
  if (exif) parts.push(chunkBytes('EXIF', exif));
  if (xmp) parts.push(chunkBytes('XMP ', xmp));
  const body = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(12 + body);
  out.set(Buffer.from('RIFF', 'latin1'));
  new DataView(out.buffer).setUint32(4, 4 + body, true);
  out.set(Buffer.from('WEBP', 'latin1'), 8);
  let at = 12;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
