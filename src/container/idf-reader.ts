/**
 * Reads .idf files (format versions 1, 2 and 3) from untrusted bytes. readIdfHeader checks every field against its
 * bounds, the tile table against the file length and the header CRC-32 (and a version-3 file's metadata block against
 * its limits and CRC) before it allocates anything proportional to a field, so a hostile file costs at most its own
 * size in memory; errors name the byte offset of the bad field.
 * readTilePayload checks one tile's CRC-32, so damage stays local to a tile.
 */
import { ByteReader } from '../core/byte-reader.js';
import { crc32 } from '../core/crc32.js';
import { CorruptStreamError, LimitError } from '../core/errors.js';
import {
  CRC_BYTES, DEFAULT_MAX_PIXELS, DIMENSION_VARINT_BYTES, FIELD, IDF_MAGIC, IDF_METADATA_FORMAT_VERSION, LAYOUT_16_BIT,
  LAYOUT_CHANNELS_MASK, LAYOUT_RESERVED_MASK, MIN_TILE_ENTRY_BYTES, MODEL_SHA256_PREFIX_BYTES, NEWEST_FILE_VERSION,
  UINT32_VARINT_BYTES, imageInfoProblem, isReadableFileVersion, tileGrid, type IdfGeometry, type IdfHeader,
  type IdfTileEntry,
} from './idf-format.js';
import { readMetadataBlock, type IdfMetadataEntry } from './idf-metadata.js';
import { readVarint } from './varint.js';

/** Options of readIdfHeader. */
export interface ReadIdfOptions {
  /** Name of the file for error messages; default "input". */
  source?: string;
  /** Largest padded width x padded height accepted; default DEFAULT_MAX_PIXELS (2^28). */
  maxPixels?: number;
  /**
   * Accept a file cut short inside its payloads (its header intact), for inspection: the tile table is returned as
   * written and header.missingBytes says how much is missing. Default false: such a file is corruption.
   */
  allowTruncatedPayloads?: boolean;
}

/**
 * Parses and validates a .idf header and tile table (not the payloads' CRCs: see readTilePayload).
 * @param bytes the whole file
 * @throws CorruptStreamError naming the byte offset of the first bad field (bad magic, unknown version, reserved
 *   bits set, malformed or overlong varint, out-of-range geometry, a tile table longer than the file, header CRC
 *   mismatch, a damaged metadata block (see readMetadataBlock), a payload past the end of the file unless
 *   allowTruncatedPayloads, bytes after the last payload)
 * @throws LimitError when the padded image has more than maxPixels pixels (checked after the header CRC, so only
 *   for a header that is intact)
 */
export function readIdfHeader(bytes: Uint8Array, options: ReadIdfOptions = {}): IdfHeader {
  const source = options.source ?? 'input';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const reader = new ByteReader(bytes, source);
  const magic = reader.bytesView(IDF_MAGIC.length, 'magic');
  if (IDF_MAGIC.some((byte, i) => magic[i] !== byte)) throw reader.error(FIELD.magic, 'not an .idf file (bad magic)');
  const fileVersion = reader.u8('format version');
  if (!isReadableFileVersion(fileVersion)) {
    throw reader.error(
      FIELD.version,
      `format version ${fileVersion} is not supported (this idfz reads versions 1 to ${NEWEST_FILE_VERSION}; ` +
        `${fileVersion > NEWEST_FILE_VERSION ? 'a newer version: upgrade idfz' : 'the file is damaged'})`,
    );
  }
  const version = fileVersion === IDF_METADATA_FORMAT_VERSION ? 2 : fileVersion;
  const layout = reader.u8('layout byte');
  if ((layout & LAYOUT_RESERVED_MASK) !== 0) {
    throw reader.error(FIELD.layout, `reserved bits of the layout byte 0x${layout.toString(16)} are set`);
  }
  const offsets = { channels: FIELD.layout, bitDepth: FIELD.layout } as Record<keyof IdfGeometry, number>;
  const varint = (field: keyof IdfGeometry, what: string, maxBytes: number): number => {
    offsets[field] = reader.pos;
    return readVarint(reader, what, maxBytes);
  };
  const width = varint('width', 'width', DIMENSION_VARINT_BYTES);
  const height = varint('height', 'height', DIMENSION_VARINT_BYTES);
  const paddedWidth = width + varint('paddedWidth', 'right padding', DIMENSION_VARINT_BYTES);
  const paddedHeight = height + varint('paddedHeight', 'bottom padding', DIMENSION_VARINT_BYTES);
  const tileWidth = varint('tileWidth', 'tile width', DIMENSION_VARINT_BYTES);
  const tileHeight = varint('tileHeight', 'tile height', DIMENSION_VARINT_BYTES);
  const modelId = varint('modelId', 'model id', UINT32_VARINT_BYTES);
  const modelSha256Prefix = reader.bytesView(MODEL_SHA256_PREFIX_BYTES, 'model sha256 prefix').slice();
  offsets.pixelChecksum = reader.pos;
  const info: IdfGeometry = {
    channels: (layout & LAYOUT_CHANNELS_MASK) + 1,
    bitDepth: (layout & LAYOUT_16_BIT) !== 0 ? 16 : 8,
    width, height, paddedWidth, paddedHeight, tileWidth, tileHeight, modelId,
    pixelChecksum: reader.u32('pixel checksum'),
  };
  const problem = imageInfoProblem(info);
  if (problem) throw reader.error(offsets[problem.field], problem.message);

  // The grid fixes the number of table entries; each takes at least MIN_TILE_ENTRY_BYTES, so the file length
  // bounds the tile count before the table is walked.
  const { tilesAcross, tilesDown } = tileGrid(info);
  const tileCount = tilesAcross * tilesDown;
  const tableStart = reader.pos;
  if (tileCount * MIN_TILE_ENTRY_BYTES + CRC_BYTES > reader.remaining) {
    throw reader.error(tableStart, `the ${tilesAcross} x ${tilesDown} tile grid needs a tile table of at least ` +
      `${tileCount * MIN_TILE_ENTRY_BYTES} bytes and a header CRC, but ${reader.remaining} bytes remain ` +
      '(truncated or damaged)');
  }
  // First pass, allocating nothing: find the end of the table and check the header CRC.
  for (let t = 0; t < tileCount; t++) readTileEntry(reader, t);
  const tableEnd = reader.pos;
  const storedCrc = reader.u32('header CRC');
  const actualCrc = crc32(bytes.subarray(0, tableEnd));
  if (storedCrc !== actualCrc) {
    throw reader.error(tableEnd, `header CRC mismatch (stored ${hex(storedCrc)}, computed ${hex(actualCrc)})`);
  }
  // Version 3: the metadata block sits between the header CRC and the first payload (checked even when payloads
  // may be missing: it precedes them).
  const metadataStart = reader.pos;
  const metadata: IdfMetadataEntry[] = fileVersion === IDF_METADATA_FORMAT_VERSION ? readMetadataBlock(reader) : [];
  const metadataBytes = reader.pos - metadataStart;
  const pixels = paddedWidth * paddedHeight;
  if (pixels > maxPixels) {
    throw new LimitError(
      `${source}: image of ${paddedWidth} x ${paddedHeight} padded pixels exceeds the limit of ` +
        `${maxPixels} pixels; raise the pixel limit to decode it`,
    );
  }
  // Second pass: the entries, with payload offsets as the running sum of lengths after the header.
  const headerBytes = reader.pos;
  reader.pos = tableStart;
  const tiles: IdfTileEntry[] = [];
  let offset = headerBytes;
  for (let t = 0; t < tileCount; t++) {
    const entry = readTileEntry(reader, t);
    if (entry.length > bytes.length - offset && !options.allowTruncatedPayloads) {
      throw reader.error(entry.at, `tile ${t} length ${entry.length} runs past the end of the file (truncated or damaged)`);
    }
    tiles.push({ offset, length: entry.length, crc32: entry.crc32, fallback: entry.fallback });
    offset += entry.length;
  }
  if (offset < bytes.length) {
    const extra = bytes.length - offset;
    throw reader.error(offset, `${extra} byte${extra === 1 ? '' : 's'} after the last tile`);
  }
  const missingBytes = offset - bytes.length;
  return {
    ...info, version, fileVersion, metadata, metadataBytes, modelSha256Prefix, tiles, tilesAcross, tilesDown, headerBytes,
    missingBytes,
  };
}

/** Reads tile-table entry `t` at the reader's position: varint (length << 1 | fallback), then the payload CRC. */
function readTileEntry(reader: ByteReader, t: number): { at: number; length: number; fallback: boolean; crc32: number } {
  const at = reader.pos;
  const value = readVarint(reader, `tile ${t} entry`, UINT32_VARINT_BYTES);
  if (value > 0xffffffff) throw reader.error(at, `tile ${t} entry ${value} is not a uint32`);
  return { at, length: Math.floor(value / 2), fallback: value % 2 === 1, crc32: reader.u32(`tile ${t} CRC`) };
}

/**
 * The payload of tile `index` (a view into `bytes`), after checking its CRC-32.
 * @param bytes the whole file, as given to readIdfHeader
 * @param header its header
 * @throws CorruptStreamError when the CRC does not match, naming the tile and the byte offset of its payload
 */
export function readTilePayload(bytes: Uint8Array, header: IdfHeader, index: number, source = 'input'): Uint8Array {
  const tile = header.tiles[index];
  if (!tile) throw new CorruptStreamError(`${source}: no tile ${index} (the file has ${header.tiles.length})`);
  const payload = bytes.subarray(tile.offset, tile.offset + tile.length);
  const actual = crc32(payload);
  if (actual !== tile.crc32) {
    throw new CorruptStreamError(
      `${source}: corrupt stream: tile ${index} CRC mismatch at byte ${tile.offset} ` +
        `(stored ${hex(tile.crc32)}, computed ${hex(actual)})`,
    );
  }
  return payload;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}
