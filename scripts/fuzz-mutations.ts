/**
 * The fuzzer's mutations of valid `.idf` files: byte-level damage (bit flips, truncation, extension, random bytes)
 * and structural damage written back with the CRCs recomputed (so it reaches the payload decoders, not only the
 * CRC checks): random header fields, swapped and spliced tiles, flipped fallback flags, damaged payloads, damaged
 * metadata blocks (format version 3). The corpus is the golden streams plus one version-3 file made from the first
 * version-2 golden and fixed metadata. Invariant: case `index` of seed `seed` is the same bytes on every run and
 * machine, so any case can be replayed alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from '../src/core/crc32.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { attachIdfMetadata, readIdfHeader, readTilePayload, type IdfMetadataEntry } from '../src/container/index.js';
import { metadataBlockBytes } from '../src/container/idf-metadata.js';

/** A valid file the mutations start from. */
export interface CorpusFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** A corpus and the sha256 of the pixels each of its files decodes to. */
export interface Corpus {
  readonly files: readonly CorpusFile[];
  readonly pixelsSha256: ReadonlyMap<string, string>;
}

/** The metadata of the version-3 corpus file: a 97-byte stand-in ICC profile, a little-endian EXIF, an XMP packet. */
export const FUZZ_METADATA: readonly IdfMetadataEntry[] = [
  { type: 'icc', bytes: Uint8Array.from({ length: 97 }, (_, i) => (i * 31 + 7) & 0xff) },
  { type: 'exif', bytes: Uint8Array.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]) },
  { type: 'xmp', bytes: Uint8Array.from(Buffer.from('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>', 'latin1')) },
];

/**
 * Reads a folder of golden streams (its golden.json and the files it lists) and adds a version-3 file: the first
 * version-2 golden with FUZZ_METADATA attached, named `v3-<its name>` (same pixels).
 */
export function loadCorpus(folder: string): Corpus {
  const entries = JSON.parse(readFileSync(path.join(folder, 'golden.json'), 'utf8')) as { file: string; pixelsSha256: string }[];
  // Plain Uint8Arrays: a Buffer's slice() shares memory, and the mutations must never change the corpus.
  const files: CorpusFile[] = entries.map((entry) => ({ name: entry.file, bytes: new Uint8Array(readFileSync(path.join(folder, entry.file))) }));
  const pixelsSha256 = new Map(entries.map((entry) => [entry.file, entry.pixelsSha256]));
  const v2 = files.find((file) => readIdfHeader(file.bytes).fileVersion === 2);
  if (v2) {
    const name = `v3-${v2.name}`;
    files.push({ name, bytes: attachIdfMetadata(v2.bytes, FUZZ_METADATA) });
    pixelsSha256.set(name, pixelsSha256.get(v2.name)!);
  }
  return { files, pixelsSha256 };
}

/** A parsed file that can be written back with arbitrary (also invalid) field values. */
interface Structure {
  version: number;
  layout: number;
  /** width, height, right padding, bottom padding, tile width, tile height, model id. */
  fields: number[];
  sha256Prefix: Uint8Array;
  pixelChecksum: number;
  tiles: { fallback: boolean; payload: Uint8Array; crc32: number; entry?: number }[];
  /** The metadata block as stored (count, entries, block CRC), written after the header CRC; empty for none. */
  metadata: Uint8Array;
}

/** The kinds of mutation, one per case. */
export const MUTATION_KINDS = [
  'bit-flips', 'truncate', 'extend', 'random-bytes', 'random-file', 'header-field', 'header-field-crc-kept',
  'swap-tiles', 'splice-tile', 'fallback-flag', 'payload-bit-flips', 'payload-random-bytes', 'payload-truncate',
  'payload-extend', 'tile-entry-length', 'regrid', 'metadata-block',
] as const;
/** One kind of mutation. */
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** One fuzz case: the mutated bytes, what was done, and the file it started from. */
export interface FuzzCase {
  readonly index: number;
  readonly kind: MutationKind;
  readonly source: string;
  readonly bytes: Uint8Array;
}

const FIELD_NAMES = ['width', 'height', 'right padding', 'bottom padding', 'tile width', 'tile height', 'model id'];

function parse(bytes: Uint8Array): Structure {
  const header = readIdfHeader(bytes);
  return {
    version: header.fileVersion,
    layout: (header.channels - 1) | (header.bitDepth === 16 ? 4 : 0),
    fields: [header.width, header.height, header.paddedWidth - header.width, header.paddedHeight - header.height,
      header.tileWidth, header.tileHeight, header.modelId],
    sha256Prefix: header.modelSha256Prefix.slice(),
    pixelChecksum: header.pixelChecksum,
    tiles: header.tiles.map((tile, i) => ({ fallback: tile.fallback, payload: readTilePayload(bytes, header, i).slice(), crc32: tile.crc32 })),
    metadata: bytes.slice(header.headerBytes - header.metadataBytes, header.headerBytes),
  };
}

/** LEB128 of any value up to 2^35 (values past a field's cap are written too: that is the point). */
function varint(value: number, out: number[]): void {
  let v = value;
  do {
    out.push((v % 128) | (v >= 128 ? 0x80 : 0));
    v = Math.floor(v / 128);
  } while (v > 0);
}

function u32(value: number, out: number[]): void {
  for (let i = 0; i < 4; i++) out.push((value >>> (8 * i)) & 0xff);
}

/** Writes a structure back with a recomputed header CRC (`true`) or the given, possibly stale, one. */
function serialize(s: Structure, headerCrc: true | number): Uint8Array {
  const head: number[] = [0x89, 0x49, 0x44, 0x46, s.version & 0xff, s.layout & 0xff];
  for (const field of s.fields) varint(field, head);
  head.push(...s.sha256Prefix);
  u32(s.pixelChecksum, head);
  for (const tile of s.tiles) {
    varint(tile.entry ?? tile.payload.length * 2 + (tile.fallback ? 1 : 0), head);
    u32(tile.crc32, head);
  }
  const headBytes = Uint8Array.from(head);
  u32(headerCrc === true ? crc32(headBytes) : headerCrc, head);
  head.push(...s.metadata);
  const total = head.length + s.tiles.reduce((sum, tile) => sum + tile.payload.length, 0);
  const out = new Uint8Array(total);
  out.set(head);
  let at = head.length;
  for (const tile of s.tiles) {
    out.set(tile.payload, at);
    at += tile.payload.length;
  }
  return out;
}

/** The header CRC stored in a valid file (to keep it stale after a change). */
function storedHeaderCrc(bytes: Uint8Array): number {
  const header = readIdfHeader(bytes);
  const at = header.headerBytes - header.metadataBytes - 4;
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function randomBytes(random: SeededRandom, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = random.int(0, 255);
  return out;
}

/** Values that probe the bounds of a header field. */
function interestingValue(random: SeededRandom, original: number): number {
  const choices = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 127, 128, 255, 256, 4095, 4096, 65535, 65536,
    2 ** 24 - 1, 2 ** 24, 2 ** 24 + 1, 2 ** 28, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35 - 1];
  switch (random.int(0, 3)) {
    case 0: return Math.max(0, original + random.int(-2, 2));
    case 1: return random.nextUint32();
    case 2: return random.int(0, 300);
    default: return choices[random.int(0, choices.length - 1)]!;
  }
}

function flipBits(random: SeededRandom, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return out;
  const flips = random.int(1, 8);
  for (let i = 0; i < flips; i++) {
    const bit = random.int(0, out.length * 8 - 1);
    out[bit >> 3]! ^= 1 << (bit & 7);
  }
  return out;
}

function overwrite(random: SeededRandom, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length === 0) return out;
  const start = random.int(0, out.length - 1);
  const length = random.int(1, Math.min(32, out.length - start));
  out.set(randomBytes(random, length), start);
  return out;
}

/** A tile's payload changed in place, its CRC recomputed (entry length follows the payload). */
function withPayload(s: Structure, random: SeededRandom, change: (payload: Uint8Array) => Uint8Array): Uint8Array {
  const tile = s.tiles[random.int(0, s.tiles.length - 1)]!;
  tile.payload = change(tile.payload);
  tile.crc32 = crc32(tile.payload);
  return serialize(s, true);
}

/**
 * Builds case `index` of a run seeded with `seed`.
 * @param corpus valid files to start from (at least one)
 */
export function fuzzCase(corpus: readonly CorpusFile[], seed: number, index: number): FuzzCase {
  const random = new SeededRandom((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
  const file = corpus[random.int(0, corpus.length - 1)]!;
  const kind = MUTATION_KINDS[random.int(0, MUTATION_KINDS.length - 1)]!;
  const original = file.bytes;
  const s = parse(original);
  let bytes: Uint8Array;
  switch (kind) {
    case 'bit-flips':
      bytes = flipBits(random, original);
      break;
    case 'truncate':
      bytes = original.slice(0, random.int(0, original.length - 1));
      break;
    case 'extend':
      bytes = Uint8Array.from([...original, ...randomBytes(random, random.int(1, 64))]);
      break;
    case 'random-bytes':
      bytes = overwrite(random, original);
      break;
    case 'random-file':
      bytes = Uint8Array.from([...original.subarray(0, random.int(0, 6)), ...randomBytes(random, random.int(0, 256))]);
      break;
    case 'header-field':
    case 'header-field-crc-kept': {
      const which = random.int(0, FIELD_NAMES.length + 3);
      if (which < FIELD_NAMES.length) s.fields[which] = interestingValue(random, s.fields[which]!);
      else if (which === FIELD_NAMES.length) s.version = random.int(0, 255);
      else if (which === FIELD_NAMES.length + 1) s.layout = random.int(0, 7) | (random.int(0, 7) === 0 ? random.int(0, 255) : 0);
      else if (which === FIELD_NAMES.length + 2) s.sha256Prefix = randomBytes(random, 4);
      else s.pixelChecksum = random.nextUint32();
      bytes = serialize(s, kind === 'header-field' ? true : storedHeaderCrc(original));
      break;
    }
    case 'swap-tiles': {
      const a = random.int(0, s.tiles.length - 1);
      const b = random.int(0, s.tiles.length - 1);
      [s.tiles[a], s.tiles[b]] = [s.tiles[b]!, s.tiles[a]!];
      bytes = serialize(s, true);
      break;
    }
    case 'splice-tile': {
      const other = parse(corpus[random.int(0, corpus.length - 1)]!.bytes);
      s.tiles[random.int(0, s.tiles.length - 1)] = other.tiles[random.int(0, other.tiles.length - 1)]!;
      bytes = serialize(s, true);
      break;
    }
    case 'fallback-flag': {
      const tile = s.tiles[random.int(0, s.tiles.length - 1)]!;
      tile.fallback = !tile.fallback;
      bytes = serialize(s, true);
      break;
    }
    case 'payload-bit-flips':
      bytes = withPayload(s, random, (payload) => flipBits(random, payload));
      break;
    case 'payload-random-bytes':
      bytes = withPayload(s, random, (payload) => overwrite(random, payload));
      break;
    case 'payload-truncate':
      bytes = withPayload(s, random, (payload) => payload.slice(0, random.int(0, Math.max(0, payload.length - 1))));
      break;
    case 'payload-extend':
      bytes = withPayload(s, random, (payload) => Uint8Array.from([...payload, ...randomBytes(random, random.int(1, 16))]));
      break;
    case 'regrid': {
      // New geometry with the same number of tiles, so the table still fits: reaches the pixel limit and the tile
      // decoders with shapes the payloads were not coded for.
      const count = s.tiles.length;
      const across = [count, 1, Math.ceil(s.fields[0]! / s.fields[4]!)][random.int(0, 2)]!;
      const down = count / across;
      if (!Number.isInteger(down)) {
        bytes = serialize(s, true);
        break;
      }
      const dimension = (tiles: number): [number, number, number] => {
        const tile = Math.max(1, interestingValue(random, 16) % (2 ** 25));
        const padded = (tiles - 1) * tile + random.int(1, tile);
        const pad = random.int(0, Math.min(7, padded - 1));
        return [padded - pad, pad, tile];
      };
      const [width, right, tileWidth] = dimension(across);
      const [height, bottom, tileHeight] = dimension(down);
      s.fields.splice(0, 6, width, height, right, bottom, tileWidth, tileHeight);
      bytes = serialize(s, true);
      break;
    }
    case 'tile-entry-length': {
      const tile = s.tiles[random.int(0, s.tiles.length - 1)]!;
      tile.entry = interestingValue(random, tile.payload.length * 2 + (tile.fallback ? 1 : 0));
      bytes = serialize(s, true);
      break;
    }
    case 'metadata-block':
      bytes = withDamagedMetadata(s, random);
      break;
  }
  return { index, kind, source: file.name, bytes };
}

/**
 * A file with a damaged metadata block: version 3 with the corpus metadata when the file had none, then the block's
 * count, a type byte or a length byte changed (block CRC recomputed, so the field checks are reached), bytes of it
 * overwritten or flipped (CRC kept stale), or the block cut short (CRC recomputed).
 */
function withDamagedMetadata(s: Structure, random: SeededRandom): Uint8Array {
  if (s.metadata.length === 0) {
    s.version = 3;
    s.metadata = metadataBlockBytes(FUZZ_METADATA);
  }
  const body = s.metadata.slice(0, s.metadata.length - 4);
  const reseal = (block: Uint8Array): Uint8Array => {
    const out = new Uint8Array(block.length + 4);
    out.set(block);
    new DataView(out.buffer).setUint32(block.length, crc32(block), true);
    return out;
  };
  switch (random.int(0, 4)) {
    case 0: // the count
      body[0] = [0, 1, 2, 3, 4, 5, 255][random.int(0, 6)]!;
      s.metadata = reseal(body);
      break;
    case 1: { // a type byte or a length byte (the entries' own bytes shift under a changed length)
      const at = random.int(1, Math.min(body.length - 1, 8));
      body[at] = random.int(0, 255);
      s.metadata = reseal(body);
      break;
    }
    case 2:
      s.metadata = overwrite(random, s.metadata);
      break;
    case 3:
      s.metadata = flipBits(random, s.metadata);
      break;
    default:
      s.metadata = reseal(body.slice(0, random.int(0, body.length - 1)));
  }
  return serialize(s, true);
}

