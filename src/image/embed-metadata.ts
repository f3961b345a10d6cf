/**
 * Writes an image's metadata blocks (ICC profile, EXIF, XMP, IPTC) into an already encoded output file, byte for byte
 * and without re-encoding the pixels, and says which blocks the format cannot hold. PNG and WebP hold ICC, EXIF and
 * XMP (png-chunks.ts, webp-chunks.ts); neither has a place for IPTC; TIFF and PNM outputs get none; WebP, always RGB,
 * gets no grey (GRAY) profile. Invariant: the pixels a reader decodes from the result are the ones the encoder wrote.
 */
import { InternalError } from '../core/errors.js';
import type { OutputFormat } from './image-format.js';
import type { ImageMetadata } from './pixel-buffer.js';
import { insertPngMetadata } from './png-chunks.js';
import { insertWebpMetadata } from './webp-chunks.js';

/** The metadata blocks an output can carry, as raw bytes (ImageMetadata's, or a .idf file's). */
export type EmbeddableMetadata = Pick<ImageMetadata, 'icc' | 'exif' | 'xmp' | 'iptc'>;

/** The result of embedMetadata. */
export interface EmbeddedImage {
  /** The output file with the blocks it can hold. */
  readonly bytes: Uint8Array;
  /** Names of the blocks given but not written ('ICC profile', 'EXIF', 'XMP', 'IPTC'), in that order. */
  readonly notWritten: string[];
}

/** The prefix JPEG's APP1 segment (and libvips, in WebP) puts before the TIFF header of EXIF. */
const EXIF_PREFIX = [0x45, 0x78, 0x69, 0x66, 0, 0];

/**
 * EXIF as PNG's eXIf and WebP's EXIF chunk store it: from the TIFF header on, without a leading "Exif\0\0".
 * @returns a view of `exif` (the whole of it when there is no prefix)
 */
export function exifFromTiffHeader(exif: Uint8Array): Uint8Array {
  const prefixed = exif.length >= EXIF_PREFIX.length && EXIF_PREFIX.every((byte, i) => exif[i] === byte);
  return prefixed ? exif.subarray(EXIF_PREFIX.length) : exif;
}

/** Whether an ICC profile describes grey data: its header's colour space signature (bytes 16..19) is 'GRAY'. */
export function isGreyProfile(icc: Uint8Array): boolean {
  return icc.length >= 20 && Buffer.from(icc.subarray(16, 20)).toString('latin1') === 'GRAY';
}

/** Names of the blocks present in `metadata`, in message order. */
function present(metadata: EmbeddableMetadata): string[] {
  return [
    ...(metadata.icc ? ['ICC profile'] : []), ...(metadata.exif ? ['EXIF'] : []), ...(metadata.xmp ? ['XMP'] : []),
    ...(metadata.iptc ? ['IPTC'] : []),
  ];
}

/**
 * Puts `metadata` into `encoded`, a file of `format` that idfz's writer produced.
 * @returns the file (unchanged when nothing can be written) and what was not written
 * @throws InternalError when `encoded` is not a well-formed file of `format` (idfz's own bug)
 */
export function embedMetadata(encoded: Uint8Array, format: OutputFormat, metadata: EmbeddableMetadata): EmbeddedImage {
  const exif = metadata.exif ? exifFromTiffHeader(metadata.exif) : undefined;
  // WebP holds grey as RGB, which a grey profile cannot describe.
  const icc = metadata.icc && !(format === 'webp' && isGreyProfile(metadata.icc)) ? metadata.icc : undefined;
  const blocks = {
    ...(icc ? { icc } : {}),
    ...(exif && exif.length > 0 ? { exif } : {}),
    ...(metadata.xmp ? { xmp: metadata.xmp } : {}),
  };
  switch (format) {
    case 'png':
    case 'webp': {
      const bytes = format === 'png' ? insertPngMetadata(encoded, blocks) : insertWebpMetadata(encoded, blocks);
      const notWritten = [
        ...(metadata.icc && !blocks.icc ? ['ICC profile'] : []), ...(metadata.exif && !blocks.exif ? ['EXIF'] : []),
        ...(metadata.iptc ? ['IPTC'] : []),
      ];
      return { bytes, notWritten };
    }
    case 'tiff':
    case 'pnm':
      return { bytes: encoded, notWritten: present(metadata) };
    default:
      throw new InternalError(`embedMetadata: unknown format ${String(format)}`);
  }
}
