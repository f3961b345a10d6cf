/**
 * Turns what a baseline decoder hands back (a decoded file, through src/image) into the bench's sample layout, and
 * converts bench images to PixelBuffers for the writers. Invariant: only lossless rewrites are made: R = G = B collapses to
 * grey (grey decoded for RGB is replicated) and an all-opaque alpha is dropped; anything else fails the exact check.
 */
import { readImage } from '../image/read-image.js';
import { createPixelBuffer, type PixelBuffer } from '../image/pixel-buffer.js';
import { CorruptStreamError } from '../core/errors.js';
import type { BenchImage, ImageGeometry } from './bench-codec.js';

/** A bench image as a PixelBuffer for src/image's writers (shares its samples). */
export function toPixelBuffer(image: BenchImage): PixelBuffer {
  return createPixelBuffer({ width: image.width, height: image.height, channels: image.channels, bitDepth: 8, data: image.data });
}

/**
 * The samples of `pixels` laid out as `geometry` asks, when that can be done without changing a sample.
 * @returns `geometry.channels` samples per pixel; when the decoded image cannot be expressed that way, something
 *   that fails the exact-decode check: no samples at all for another size or 16-bit samples, the decoded samples
 *   unchanged for colour where grey was coded or a transparent pixel
 */
export function samplesAs(pixels: PixelBuffer, geometry: ImageGeometry): Uint8Array {
  // Another size or depth can never be the image, even when the sample count happens to agree.
  if (pixels.bitDepth !== 8 || pixels.width !== geometry.width || pixels.height !== geometry.height) return new Uint8Array(0);
  const from = pixels.channels;
  const to = geometry.channels;
  if (from === to) return pixels.data;
  const colourFrom = from >= 3 ? 3 : 1;
  const hasAlpha = from === 2 || from === 4;
  const count = pixels.width * pixels.height;
  const data = pixels.data;
  if (hasAlpha) {
    for (let i = 0; i < count; i++) if (data[i * from + colourFrom] !== 255) return data;
  }
  if (colourFrom === 3 && to === 1) {
    for (let i = 0; i < count; i++) {
      const r = data[i * from];
      if (data[i * from + 1] !== r || data[i * from + 2] !== r) return data;
    }
  }
  const out = new Uint8Array(count * to);
  for (let i = 0; i < count; i++) {
    // Grey decoded for an RGB image is replicated (exact only if the image had R = G = B).
    for (let c = 0; c < to; c++) out[i * to + c] = data[i * from + (colourFrom === 1 ? 0 : c)]!;
  }
  return out;
}

/**
 * Decodes a whole image file written by a baseline (PNG, WebP, AVIF, PNM) through src/image.
 * @param name what to call the bytes in messages (codec and image)
 * @throws CorruptStreamError when src/image cannot read the bytes (the codec wrote a file it cannot read back)
 */
export async function decodeImageFile(bytes: Uint8Array, geometry: ImageGeometry, name: string): Promise<Uint8Array> {
  let pixels: PixelBuffer;
  try {
    pixels = await readImage(bytes, { name, maxPixels: Infinity });
  } catch (error) {
    throw new CorruptStreamError(`${name}: the decoder's output cannot be read back: ${(error as Error).message}`, { cause: error });
  }
  return samplesAs(pixels, geometry);
}
