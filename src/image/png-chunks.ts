/**
 * Puts an ICC profile (iCCP), EXIF (eXIf) and XMP (iTXt "XML:com.adobe.xmp") into an encoded PNG, to the PNG
 * specification (third edition), without touching its pixels: sharp's own withIccProfile converts the pixels into
 * the profile, so the chunks are inserted into the bytes it encoded instead. Invariant: the IDAT chunks and every
 * chunk that is not replaced come out byte for byte; each new chunk carries its CRC-32; all three go right after
 * IHDR, so they precede PLTE and IDAT as the specification requires.
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '../core/crc32.js';
import { InternalError } from '../core/errors.js';

/** The 8-byte PNG signature. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Profile name written in iCCP (1..79 Latin-1 characters; readers ignore it). */
const ICC_PROFILE_NAME = 'ICC profile';
/** The iTXt keyword under which XMP lives in PNG (XMP specification part 3). */
export const XMP_ITXT_KEYWORD = 'XML:com.adobe.xmp';

/** What insertPngMetadata writes; absent blocks are not written. */
export interface PngMetadata {
  /** ICC profile, stored zlib-compressed in iCCP. */
  readonly icc?: Uint8Array;
  /** EXIF starting with the TIFF header (no "Exif\0\0" prefix), stored as is in eXIf. */
  readonly exif?: Uint8Array;
  /** XMP packet (UTF-8), stored uncompressed in iTXt. */
  readonly xmp?: Uint8Array;
}

/** One chunk of a PNG: its 4-letter type and its data (a view into the file). */
export interface PngChunk {
  readonly type: string;
  readonly data: Uint8Array;
}

/**
 * Splits a PNG into its chunks, checking the signature, each chunk's length and CRC, and that IHDR comes first
 * and IEND last.
 * @throws InternalError when the bytes are not such a PNG (they come from idfz's own encoder)
 */
export function readPngChunks(png: Uint8Array): PngChunk[] {
  if (png.length < 8 || PNG_SIGNATURE.some((byte, i) => png[i] !== byte)) throw new InternalError('PNG writer: missing PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  for (let at = 8; at < png.length;) {
    if (png.length - at < 12) throw new InternalError(`PNG writer: truncated chunk at byte ${at}`);
    const length = view.getUint32(at);
    if (length > png.length - at - 12) throw new InternalError(`PNG writer: chunk at byte ${at} runs past the end`);
    const type = Buffer.from(png.subarray(at + 4, at + 8)).toString('latin1');
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) {
      throw new InternalError(`PNG writer: CRC mismatch in the ${type} chunk at byte ${at}`);
    }
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  if (chunks[0]?.type !== 'IHDR' || chunks.at(-1)?.type !== 'IEND') throw new InternalError('PNG writer: IHDR or IEND missing');
  return chunks;
}

/** The bytes of one chunk: length (big-endian), type, data, CRC-32 of type and data. */
export function pngChunkBytes(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** iCCP data: profile name, a zero separator, compression method 0, the zlib stream of the profile. */
function iccpData(icc: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(ICC_PROFILE_NAME, 'latin1'), Uint8Array.of(0, 0), deflateSync(icc)]);
}

/** iTXt data: keyword, 0, compression flag 0, method 0, empty language tag, 0, empty translated keyword, 0, text. */
function xmpItxtData(xmp: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(XMP_ITXT_KEYWORD, 'latin1'), Uint8Array.of(0, 0, 0, 0, 0), xmp]);
}

/** Whether a chunk is one that the metadata given replaces (an old profile, EXIF or XMP packet). */
function isReplaced(chunk: PngChunk, metadata: PngMetadata): boolean {
  if (metadata.icc && (chunk.type === 'iCCP' || chunk.type === 'sRGB')) return true;
  if (metadata.exif && chunk.type === 'eXIf') return true;
  if (metadata.xmp && (chunk.type === 'iTXt' || chunk.type === 'zTXt' || chunk.type === 'tEXt')) {
    const keyword = chunk.data.subarray(0, XMP_ITXT_KEYWORD.length + 1);
    return Buffer.from(keyword).toString('latin1') === `${XMP_ITXT_KEYWORD}\0`;
  }
  return false;
}

/**
 * A PNG holding `metadata` besides everything it held (an sRGB chunk, and any earlier profile, EXIF or XMP, is
 * replaced by what is given). The image data is not re-encoded.
 * @param png a complete PNG file (what sharp encoded)
 * @returns the new file; `png` itself when there is nothing to add
 * @throws InternalError when `png` is not a well-formed PNG
 */
export function insertPngMetadata(png: Uint8Array, metadata: PngMetadata): Uint8Array {
  if (!metadata.icc && !metadata.exif && !metadata.xmp) return png;
  const chunks = readPngChunks(png);
  const added: Uint8Array[] = [];
  if (metadata.icc) added.push(pngChunkBytes('iCCP', iccpData(metadata.icc)));
  if (metadata.exif) added.push(pngChunkBytes('eXIf', metadata.exif));
  if (metadata.xmp) added.push(pngChunkBytes('iTXt', xmpItxtData(metadata.xmp)));
  const parts: Uint8Array[] = [Uint8Array.from(PNG_SIGNATURE)];
  chunks.forEach((chunk, i) => {
    if (isReplaced(chunk, metadata)) return;
    parts.push(pngChunkBytes(chunk.type, chunk.data));
    if (i === 0) parts.push(...added);
  });
  return Buffer.concat(parts);
}
