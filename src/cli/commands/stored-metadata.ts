/**
 * Which of an image's metadata blocks go into a .idf file, and the blocks a .idf file gives back (not a command
 * itself; shared by compress, decompress and convert). Invariant: a block is stored exactly as read, or named in
 * `notStored` with the reason; nothing is dropped silently.
 */
import { MAX_METADATA_BYTES, type IdfMetadataEntry, type IdfMetadataType } from '../../container/index.js';
import type { EmbeddableMetadata } from '../../image/embed-metadata.js';
import type { OutputFormat } from '../../image/image-format.js';
import type { ImageMetadata } from '../../image/pixel-buffer.js';

/** How messages name each block. */
export const METADATA_NAMES: Readonly<Record<IdfMetadataType, string>> = {
  icc: 'ICC profile', exif: 'EXIF', xmp: 'XMP', iptc: 'IPTC',
};

/** Blocks in stored (and message) order. */
const TYPES: readonly IdfMetadataType[] = ['icc', 'exif', 'xmp', 'iptc'];

/**
 * The entries compress stores for an image, and the names of the blocks it leaves out.
 * @param metadata what the reader found beside the pixels (absent for an image built in memory)
 * @param strip true for --strip-metadata: nothing is stored and every block present is named
 * @returns entries in stored order, at most MAX_METADATA_BYTES (16 MiB) in all: a block that would pass the limit is
 *   left out and named with the reason
 */
export function metadataToStore(metadata: ImageMetadata | undefined, strip: boolean): { entries: IdfMetadataEntry[]; notStored: string[] } {
  const entries: IdfMetadataEntry[] = [];
  const notStored: string[] = [];
  let total = 0;
  for (const type of TYPES) {
    const bytes = metadata?.[type];
    if (!bytes || bytes.length === 0) continue;
    if (strip) {
      notStored.push(`${METADATA_NAMES[type]} (--strip-metadata)`);
    } else if (total + bytes.length > MAX_METADATA_BYTES) {
      notStored.push(`${METADATA_NAMES[type]} (${bytes.length} bytes: above the .idf limit of ${MAX_METADATA_BYTES} bytes of metadata)`);
    } else {
      entries.push({ type, bytes });
      total += bytes.length;
    }
  }
  return { entries, notStored };
}

/** A .idf file's metadata entries as the blocks an image writer embeds. */
export function embeddableMetadata(entries: readonly IdfMetadataEntry[]): EmbeddableMetadata {
  const blocks: { -readonly [K in keyof EmbeddableMetadata]: EmbeddableMetadata[K] } = {};
  for (const entry of entries) blocks[entry.type] = entry.bytes;
  return blocks;
}

/**
 * What a warning says about the blocks an output did not get (embedMetadata's notWritten), with the reason.
 * @returns e.g. `['ICC profile, EXIF, XMP (PNM has no place for metadata)']` or `['IPTC (PNG has no place for it)']`;
 *   empty when everything was written
 */
export function notWrittenParts(format: OutputFormat, notWritten: readonly string[]): string[] {
  if (notWritten.length === 0) return [];
  if (format === 'pnm') return [`${notWritten.join(', ')} (PNM has no place for metadata)`];
  if (format === 'tiff') return [`${notWritten.join(', ')} (idfz does not write metadata into TIFF; use --format png or webp)`];
  const shown = format === 'png' ? 'PNG' : 'WebP';
  return notWritten.map((name) =>
    name === 'ICC profile' ? 'ICC profile (a grey profile: WebP holds grey as RGB)'
      : name === 'EXIF' ? 'EXIF (empty: only the "Exif" prefix)' : `${name} (${shown} has no place for it)`);
}
