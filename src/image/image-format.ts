/**
 * The lossless formats idfz writes, and how file names map to them. One table keeps names, extensions and the
 * formats' capacities together, so the writer, the CLI and the docs cannot disagree.
 */
import path from 'node:path';
import type { Channels } from './pixel-buffer.js';

/** Formats idfz can write; all are lossless. */
export type OutputFormat = 'png' | 'webp' | 'tiff' | 'pnm';

/** Output formats in `--help` order; the first is the default. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'webp', 'tiff', 'pnm'];

/** File extensions (lower case, with the dot) that name each output format when writing. */
const EXTENSIONS: Record<OutputFormat, readonly string[]> = {
  png: ['.png'],
  webp: ['.webp'],
  tiff: ['.tif', '.tiff'],
  pnm: ['.pnm', '.pgm', '.ppm', '.pam'],
};

/** Extensions of image formats idfz reads but does not write (lossy or animated ones). */
const READ_ONLY_EXTENSIONS = ['.jpg', '.jpeg', '.gif', '.avif', '.heic', '.heif', '.jxl', '.jp2', '.bmp'];

/**
 * What a file name's extension says about the format to write (case-insensitive).
 * @returns the format, `'read-only'` for an image format idfz does not write (JPEG, GIF, AVIF, ...), or `undefined`
 *   for an extension that names no image format
 */
export function outputFormatOfPath(fileName: string): OutputFormat | 'read-only' | undefined {
  const extension = path.extname(fileName).toLowerCase();
  for (const format of OUTPUT_FORMATS) if (EXTENSIONS[format].includes(extension)) return format;
  return READ_ONLY_EXTENSIONS.includes(extension) ? 'read-only' : undefined;
}

/**
 * The usual extension for an image of `channels` written as `format`: `.png`, `.webp`, `.tif`, and for PNM the
 * Netpbm name of what is written: `.pgm` (grey), `.ppm` (RGB) or `.pam` (with alpha).
 */
export function extensionFor(format: OutputFormat, channels: Channels): string {
  if (format === 'pnm') return channels === 1 ? '.pgm' : channels === 3 ? '.ppm' : '.pam';
  return EXTENSIONS[format][0]!;
}
