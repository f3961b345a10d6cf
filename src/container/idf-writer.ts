/**
 * Writes .idf files (format version 2, or 1 on request): fixed fields and varints, the tile table (per tile a varint of length << 1 | fallback
 * and the payload CRC-32), the header CRC-32, then the payloads back to back in tile order. Pure bytes: the caller
 * (the codec) supplies the image description and the coded tiles. Invariant: readIdfHeader accepts every file this
 * writes, with the same fields.
 */
import { ByteWriter } from '../core/byte-writer.js';
import { crc32 } from '../core/crc32.js';
import { InternalError } from '../core/errors.js';
import {
  IDF_FORMAT_VERSION, IDF_MAGIC, LAYOUT_16_BIT, MODEL_SHA256_PREFIX_BYTES, idfHeaderBytes, imageInfoProblem,
  isReadableVersion, tileEntryValue, tileGrid, type IdfFormatVersion, type IdfImageInfo, type IdfTileInput,
} from './idf-format.js';
import { writeVarint } from './varint.js';

/**
 * Builds a .idf file.
 * @param info image geometry, model identity (the full 32-byte sha256; the file keeps a 4-byte prefix) and pixel
 *   checksum
 * @param tiles one entry per tile, row-major over the grid of ceil(paddedWidth / tileWidth) x
 *   ceil(paddedHeight / tileHeight) tiles
 * @param formatVersion the version byte, default IDF_FORMAT_VERSION (2); the payloads must be coded for it
 * @returns the file bytes
 * @throws InternalError when `info` is invalid, the version unknown, the tile count does not match the grid, or a
 *   payload is larger than MAX_TILE_PAYLOAD_BYTES (2^31 - 1) bytes (the codec's bug, not the user's)
 */
export function writeIdf(
  info: IdfImageInfo, tiles: readonly IdfTileInput[], formatVersion: IdfFormatVersion = IDF_FORMAT_VERSION,
): Uint8Array {
  const problem = imageInfoProblem(info);
  if (problem) throw new InternalError(`.idf writer: ${problem.message}`);
  if (!isReadableVersion(formatVersion)) {
    throw new InternalError(`.idf writer: format version ${formatVersion} is not 1 or 2`);
  }
  if (!(info.modelSha256 instanceof Uint8Array) || info.modelSha256.length !== 32) {
    throw new InternalError('.idf writer: model sha256 is not 32 bytes');
  }
  const { tilesAcross, tilesDown } = tileGrid(info);
  if (tiles.length !== tilesAcross * tilesDown) {
    throw new InternalError(`.idf writer: ${tiles.length} tiles given for a grid of ${tilesAcross} x ${tilesDown}`);
  }
  const headerSize = idfHeaderBytes(info, tiles.map((tile) => tile.payload.length));
  const payloadBytes = tiles.reduce((sum, tile) => sum + tile.payload.length, 0);
  const out = new ByteWriter(headerSize + payloadBytes);
  for (const byte of IDF_MAGIC) out.u8(byte);
  out.u8(formatVersion).u8((info.channels - 1) | (info.bitDepth === 16 ? LAYOUT_16_BIT : 0));
  for (const value of [
    info.width, info.height, info.paddedWidth - info.width, info.paddedHeight - info.height, info.tileWidth,
    info.tileHeight, info.modelId,
  ]) writeVarint(out, value);
  out.bytes(info.modelSha256.subarray(0, MODEL_SHA256_PREFIX_BYTES)).u32(info.pixelChecksum);
  for (const tile of tiles) {
    writeVarint(out, tileEntryValue(tile.payload.length, tile.fallback));
    out.u32(crc32(tile.payload));
  }
  out.u32(crc32(out.toBytes()));
  if (out.size !== headerSize) throw new InternalError(`.idf writer: header is ${out.size} bytes, not ${headerSize}`);
  for (const tile of tiles) out.bytes(tile.payload);
  return out.toBytes();
}
