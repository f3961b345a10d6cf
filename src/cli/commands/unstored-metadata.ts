/**
 * What an output file will not hold of its input (not a command itself): compress and convert keep the pixels of the
 * first frame exactly, and nothing else of the file. Each says so on stderr, so that no frame, page, colour profile
 * or orientation is lost silently; the list is empty when nothing is left out.
 */
import { log } from '../../core/log.js';
import type { PixelBuffer } from '../../image/pixel-buffer.js';

/**
 * The parts of an image file that were read but are not in its pixels, in the order a message lists them.
 * @returns e.g. `['frames 2..3 of 3 (only the first is kept)', 'ICC profile', 'EXIF', 'orientation 6 (...)']`; empty
 *   for an image built in memory or a file with nothing beside its pixels
 */
export function unstoredMetadata(pixels: PixelBuffer): string[] {
  const meta = pixels.metadata;
  if (!meta) return [];
  const parts: string[] = [];
  if (meta.pages !== undefined) parts.push(`frames 2..${meta.pages} of ${meta.pages} (only the first is kept)`);
  if (meta.icc) parts.push('ICC profile');
  if (meta.exif) parts.push('EXIF');
  if (meta.xmp) parts.push('XMP');
  if (meta.iptc) parts.push('IPTC');
  if (meta.orientation !== undefined) parts.push(`orientation ${meta.orientation} (not applied: pixels stay in stored order)`);
  return parts;
}

/** Logs one warning `<input>: not copied to <output>: ...` when unstoredMetadata is not empty. */
export function warnAboutUnstoredMetadata(input: string, output: string, pixels: PixelBuffer): void {
  const parts = unstoredMetadata(pixels);
  if (parts.length > 0) log.warn({ input, output }, `${input}: not copied to ${output}: ${parts.join(', ')}`);
}
