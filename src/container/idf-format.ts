/**
 * The .idf container, format versions 1, 2 and 3 (1 and 2 have the same bytes, version 2 files code their learned
 * tiles' mixtures with component slots; version 3 is version 2 plus a metadata block): constants, field caps,
 * limits and the header types shared by the writer and the reader.
 * FORMAT.md in this folder is the byte-level specification; this file must agree with it.
 * Invariant: every field the writer accepts, the reader accepts, and nothing else.
 */
import { InternalError } from '../core/errors.js';
import type { IdfMetadataEntry } from './idf-metadata.js';
import { varintLength } from './varint.js';

/** File signature: 0x89 "IDF" (the high bit catches 7-bit transfers; the header CRC catches text-mode ones). */
export const IDF_MAGIC: readonly number[] = [0x89, 0x49, 0x44, 0x46];
/**
 * The payload stream versions: how the rANS streams of learned tiles code mixtures (1 or 2). It is the version byte
 * of version 1 and 2 files; version 3 files hold version 2 payloads.
 */
export type IdfFormatVersion = 1 | 2;
/** The stream version this code writes (and the version byte of files without metadata). */
export const IDF_FORMAT_VERSION: IdfFormatVersion = 2;
/** Version bytes this code reads: 1, 2, and 3 (version 2 with a metadata block). */
export type IdfFileVersion = 1 | 2 | 3;
/** The version byte of a file with a metadata block (its payloads are stream version 2). */
export const IDF_METADATA_FORMAT_VERSION = 3;
/** The newest version byte this code reads. */
export const NEWEST_FILE_VERSION: IdfFileVersion = 3;

/** Whether a number is a payload stream version (1 or 2), the versions writeIdf takes. */
export function isReadableVersion(version: number): version is IdfFormatVersion {
  return version === 1 || version === 2;
}

/** Whether a version byte names a file version this code reads (1, 2 or 3). */
export function isReadableFileVersion(version: number): version is IdfFileVersion {
  return version === 1 || version === 2 || version === 3;
}

/** Byte offsets of the fields before the first varint (later offsets depend on the varints' lengths). */
export const FIELD = {
  magic: 0,
  version: 4,
  layout: 5,
  firstVarint: 6,
} as const;

/** Layout byte, bits 0-1: channels - 1. */
export const LAYOUT_CHANNELS_MASK = 0b011;
/** Layout byte, bit 2: set for 16-bit samples, clear for 8-bit. */
export const LAYOUT_16_BIT = 0b100;
/** Layout byte, bits 3-7: reserved, zero in versions 1, 2 and 3. */
export const LAYOUT_RESERVED_MASK = 0xf8;

/** Byte cap of the varints bounded by MAX_DIMENSION (width, height, paddings, tile size): 2^24 needs 4 bytes. */
export const DIMENSION_VARINT_BYTES = 4;
/** Byte cap of the uint32 varints (model id, tile entries). */
export const UINT32_VARINT_BYTES = 5;
/** Bytes of the model sha256 prefix the header stores. */
export const MODEL_SHA256_PREFIX_BYTES = 4;
/** Bytes of a CRC-32 (pixel checksum, tile CRCs, header CRC). */
export const CRC_BYTES = 4;
/** Fewest bytes a tile-table entry takes: a one-byte varint and the payload CRC-32. */
export const MIN_TILE_ENTRY_BYTES = 1 + CRC_BYTES;
/** Largest tile payload: the entry varint (length << 1 | fallback flag) must fit in a uint32. */
export const MAX_TILE_PAYLOAD_BYTES = 2 ** 31 - 1;

/** Largest width, height, padded width or padded height (2^24). */
export const MAX_DIMENSION = 2 ** 24;
/**
 * Default bound on padded width x padded height that a reader accepts before allocating anything (2^26, 67 M
 * pixels): the decoded image then takes at most 512 MiB (16-bit RGBA), so a tiny hostile file cannot make idfz
 * allocate gigabytes. Larger images need an explicit --max-pixels.
 */
export const DEFAULT_MAX_PIXELS = 2 ** 26;
/**
 * Largest tile side. Writers use tiles of at most 4096 pixels rounded up to the model's size multiple (2^levels,
 * levels <= 6, so a divisor of 4096), so no writer exceeds it; the reader refuses more, which bounds the working
 * copies of one tile to 4096^2 samples each.
 */
export const MAX_TILE_SIDE = 4096;

/** What the codec puts in a header (the tile table is derived from the tiles written). */
export interface IdfImageInfo {
  /** Colour channels, 1..4 (grey, grey + alpha, RGB, RGBA). */
  channels: number;
  /** Bits per sample, 8 or 16. */
  bitDepth: 8 | 16;
  /** Image width in pixels, 1..MAX_DIMENSION. */
  width: number;
  /** Image height in pixels, 1..MAX_DIMENSION. */
  height: number;
  /** Width the codec padded to, width..MAX_DIMENSION (stored as the right padding, paddedWidth - width). */
  paddedWidth: number;
  /** Height the codec padded to, height..MAX_DIMENSION (stored as the bottom padding). */
  paddedHeight: number;
  /** Tile width, 1..paddedWidth; tiles cover the padded image row-major, the last column may be narrower. */
  tileWidth: number;
  /** Tile height, 1..paddedHeight; the last row of tiles may be shorter. */
  tileHeight: number;
  /** The model's fixed numeric id (uint32) from the model registry. */
  modelId: number;
  /** sha256 of the model file, 32 bytes; the file keeps its first MODEL_SHA256_PREFIX_BYTES bytes. */
  modelSha256: Uint8Array;
  /** CRC-32 of the decoded pixels in canonical layout (see pixelChecksum). */
  pixelChecksum: number;
}

/** The fields of IdfImageInfo a file stores in full (all but the model sha256, of which it keeps a prefix). */
export type IdfGeometry = Omit<IdfImageInfo, 'modelSha256'>;

/** One tile-table entry as read. */
export interface IdfTileEntry {
  /** Absolute byte offset of the tile's payload in the file (the header size plus the earlier payloads). */
  offset: number;
  /** Payload length in bytes, 0..MAX_TILE_PAYLOAD_BYTES. */
  length: number;
  /** CRC-32 of the payload. */
  crc32: number;
  /** Whether the tile is coded with the fallback model. */
  fallback: boolean;
}

/** A validated header. */
export interface IdfHeader extends IdfGeometry {
  /** The payloads' stream version, how their rANS streams code mixtures: the version byte, 2 for a version-3 file. */
  version: IdfFormatVersion;
  /** The file's version byte: 1, 2, or 3 (a version 2 file with a metadata block). */
  fileVersion: IdfFileVersion;
  /** The metadata entries of a version-3 file, in stored order; empty for versions 1 and 2. */
  metadata: IdfMetadataEntry[];
  /** Bytes of the metadata block (count, entries, CRC), included in headerBytes; 0 for versions 1 and 2. */
  metadataBytes: number;
  /** The first MODEL_SHA256_PREFIX_BYTES bytes of the model file's sha256; compare with modelMatches. */
  modelSha256Prefix: Uint8Array;
  /** Tile table, row-major over the tile grid. */
  tiles: IdfTileEntry[];
  /** Tiles per row of the grid: ceil(paddedWidth / tileWidth). */
  tilesAcross: number;
  /** Rows of tiles: ceil(paddedHeight / tileHeight). */
  tilesDown: number;
  /** Bytes before the first payload (fixed fields, tile table, header CRC, metadata block): the container's cost. */
  headerBytes: number;
  /**
   * Bytes the tile table promises beyond the end of the given bytes: 0, except for a file cut short inside its
   * payloads read with `allowTruncatedPayloads`.
   */
  missingBytes: number;
}

/** One tile as the writer takes it. */
export interface IdfTileInput {
  /** The coded bytes (an rANS stream, or whatever the tile's model writes), at most MAX_TILE_PAYLOAD_BYTES. */
  payload: Uint8Array;
  /** Whether the tile is coded with the fallback model. */
  fallback: boolean;
}

/**
 * The first problem with an image description, or null when it is valid: the field's name and what is wrong.
 * Shared by the writer (a problem is a bug) and the reader (a problem is corruption, reported at the field's offset;
 * paddedWidth and paddedHeight at the offsets of the right and bottom paddings).
 */
export function imageInfoProblem(info: IdfGeometry): { field: keyof IdfGeometry; message: string } | null {
  const isCount = (value: number, min: number, max: number): boolean =>
    Number.isInteger(value) && value >= min && value <= max;
  if (!isCount(info.channels, 1, 4)) return { field: 'channels', message: `channels ${info.channels} not in 1..4` };
  if (info.bitDepth !== 8 && info.bitDepth !== 16) {
    return { field: 'bitDepth', message: `bit depth ${info.bitDepth} is not 8 or 16` };
  }
  if (!isCount(info.width, 1, MAX_DIMENSION)) return { field: 'width', message: `width ${info.width} not in 1..${MAX_DIMENSION}` };
  if (!isCount(info.height, 1, MAX_DIMENSION)) {
    return { field: 'height', message: `height ${info.height} not in 1..${MAX_DIMENSION}` };
  }
  if (!isCount(info.paddedWidth, info.width, MAX_DIMENSION)) {
    return { field: 'paddedWidth', message: `padded width ${info.paddedWidth} not in ${info.width}..${MAX_DIMENSION}` };
  }
  if (!isCount(info.paddedHeight, info.height, MAX_DIMENSION)) {
    return { field: 'paddedHeight', message: `padded height ${info.paddedHeight} not in ${info.height}..${MAX_DIMENSION}` };
  }
  if (!isCount(info.tileWidth, 1, Math.min(info.paddedWidth, MAX_TILE_SIDE))) {
    return { field: 'tileWidth', message: `tile width ${info.tileWidth} not in 1..${Math.min(info.paddedWidth, MAX_TILE_SIDE)}` };
  }
  if (!isCount(info.tileHeight, 1, Math.min(info.paddedHeight, MAX_TILE_SIDE))) {
    return { field: 'tileHeight', message: `tile height ${info.tileHeight} not in 1..${Math.min(info.paddedHeight, MAX_TILE_SIDE)}` };
  }
  if (!isCount(info.modelId, 0, 0xffffffff)) return { field: 'modelId', message: `model id ${info.modelId} is not a uint32` };
  if (!isCount(info.pixelChecksum, 0, 0xffffffff)) {
    return { field: 'pixelChecksum', message: `pixel checksum ${info.pixelChecksum} is not a uint32` };
  }
  return null;
}

/** Tiles across and down for an image description (valid per imageInfoProblem). */
export function tileGrid(info: IdfGeometry): { tilesAcross: number; tilesDown: number } {
  return {
    tilesAcross: Math.ceil(info.paddedWidth / info.tileWidth),
    tilesDown: Math.ceil(info.paddedHeight / info.tileHeight),
  };
}

/**
 * Bytes before the first payload of the file writeIdf makes: 18 fixed bytes (magic, version, layout byte, sha256
 * prefix, pixel CRC, header CRC), the seven header varints, and per tile its entry varint and CRC-32. 31 for a
 * one-tile 32 x 32 image with a model id below 128 and a payload of 64..8191 bytes.
 * @param info a valid image description (see imageInfoProblem)
 * @param payloadLengths each tile's payload length, 0..MAX_TILE_PAYLOAD_BYTES, row-major
 * @throws InternalError when a payload length is out of range
 */
export function idfHeaderBytes(info: IdfGeometry, payloadLengths: readonly number[]): number {
  let bytes = IDF_MAGIC.length + 2 + MODEL_SHA256_PREFIX_BYTES + 2 * CRC_BYTES;
  for (const value of [
    info.width, info.height, info.paddedWidth - info.width, info.paddedHeight - info.height, info.tileWidth,
    info.tileHeight, info.modelId,
  ]) bytes += varintLength(value);
  for (const length of payloadLengths) bytes += varintLength(tileEntryValue(length, false)) + CRC_BYTES;
  return bytes;
}

/**
 * The varint a tile-table entry stores: length << 1 | fallback flag.
 * @throws InternalError when length is not an integer in 0..MAX_TILE_PAYLOAD_BYTES
 */
export function tileEntryValue(length: number, fallback: boolean): number {
  if (!Number.isInteger(length) || length < 0 || length > MAX_TILE_PAYLOAD_BYTES) {
    throw new InternalError(`.idf: tile payload of ${length} bytes is not in 0..${MAX_TILE_PAYLOAD_BYTES}`);
  }
  return 2 * length + (fallback ? 1 : 0);
}

/**
 * Whether a file's model identity matches a model file's sha256: compares the stored prefix. The caller picks the
 * model by `header.modelId` first; a different model under the same id passes with probability 2^-32 (FORMAT.md).
 * @param header a header from readIdfHeader
 * @param sha256 the candidate model file's sha256, 32 bytes
 * @throws InternalError when sha256 is not 32 bytes (a caller's bug)
 */
export function modelMatches(header: Pick<IdfHeader, 'modelSha256Prefix'>, sha256: Uint8Array): boolean {
  if (sha256.length !== 32) throw new InternalError(`modelMatches: sha256 of ${sha256.length} bytes, expected 32`);
  const prefix = header.modelSha256Prefix;
  if (prefix.length !== MODEL_SHA256_PREFIX_BYTES) return false;
  for (let i = 0; i < MODEL_SHA256_PREFIX_BYTES; i++) if (prefix[i] !== sha256[i]) return false;
  return true;
}
