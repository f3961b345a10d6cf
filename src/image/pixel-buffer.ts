/**
 * The in-memory image every layer exchanges: interleaved (row-major, HWC) samples exactly as the file stores them.
 * Invariant: `data.length === width * height * channels`; 8-bit samples live in a Uint8Array, 16-bit samples in a
 * Uint16Array (native byte order). Metadata (ICC profile, EXIF, ...) rides along untouched and is never applied.
 */
import { invariant } from '../core/errors.js';

/** Samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
export type Channels = 1 | 2 | 3 | 4;

/** Bits per sample. */
export type BitDepth = 8 | 16;

/** Container format an image was read from. */
export type SourceFormat = 'png' | 'jpeg' | 'webp' | 'tiff' | 'gif' | 'avif' | 'pnm';

/** What the source file carried besides its pixels; kept as raw bytes so a later step can preserve it. */
export interface ImageMetadata {
  /** Format of the file the pixels came from. */
  readonly format: SourceFormat;
  /** Embedded ICC colour profile, exactly as stored (never applied to the pixels). */
  readonly icc?: Uint8Array;
  /** Raw EXIF block, as stored. */
  readonly exif?: Uint8Array;
  /** Raw XMP packet, as stored. */
  readonly xmp?: Uint8Array;
  /** Raw IPTC block, as stored. */
  readonly iptc?: Uint8Array;
  /** EXIF orientation tag 1..8 when present and not 1 (never applied: the pixels are in stored order). */
  readonly orientation?: number;
  /** Frames (GIF, WebP) or pages (TIFF) in the file when more than one; only the first is read. */
  readonly pages?: number;
}

interface PixelBufferBase {
  /** Pixels per row, >= 1. */
  readonly width: number;
  /** Rows, >= 1. */
  readonly height: number;
  /** Samples per pixel. */
  readonly channels: Channels;
  /** Source metadata, absent for images built in memory. */
  readonly metadata?: ImageMetadata;
}

/** An image with 8-bit samples. */
export interface PixelBuffer8 extends PixelBufferBase {
  readonly bitDepth: 8;
  readonly data: Uint8Array;
}

/** An image with 16-bit samples (native byte order in memory). */
export interface PixelBuffer16 extends PixelBufferBase {
  readonly bitDepth: 16;
  readonly data: Uint16Array;
}

/** An image: 1..4 interleaved channels of 8- or 16-bit samples. */
export type PixelBuffer = PixelBuffer8 | PixelBuffer16;

/** Geometry and samples to build a PixelBuffer from. */
export type PixelBufferInit =
  | { width: number; height: number; channels: number; bitDepth: 8; data: Uint8Array; metadata?: ImageMetadata }
  | { width: number; height: number; channels: number; bitDepth: 16; data: Uint16Array; metadata?: ImageMetadata };

/** True when `channels` is 1..4. */
export function isChannels(channels: number): channels is Channels {
  return channels === 1 || channels === 2 || channels === 3 || channels === 4;
}

/**
 * Builds a PixelBuffer after checking its invariant. Callers validate untrusted headers first (with BadInputError);
 * a failure here is a bug in idfz.
 * @throws {InternalError} width or height not an integer >= 1, channels not 1..4, or a data length or array type that
 *   does not match the geometry and bit depth
 */
export function createPixelBuffer(init: PixelBufferInit): PixelBuffer {
  const { width, height, channels, bitDepth, data } = init;
  invariant(Number.isSafeInteger(width) && width >= 1, `pixel buffer width ${width} is not an integer >= 1`);
  invariant(Number.isSafeInteger(height) && height >= 1, `pixel buffer height ${height} is not an integer >= 1`);
  invariant(isChannels(channels), `pixel buffer channels ${channels} is not 1..4`);
  invariant(
    bitDepth === 8 ? data instanceof Uint8Array : data instanceof Uint16Array,
    `pixel buffer data is a ${data.constructor.name}, expected ${bitDepth === 8 ? 'Uint8Array' : 'Uint16Array'}`,
  );
  const expected = width * height * channels;
  invariant(data.length === expected, `pixel buffer of ${width}x${height}x${channels} needs ${expected} samples, got ${data.length}`);
  const base = { width, height, channels, ...(init.metadata ? { metadata: init.metadata } : {}) };
  return init.bitDepth === 8 ? { ...base, bitDepth: 8, data: init.data } : { ...base, bitDepth: 16, data: init.data };
}

/**
 * The samples as bytes, 16-bit samples little-endian, whatever the host byte order: the canonical byte form for
 * checksums. Shares memory with `pixels.data` on little-endian hosts.
 */
export function pixelBytes(pixels: PixelBuffer): Uint8Array {
  const { data } = pixels;
  if (pixels.bitDepth === 8) return pixels.data;
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return view;
  const bytes = new Uint8Array(data.length * 2);
  for (let i = 0; i < data.length; i++) {
    bytes[2 * i] = data[i]! & 0xff;
    bytes[2 * i + 1] = data[i]! >>> 8;
  }
  return bytes;
}

/** A short human description, e.g. `33x17 RGBA 8-bit`. */
export function describePixels(pixels: PixelBuffer): string {
  const layout = ['grey', 'grey+alpha', 'RGB', 'RGBA'][pixels.channels - 1];
  return `${pixels.width}x${pixels.height} ${layout} ${pixels.bitDepth}-bit`;
}
