/**
 * Reads .idf version 1 files from untrusted bytes. readIdfHeader checks every field against its bounds (and the
 * header CRC-32) before anything is allocated, so a hostile file costs at most its own size in memory; errors
 * name the byte offset of the bad field. readTilePayload checks one tile's CRC-32, so damage stays local to a tile.
 */
import { ByteReader } from '../core/byte-reader.js';
import { crc32 } from '../core/crc32.js';
import { CorruptStreamError, LimitError } from '../core/errors.js';
import {
  DEFAULT_MAX_PIXELS, FIELD, HEADER_CRC_BYTES, IDF_FORMAT_VERSION, IDF_MAGIC, TILE_ENTRY_BYTES, TILE_FLAG_FALLBACK,
  headerBytes, imageInfoProblem, tileGrid, type IdfHeader, type IdfImageInfo, type IdfTileEntry,
} from './idf-format.js';

/** Options of readIdfHeader. */
export interface ReadIdfOptions {
  /** Name of the file for error messages; default "input". */
  source?: string;
  /** Largest padded width x padded height accepted; default DEFAULT_MAX_PIXELS (2^28). */
  maxPixels?: number;
}

/**
 * Parses and validates a .idf header and tile table (not the payloads' CRCs: see readTilePayload).
 * @param bytes the whole file
 * @throws CorruptStreamError naming the byte offset of the first bad field (bad magic, unknown version, reserved
 *   bits set, out-of-range geometry, tile table inconsistent with the grid or the file length, header CRC mismatch)
 * @throws LimitError when the padded image has more than maxPixels pixels
 */
export function readIdfHeader(bytes: Uint8Array, options: ReadIdfOptions = {}): IdfHeader {
  const source = options.source ?? 'input';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const reader = new ByteReader(bytes, source);
  const magic = reader.bytesView(IDF_MAGIC.length, 'magic');
  if (IDF_MAGIC.some((byte, i) => magic[i] !== byte)) throw reader.error(FIELD.magic, 'not an .idf file (bad magic)');
  const version = reader.u8('format version');
  if (version !== IDF_FORMAT_VERSION) {
    throw reader.error(
      FIELD.version,
      `format version ${version} is not supported (this idfz reads version ${IDF_FORMAT_VERSION}; ` +
        `${version > IDF_FORMAT_VERSION ? 'upgrade idfz' : 'the file is damaged'})`,
    );
  }
  // Locate and check the header CRC first, so that a damaged header is reported as such.
  reader.pos = FIELD.tileCount;
  const tileCount = reader.u32('tile count');
  const tableEnd = FIELD.tileTable + TILE_ENTRY_BYTES * tileCount;
  if (tableEnd + HEADER_CRC_BYTES > bytes.length) {
    throw reader.error(FIELD.tileCount, `tile count ${tileCount} needs a ${headerBytes(tileCount)}-byte header ` +
      `but the file has ${bytes.length} bytes (truncated or damaged)`);
  }
  reader.pos = tableEnd;
  const storedCrc = reader.u32('header CRC');
  const actualCrc = crc32(bytes.subarray(0, tableEnd));
  if (storedCrc !== actualCrc) {
    throw reader.error(tableEnd, `header CRC mismatch (stored ${hex(storedCrc)}, computed ${hex(actualCrc)})`);
  }
  reader.pos = FIELD.flags;
  if (reader.u8('header flags') !== 0) throw reader.error(FIELD.flags, 'reserved header flags are set');
  const info: IdfImageInfo = {
    channels: reader.u8('channels'),
    bitDepth: reader.u8('bit depth') as 8 | 16,
    width: reader.u32('width'),
    height: reader.u32('height'),
    paddedWidth: reader.u32('padded width'),
    paddedHeight: reader.u32('padded height'),
    tileWidth: reader.u32('tile width'),
    tileHeight: reader.u32('tile height'),
    modelId: reader.u32('model id'),
    modelSha256: reader.bytesView(32, 'model sha256').slice(),
    pixelChecksum: reader.u32('pixel checksum'),
  };
  const problem = imageInfoProblem(info);
  if (problem) throw reader.error(FIELD[problem.field], problem.message);
  const pixels = info.paddedWidth * info.paddedHeight;
  if (pixels > maxPixels) {
    throw new LimitError(
      `${source}: image of ${info.paddedWidth} x ${info.paddedHeight} padded pixels exceeds the limit of ` +
        `${maxPixels} pixels; raise the pixel limit to decode it`,
    );
  }
  const { tilesAcross, tilesDown } = tileGrid(info);
  if (tileCount !== tilesAcross * tilesDown) {
    throw reader.error(FIELD.tileCount, `tile count ${tileCount} does not match the ${tilesAcross} x ${tilesDown} grid`);
  }
  reader.pos = FIELD.tileTable;
  const tiles: IdfTileEntry[] = [];
  let expectedOffset = headerBytes(tileCount);
  for (let t = 0; t < tileCount; t++) {
    const at = reader.pos;
    const offset = reader.u64(`tile ${t} offset`);
    const length = reader.u32(`tile ${t} length`);
    const tileCrc = reader.u32(`tile ${t} CRC`);
    const flags = reader.u8(`tile ${t} flags`);
    const reserved = reader.u8('reserved') | reader.u8('reserved') | reader.u8('reserved');
    if (offset !== expectedOffset) {
      throw reader.error(at, `tile ${t} offset ${offset} is not ${expectedOffset} (payloads must follow each other)`);
    }
    if (length > bytes.length - offset) {
      throw reader.error(at + 8, `tile ${t} length ${length} runs past the end of the file (truncated or damaged)`);
    }
    if ((flags & ~TILE_FLAG_FALLBACK) !== 0 || reserved !== 0) {
      throw reader.error(at + 16, `tile ${t} has reserved flag bits set`);
    }
    tiles.push({ offset, length, crc32: tileCrc, fallback: (flags & TILE_FLAG_FALLBACK) !== 0 });
    expectedOffset = offset + length;
  }
  if (expectedOffset !== bytes.length) {
    throw reader.error(expectedOffset, `${bytes.length - expectedOffset} bytes after the last tile`);
  }
  return { ...info, version, tiles, tilesAcross, tilesDown };
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
