/**
 * Writes a PixelBuffer as PNG, lossless WebP, TIFF (deflate) or Netpbm, returning the file's bytes. Every format is
 * written losslessly: grey stays grey (1 or 2 channels) and 16-bit stays 16-bit where the format holds it. WebP holds
 * only 8-bit RGB(A): grey is replicated into R = G = B, 16-bit samples are refused, and libwebp stores no alpha plane
 * when every alpha is 255 (the file reads back as RGB). Metadata is not written here (embed-metadata.ts adds it to the
 * encoded bytes); no colour conversion or ICC tagging.
 */
import sharp from 'sharp';
import { InternalError, LimitError, UsageError } from '../core/errors.js';
import type { OutputFormat } from './image-format.js';
import { writePnm } from './pnm.js';
import type { PixelBuffer } from './pixel-buffer.js';

/**
 * How hard the PNG encoder works: `default` (zlib level 6) is what `decompress`/`convert` write; `max` (level 9) is
 * for the bench's baselines. WebP keeps method 4 in both: cwebp's `-z 9` (method 6, quality 100) wrote kodim23
 * only 0.6% smaller (424,078 vs 426,464 bytes) at 37x the time (`cwebp -z 9` vs `cwebp -lossless -q 75 -m 4`).
 */
export type WriteEffort = 'default' | 'max';

/** Largest width or height a WebP file can hold. */
export const WEBP_MAX_DIMENSION = 16383;

/**
 * Encodes `pixels` as `format`, losslessly.
 * @returns the bytes of the complete file
 * @throws {UsageError} 16-bit samples asked for as WebP (8-bit only)
 * @throws {LimitError} an image wider or taller than 16383 pixels asked for as WebP
 */
export async function writeImage(pixels: PixelBuffer, format: OutputFormat, effort: WriteEffort = 'default'): Promise<Uint8Array> {
  if (format === 'pnm') return writePnm(pixels);
  const { width, height, channels, bitDepth } = pixels;
  if (format === 'webp') {
    if (bitDepth === 16) throw new UsageError('WebP holds only 8-bit samples and this image has 16-bit ones; write it as png, tiff or pnm');
    if (width > WEBP_MAX_DIMENSION || height > WEBP_MAX_DIMENSION) {
      throw new LimitError(`WebP holds at most ${WEBP_MAX_DIMENSION}x${WEBP_MAX_DIMENSION} pixels and this image is ${width}x${height}; write it as png, tiff or pnm`);
    }
  }
  const grey = channels <= 2 && format !== 'webp';
  // A Uint16Array makes sharp take the samples as 16-bit; the colour space keeps grey grey and 16-bit 16-bit.
  const image = sharp(pixels.data, { raw: { width, height, channels, premultiplied: false }, limitInputPixels: false }).toColourspace(
    grey ? (bitDepth === 16 ? 'grey16' : 'b-w') : bitDepth === 16 ? 'rgb16' : 'srgb',
  );
  try {
    switch (format) {
      case 'png':
        return await image.png({ compressionLevel: effort === 'max' ? 9 : 6, adaptiveFiltering: true, palette: false }).toBuffer();
      case 'webp':
        // exact: keep the colour of fully transparent pixels, which lossless WebP would otherwise rewrite.
        return await image.webp({ lossless: true, exact: true, effort: 4 }).toBuffer();
      case 'tiff':
        // sharp's default TIFF compression is JPEG (lossy); deflate with the horizontal predictor is lossless.
        return await image.tiff({ compression: 'deflate', predictor: 'horizontal' }).toBuffer();
    }
  } catch (error) {
    throw new InternalError(`internal error: sharp could not write a ${width}x${height}x${channels} ${bitDepth}-bit image as ${format}: ${String(error)}`, { cause: error });
  }
}
