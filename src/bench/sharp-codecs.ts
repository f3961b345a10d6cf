/**
 * The baselines sharp (libvips) codes in-process: PNG and lossless WebP, reached through src/image, the only layer
 * that imports sharp. Each image is measured as the complete file the library writes (PNG chunks, WebP RIFF header).
 * Both use writeImage's `max` effort (PNG zlib level 9; WebP method 4, see WriteEffort), stated in `settings`.
 */
import { writeImage } from '../image/write-image.js';
import type { OutputFormat } from '../image/image-format.js';
import type { BenchCodec, BenchImage, ImageGeometry } from './bench-codec.js';
import { decodeImageFile, toPixelBuffer } from './decoded-samples.js';

function sharpCodec(name: string, format: OutputFormat, settings: string): BenchCodec {
  return {
    name,
    settings,
    timing: 'in-process',
    available: async () => ({ available: true, version: 'sharp (libvips), through src/image' }),
    encode: (image: BenchImage) => writeImage(toPixelBuffer(image), format, 'max'),
    decode: (bytes: Uint8Array, geometry: ImageGeometry) => decodeImageFile(bytes, geometry, `${name} file`),
  };
}

/**
 * PNG through sharp: zlib level 9 with adaptive filtering, no palette, grey kept as a 1-channel PNG; the whole .png
 * file is measured.
 */
export function pngCodec(): BenchCodec {
  return sharpCodec('png', 'png', 'PNG file as written (sharp via src/image: zlib level 9, adaptive filtering, no palette; grey as 1-channel PNG)');
}

/**
 * Lossless WebP through sharp: method 4, `exact` (not cwebp's `-z 9`: see WriteEffort); grey is stored as R = G = B
 * because WebP has no grey mode, and still counts one sample per pixel. The whole .webp (RIFF) file is measured.
 */
export function webpCodec(): BenchCodec {
  return sharpCodec('webp', 'webp', 'lossless WebP file as written, RIFF container (sharp via src/image: effort 4, exact; grey stored as RGB)');
}
