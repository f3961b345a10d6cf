/**
 * Reads PNG, JPEG, WebP, TIFF, GIF (first frame), AVIF (through sharp) and Netpbm (our own reader) into a
 * PixelBuffer holding the samples exactly as stored: no EXIF rotation, no ICC or CMYK conversion, no bit-depth
 * change. The pixel limit is checked from the header before any pixel is decoded, and any decoder warning (truncated
 * or corrupt data) is an error, so half-decoded pixels never come back.
 */
import sharp from 'sharp';
import type { Metadata, OutputInfo } from 'sharp';
import { BadInputError, InternalError, LimitError, invariant } from '../core/errors.js';
import { isPnm, readPnm } from './pnm.js';
import { createPixelBuffer, isChannels, type ImageMetadata, type PixelBuffer, type SourceFormat } from './pixel-buffer.js';

/**
 * Default pixel limit: 2^26 (67,108,864) pixels, e.g. 8192 x 8192, the same as the .idf reader's, so that whatever
 * compresses by default also decompresses by default and a small hostile file cannot claim gigabytes.
 */
export const DEFAULT_MAX_PIXELS = 2 ** 26;

/** Options for readImage. */
export interface ReadImageOptions {
  /** Largest width * height accepted, checked before decoding; default DEFAULT_MAX_PIXELS; `Infinity` lifts it. */
  maxPixels?: number;
  /** Name of the input in error messages (a path, or `stdin`). Default `input`. */
  name?: string;
}

const SUPPORTED = 'PNG, JPEG, WebP, TIFF, GIF, AVIF or PNM';
const DISPLAY_NAMES: Record<SourceFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP', tiff: 'TIFF', gif: 'GIF', avif: 'AVIF', pnm: 'PNM' };

/** Colour spaces whose samples sharp hands over unchanged, by channel family and depth. */
const STORED_SPACES: Record<string, { grey: boolean; bitDepth: 8 | 16 }> = {
  'b-w': { grey: true, bitDepth: 8 },
  grey16: { grey: true, bitDepth: 16 },
  srgb: { grey: false, bitDepth: 8 },
  rgb16: { grey: false, bitDepth: 16 },
};

/** sharp's messages are multi-line and name libvips internals; keep the first line. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim().replace(/:$/, '');
}

function sourceFormatOf(meta: Metadata, name: string): SourceFormat {
  switch (meta.format) {
    case 'png':
    case 'jpeg':
    case 'webp':
    case 'tiff':
    case 'gif':
      return meta.format;
    case 'heif':
      if (meta.compression === 'av1') return 'avif';
      throw new BadInputError(`${name}: unsupported format: HEIF with ${meta.compression ?? 'unknown'} compression (idfz reads ${SUPPORTED})`);
    default:
      throw new BadInputError(`${name}: unsupported format: ${meta.format} (idfz reads ${SUPPORTED} images)`);
  }
}

async function readHeader(bytes: Uint8Array, name: string): Promise<Metadata> {
  try {
    // The header only: no pixel is decoded, so the pixel limit is ours to check afterwards.
    return await sharp(bytes, { limitInputPixels: false, failOn: 'warning' }).metadata();
  } catch (error) {
    const message = firstLine(error);
    if (/unsupported image format/i.test(message)) {
      throw new BadInputError(`${name}: not an image idfz can read (expected ${SUPPORTED})`, { cause: error });
    }
    throw new BadInputError(`${name}: damaged image header (${message}); the file is corrupt or not an image`, { cause: error });
  }
}

function metadataOf(meta: Metadata, format: SourceFormat): ImageMetadata {
  return {
    format,
    ...(meta.icc ? { icc: new Uint8Array(meta.icc) } : {}),
    ...(meta.exif ? { exif: new Uint8Array(meta.exif) } : {}),
    ...(meta.xmp ? { xmp: new Uint8Array(meta.xmp) } : {}),
    ...(meta.iptc ? { iptc: new Uint8Array(meta.iptc) } : {}),
    ...(meta.orientation !== undefined && meta.orientation !== 1 ? { orientation: meta.orientation } : {}),
    ...(meta.pages !== undefined && meta.pages > 1 ? { pages: meta.pages } : {}),
  };
}

/**
 * Reads an image file's bytes into a PixelBuffer of the stored samples. Palette images come back as RGB or RGBA,
 * 1-, 2- and 4-bit grey as 8-bit (0..255, exactly scaled), GIF as RGBA (its first frame), multi-page TIFF as its
 * first page. ICC profile, EXIF, XMP, IPTC, the EXIF orientation and the count of frames or pages (when more than one)
 * are returned in `metadata`, never applied.
 * @param bytes the whole file
 * @throws {BadInputError} empty, not an image, unsupported format (SVG, BMP, HEIC, ...), unsupported colour space
 *   (CMYK, Lab, ...) or sample type (float, signed, 32-bit), zero size, damaged or truncated data
 * @throws {LimitError} width * height above `maxPixels`
 */
export async function readImage(bytes: Uint8Array, options: ReadImageOptions = {}): Promise<PixelBuffer> {
  const name = options.name ?? 'input';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length === 0) throw new BadInputError(`${name}: the file is empty, expected an image (${SUPPORTED})`);
  if (isPnm(bytes)) return readPnm(bytes, { maxPixels, name });

  const meta = await readHeader(bytes, name);
  const format = sourceFormatOf(meta, name);
  const shown = DISPLAY_NAMES[format];
  const { width, height, channels } = meta;
  if (!(width >= 1 && height >= 1)) throw new BadInputError(`${name}: invalid ${shown} image: it is ${width}x${height}, it has no pixels`);
  if (width * height > maxPixels) {
    throw new LimitError(`${name}: ${width}x${height} image has ${width * height} pixels, above the limit of ${maxPixels}; raise the limit (--max-pixels) if you trust this file`);
  }
  const space = STORED_SPACES[meta.space];
  if (!space) {
    throw new BadInputError(`${name}: unsupported colour space ${meta.space} in this ${shown} image: idfz reads grey and RGB images only; convert it to RGB first`);
  }
  const bitDepth = meta.depth === 'uchar' ? 8 : meta.depth === 'ushort' ? 16 : 0;
  if (bitDepth === 0) {
    throw new BadInputError(`${name}: unsupported sample type ${meta.depth} in this ${shown} image: idfz reads 8- and 16-bit unsigned samples`);
  }
  if (!isChannels(channels) || space.grey !== channels <= 2 || space.bitDepth !== bitDepth) {
    throw new BadInputError(`${name}: unsupported ${shown} layout: ${channels} channels of ${meta.depth} in colour space ${meta.space}`);
  }
  const data = await decode(bytes, { name, format, maxPixels, bitDepth, channels });
  const metadata = metadataOf(meta, format);
  return data instanceof Uint16Array
    ? createPixelBuffer({ width, height, channels, bitDepth: 16, data, metadata })
    : createPixelBuffer({ width, height, channels, bitDepth: 8, data, metadata });
}

interface DecodePlan {
  name: string;
  format: SourceFormat;
  maxPixels: number;
  bitDepth: 8 | 16;
  channels: 1 | 2 | 3 | 4;
}

/**
 * Decodes the first frame's samples. sharp's traps, each checked by test/image/read-image.test.ts: without a target
 * colour space it turns grey into RGB and 16-bit into 8-bit; without ignoreIcc it converts through the embedded
 * profile; and its raw output of an 8-bit grey + alpha image in `b-w` drops the alpha, so that case is read as RGBA
 * (grey replicated exactly) and the alpha is taken back out.
 */
async function decode(bytes: Uint8Array, plan: DecodePlan): Promise<Uint8Array | Uint16Array> {
  const { name, format, bitDepth, channels } = plan;
  const greyAlpha8 = bitDepth === 8 && channels === 2;
  const target = channels <= 2 && !greyAlpha8 ? (bitDepth === 16 ? 'grey16' : 'b-w') : bitDepth === 16 ? 'rgb16' : 'srgb';
  let result: { data: Buffer; info: OutputInfo };
  try {
    result = await sharp(bytes, {
      failOn: 'warning',
      limitInputPixels: Number.isFinite(plan.maxPixels) ? plan.maxPixels : false,
      ignoreIcc: true,
      autoOrient: false,
      pages: 1,
      page: 0,
    })
      .toColourspace(target)
      .raw({ depth: bitDepth === 16 ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const message = firstLine(error);
    if (/pixel limit/i.test(message)) throw new LimitError(`${name}: image is above the pixel limit of ${plan.maxPixels}`, { cause: error });
    throw new BadInputError(`${name}: damaged or truncated ${DISPLAY_NAMES[format]} image (${message})`, { cause: error });
  }
  const { data, info } = result;
  const decodedChannels = greyAlpha8 ? 4 : channels;
  if (info.channels !== decodedChannels || info.size !== data.length || data.length % (bitDepth / 8) !== 0) {
    throw new InternalError(`internal error: sharp decoded ${name} to ${info.channels} channels in ${data.length} bytes, expected ${decodedChannels} channels of ${bitDepth}-bit samples`);
  }
  if (bitDepth === 16) {
    // Copy: sharp's buffer may sit at an odd offset in a shared pool; the copy is aligned and owned.
    const samples = new Uint16Array(data.length / 2);
    new Uint8Array(samples.buffer).set(data);
    return samples;
  }
  if (!greyAlpha8) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const pixels = data.length / 4;
  const samples = new Uint8Array(pixels * 2);
  for (let i = 0; i < pixels; i++) {
    const grey = data[4 * i]!;
    invariant(data[4 * i + 1] === grey && data[4 * i + 2] === grey, `sharp did not replicate grey exactly at pixel ${i} of ${name}`);
    samples[2 * i] = grey;
    samples[2 * i + 1] = data[4 * i + 3]!;
  }
  return samples;
}
