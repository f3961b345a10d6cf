/**
 * What an output file will not hold of its input (not a command itself): compress and convert keep the pixels of the
 * first frame exactly, and the metadata blocks their output can hold; decompress writes back what the .idf file
 * stored. Each names the rest on stderr, so that no frame, page, colour profile or orientation is lost silently; the
 * list is empty when nothing is left out.
 */
import { log } from '../../core/log.js';
import type { PixelBuffer } from '../../image/pixel-buffer.js';

/**
 * The parts of an image file that were read but are not in the output, in the order a message lists them.
 * @param pixels the image as read (its metadata says what the file held beside the first frame's pixels)
 * @param notKept names of the metadata blocks not carried over, e.g. `['ICC profile (--strip-metadata)']` or
 *   `['IPTC (PNG has no place for it)']`; when one of them names the EXIF, its orientation is named as lost too
 * @returns e.g. `['frames 2..3 of 3 (only the first is kept)', 'EXIF', 'orientation 6 (...)']`; empty for an image
 *   built in memory or one whose output holds everything
 */
export function unstoredMetadata(pixels: PixelBuffer, notKept: readonly string[]): string[] {
  const meta = pixels.metadata;
  const parts: string[] = [];
  if (meta?.pages !== undefined) parts.push(`frames 2..${meta.pages} of ${meta.pages} (only the first is kept)`);
  parts.push(...notKept);
  if (meta?.orientation !== undefined && notKept.some((name) => /\bEXIF\b/.test(name))) {
    parts.push(`orientation ${meta.orientation} (lost with the EXIF; the pixels stay in stored order)`);
  }
  return parts;
}

/**
 * Logs one warning `<input>: not copied to <output>: ...` when something is not kept.
 * @param parts what is not kept (unstoredMetadata's list, or the blocks an output format cannot hold)
 */
export function warnAboutUnstoredMetadata(input: string, output: string, parts: readonly string[]): void {
  if (parts.length > 0) log.warn({ input, output }, `${input}: not copied to ${output}: ${parts.join(', ')}`);
}
