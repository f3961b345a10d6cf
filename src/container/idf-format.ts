/**
 * The .idf container, format version 1: constants, field offsets, limits and the header types shared by the
 * writer and the reader. FORMAT.md in this folder is the byte-level specification; this file must agree with it.
 * Invariant: every field the writer accepts, the reader accepts, and nothing else.
 */

/** File signature: 0x89 "IDF" CR LF 0x1A LF (catches text-mode and 7-bit transfers, like PNG's). */
export const IDF_MAGIC: readonly number[] = [0x89, 0x49, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** The format version this code writes and reads. */
export const IDF_FORMAT_VERSION = 1;

/** Byte offsets of the fixed header fields. */
export const FIELD = {
  magic: 0,
  version: 8,
  flags: 9,
  channels: 10,
  bitDepth: 11,
  width: 12,
  height: 16,
  paddedWidth: 20,
  paddedHeight: 24,
  tileWidth: 28,
  tileHeight: 32,
  modelId: 36,
  modelSha256: 40,
  pixelChecksum: 72,
  tileCount: 76,
  tileTable: 80,
} as const;

/** Bytes per tile-table entry: offset u64, length u32, CRC-32 u32, flags u8, 3 reserved bytes. */
export const TILE_ENTRY_BYTES = 20;
/** Bytes of the header CRC-32 that follows the tile table. */
export const HEADER_CRC_BYTES = 4;
/** Tile flag bit 0: the tile is coded with the fallback model, not the learned one. Other bits are reserved. */
export const TILE_FLAG_FALLBACK = 1;

/** Largest width, height, padded width or padded height (2^24). */
export const MAX_DIMENSION = 2 ** 24;
/** Default bound on padded width x padded height that a reader accepts before allocating anything (2^28). */
export const DEFAULT_MAX_PIXELS = 2 ** 28;

/** Bytes of the whole header (fixed fields, tile table, header CRC) for `tileCount` tiles. */
export function headerBytes(tileCount: number): number {
  return FIELD.tileTable + TILE_ENTRY_BYTES * tileCount + HEADER_CRC_BYTES;
}

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
  /** Width the codec padded to, width..MAX_DIMENSION. */
  paddedWidth: number;
  /** Height the codec padded to, height..MAX_DIMENSION. */
  paddedHeight: number;
  /** Tile width, 1..paddedWidth; tiles cover the padded image row-major, the last column may be narrower. */
  tileWidth: number;
  /** Tile height, 1..paddedHeight; the last row of tiles may be shorter. */
  tileHeight: number;
  /** The model's fixed numeric id (uint32) from the model registry. */
  modelId: number;
  /** sha256 of the model file, 32 bytes. */
  modelSha256: Uint8Array;
  /** CRC-32 of the decoded pixels in canonical layout (see pixelChecksum). */
  pixelChecksum: number;
}

/** One tile-table entry as read. */
export interface IdfTileEntry {
  /** Absolute byte offset of the tile's payload in the file. */
  offset: number;
  /** Payload length in bytes (may be 0 only if the codec writes empty payloads). */
  length: number;
  /** CRC-32 of the payload. */
  crc32: number;
  /** Whether the tile is coded with the fallback model. */
  fallback: boolean;
}

/** A validated header. */
export interface IdfHeader extends IdfImageInfo {
  /** Format version (always IDF_FORMAT_VERSION for now). */
  version: number;
  /** Tile table, row-major over the tile grid. */
  tiles: IdfTileEntry[];
  /** Tiles per row of the grid: ceil(paddedWidth / tileWidth). */
  tilesAcross: number;
  /** Rows of tiles: ceil(paddedHeight / tileHeight). */
  tilesDown: number;
}

/** One tile as the writer takes it. */
export interface IdfTileInput {
  /** The coded bytes (an rANS stream, or whatever the tile's model writes). */
  payload: Uint8Array;
  /** Whether the tile is coded with the fallback model. */
  fallback: boolean;
}

/**
 * The first problem with an image description, or null when it is valid: the field's name and what is wrong.
 * Shared by the writer (a problem is a bug) and the reader (a problem is corruption, reported at the field's offset).
 */
export function imageInfoProblem(info: IdfImageInfo): { field: keyof typeof FIELD; message: string } | null {
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
  if (!isCount(info.tileWidth, 1, info.paddedWidth)) {
    return { field: 'tileWidth', message: `tile width ${info.tileWidth} not in 1..${info.paddedWidth}` };
  }
  if (!isCount(info.tileHeight, 1, info.paddedHeight)) {
    return { field: 'tileHeight', message: `tile height ${info.tileHeight} not in 1..${info.paddedHeight}` };
  }
  if (!isCount(info.modelId, 0, 0xffffffff)) return { field: 'modelId', message: `model id ${info.modelId} is not a uint32` };
  if (!(info.modelSha256 instanceof Uint8Array) || info.modelSha256.length !== 32) {
    return { field: 'modelSha256', message: 'model sha256 is not 32 bytes' };
  }
  if (!isCount(info.pixelChecksum, 0, 0xffffffff)) {
    return { field: 'pixelChecksum', message: `pixel checksum ${info.pixelChecksum} is not a uint32` };
  }
  return null;
}

/** Tiles across and down for an image description (valid per imageInfoProblem). */
export function tileGrid(info: IdfImageInfo): { tilesAcross: number; tilesDown: number } {
  return {
    tilesAcross: Math.ceil(info.paddedWidth / info.tileWidth),
    tilesDown: Math.ceil(info.paddedHeight / info.tileHeight),
  };
}
