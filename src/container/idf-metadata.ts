/**
 * The metadata block of .idf format version 3: the ICC profile, EXIF, XMP and IPTC blocks of the source image, kept
 * byte for byte between the header CRC and the first payload (FORMAT.md, "Metadata block"). Invariant: the writer
 * emits exactly one byte string per list of entries (types strictly increasing, no empty entry, every length and the
 * total within MAX_METADATA_BYTES), and the reader accepts exactly those strings, checking each length against the
 * bytes left and the limit before it allocates anything.
 */
import type { ByteReader } from '../core/byte-reader.js';
import { ByteWriter } from '../core/byte-writer.js';
import { crc32 } from '../core/crc32.js';
import { InternalError } from '../core/errors.js';
import { CRC_BYTES } from './idf-format.js';
import { readVarint, varintLength, writeVarint } from './varint.js';

/** What a metadata entry holds, in the order entries are stored. */
export type IdfMetadataType = 'icc' | 'exif' | 'xmp' | 'iptc';

/** The type byte of each entry type (1 ICC profile, 2 EXIF, 3 XMP, 4 IPTC); other values are corruption. */
export const METADATA_TYPE_BYTES: Readonly<Record<IdfMetadataType, number>> = { icc: 1, exif: 2, xmp: 3, iptc: 4 };

/** Entry types by type byte - 1. */
const TYPES_BY_BYTE: readonly IdfMetadataType[] = ['icc', 'exif', 'xmp', 'iptc'];

/** Largest entry, and largest sum of all entries' lengths: 16 MiB (2^24 bytes). */
export const MAX_METADATA_BYTES = 2 ** 24;

/** Byte cap of an entry's length varint: lengths are at most 2^24, which takes 4 bytes. */
const LENGTH_VARINT_BYTES = 4;

/** One block of metadata, exactly as the source image stored it. */
export interface IdfMetadataEntry {
  /** What it is. */
  readonly type: IdfMetadataType;
  /** The raw bytes, 1..MAX_METADATA_BYTES of them. */
  readonly bytes: Uint8Array;
}

/**
 * The first problem with a list of entries a writer is given, or null: types must be strictly increasing in type
 * byte order (each type at most once), lengths 1..MAX_METADATA_BYTES, total at most MAX_METADATA_BYTES.
 */
export function metadataProblem(entries: readonly IdfMetadataEntry[]): string | null {
  if (entries.length === 0) return 'no entries (a file without metadata is format version 2)';
  let previous = 0;
  let total = 0;
  for (const entry of entries) {
    const typeByte = METADATA_TYPE_BYTES[entry.type];
    if (typeByte === undefined) return `unknown metadata type ${String(entry.type)}`;
    if (typeByte <= previous) return `metadata type ${entry.type} is out of order or repeated`;
    previous = typeByte;
    if (entry.bytes.length < 1 || entry.bytes.length > MAX_METADATA_BYTES) {
      return `${entry.type} metadata of ${entry.bytes.length} bytes is not in 1..${MAX_METADATA_BYTES}`;
    }
    total += entry.bytes.length;
  }
  if (total > MAX_METADATA_BYTES) return `metadata of ${total} bytes in all is above ${MAX_METADATA_BYTES}`;
  return null;
}

/**
 * Sorts entries into the stored order (type byte order); does not validate them.
 * @param entries at most one per type
 */
export function sortMetadata(entries: readonly IdfMetadataEntry[]): IdfMetadataEntry[] {
  return [...entries].sort((a, b) => METADATA_TYPE_BYTES[a.type] - METADATA_TYPE_BYTES[b.type]);
}

/**
 * The bytes of the metadata block: count (one byte, 1..4), per entry its type byte, length varint and bytes, then the
 * CRC-32 of everything before it in the block.
 * @param entries valid per metadataProblem (sorted, one per type)
 * @throws InternalError when they are not (the caller's bug)
 */
export function metadataBlockBytes(entries: readonly IdfMetadataEntry[]): Uint8Array {
  const problem = metadataProblem(entries);
  if (problem) throw new InternalError(`.idf writer: ${problem}`);
  const size = 1 + entries.reduce((sum, e) => sum + 1 + varintLength(e.bytes.length) + e.bytes.length, 0) + CRC_BYTES;
  const out = new ByteWriter(size);
  out.u8(entries.length);
  for (const entry of entries) {
    out.u8(METADATA_TYPE_BYTES[entry.type]);
    writeVarint(out, entry.bytes.length);
    out.bytes(entry.bytes);
  }
  out.u32(crc32(out.toBytes()));
  return out.toBytes();
}

/**
 * Reads the metadata block at the reader's position (just after the header CRC of a version-3 file) and advances
 * past it. The first pass walks the block allocating nothing and checks every field; then the block CRC; only then
 * are the entries copied out.
 * @returns the entries, in stored order, each a copy of its bytes
 * @throws CorruptStreamError naming the field and its byte offset: a count outside 1..4, a type byte outside 1..4 or
 *   not above the previous one, a malformed or overlong length varint, a length of 0 or above MAX_METADATA_BYTES, a
 *   total above MAX_METADATA_BYTES, an entry or the CRC running past the end of the file, a block CRC mismatch
 */
export function readMetadataBlock(reader: ByteReader): IdfMetadataEntry[] {
  const start = reader.pos;
  const count = reader.u8('metadata entry count');
  if (count < 1 || count > TYPES_BY_BYTE.length) {
    throw reader.error(start, `metadata entry count ${count} is not in 1..${TYPES_BY_BYTE.length}`);
  }
  const spans: { type: IdfMetadataType; at: number; length: number }[] = [];
  let previous = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const typeAt = reader.pos;
    const typeByte = reader.u8(`metadata entry ${i} type`);
    if (typeByte < 1 || typeByte > TYPES_BY_BYTE.length) {
      throw reader.error(typeAt, `metadata entry ${i} has unknown type ${typeByte} (1 ICC, 2 EXIF, 3 XMP, 4 IPTC)`);
    }
    if (typeByte <= previous) {
      throw reader.error(typeAt, `metadata entry ${i} type ${typeByte} is not above the previous entry's ${previous}`);
    }
    previous = typeByte;
    const lengthAt = reader.pos;
    const length = readVarint(reader, `metadata entry ${i} length`, LENGTH_VARINT_BYTES);
    if (length < 1 || length > MAX_METADATA_BYTES) {
      throw reader.error(lengthAt, `metadata entry ${i} length ${length} is not in 1..${MAX_METADATA_BYTES}`);
    }
    total += length;
    if (total > MAX_METADATA_BYTES) {
      throw reader.error(lengthAt, `metadata entries total ${total} bytes, above the limit of ${MAX_METADATA_BYTES}`);
    }
    if (length > reader.remaining) {
      throw reader.error(lengthAt, `metadata entry ${i} length ${length} runs past the end of the file (truncated or damaged)`);
    }
    spans.push({ type: TYPES_BY_BYTE[typeByte - 1]!, at: reader.pos, length });
    reader.pos += length;
  }
  const crcAt = reader.pos;
  const stored = reader.u32('metadata block CRC');
  const actual = crc32(reader.bytes.subarray(start, crcAt));
  if (stored !== actual) {
    throw reader.error(crcAt, `metadata block CRC mismatch (stored ${hex(stored)}, computed ${hex(actual)})`);
  }
  return spans.map(({ type, at, length }) => ({ type, bytes: reader.bytes.slice(at, at + length) }));
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
