/**
 * Writes .idf version 1 files: fixed header, tile table (payload offsets follow each other with no gaps), header
 * CRC-32, then the payloads in tile order. Pure bytes: the caller (the codec) supplies the image description and
 * the coded tiles. Invariant: readIdfHeader accepts every file this writes, with the same fields.
 */
import { ByteWriter } from '../core/byte-writer.js';
import { crc32 } from '../core/crc32.js';
import { InternalError } from '../core/errors.js';
import {
  FIELD, IDF_FORMAT_VERSION, IDF_MAGIC, TILE_FLAG_FALLBACK, headerBytes, imageInfoProblem, tileGrid,
  type IdfImageInfo, type IdfTileInput,
} from './idf-format.js';

/**
 * Builds a .idf file.
 * @param info image geometry, model identity and pixel checksum
 * @param tiles one entry per tile, row-major over the grid of ceil(paddedWidth / tileWidth) x
 *   ceil(paddedHeight / tileHeight) tiles
 * @returns the file bytes
 * @throws InternalError when `info` is invalid, the tile count does not match the grid, or a payload is larger
 *   than 2^32 - 1 bytes (the codec's bug, not the user's)
 */
export function writeIdf(info: IdfImageInfo, tiles: readonly IdfTileInput[]): Uint8Array {
  const problem = imageInfoProblem(info);
  if (problem) throw new InternalError(`.idf writer: ${problem.message}`);
  const { tilesAcross, tilesDown } = tileGrid(info);
  if (tiles.length !== tilesAcross * tilesDown) {
    throw new InternalError(`.idf writer: ${tiles.length} tiles given for a grid of ${tilesAcross} x ${tilesDown}`);
  }
  const payloadBytes = tiles.reduce((sum, tile) => sum + tile.payload.length, 0);
  const out = new ByteWriter(headerBytes(tiles.length) + payloadBytes);
  for (const byte of IDF_MAGIC) out.u8(byte);
  out.u8(IDF_FORMAT_VERSION).u8(0).u8(info.channels).u8(info.bitDepth);
  out.u32(info.width).u32(info.height).u32(info.paddedWidth).u32(info.paddedHeight);
  out.u32(info.tileWidth).u32(info.tileHeight).u32(info.modelId).bytes(info.modelSha256);
  out.u32(info.pixelChecksum).u32(tiles.length);
  if (out.size !== FIELD.tileTable) throw new InternalError(`.idf writer: fixed header is ${out.size} bytes`);
  let offset = headerBytes(tiles.length);
  for (const tile of tiles) {
    out.u64(offset).u32(tile.payload.length).u32(crc32(tile.payload));
    out.u8(tile.fallback ? TILE_FLAG_FALLBACK : 0).u8(0).u8(0).u8(0);
    offset += tile.payload.length;
  }
  const header = out.toBytes();
  out.u32(crc32(header));
  for (const tile of tiles) out.bytes(tile.payload);
  return out.toBytes();
}
