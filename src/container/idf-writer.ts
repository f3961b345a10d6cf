/**
 * Writes .idf files (format version 2, 1 on request, 3 when there is metadata): fixed fields and varints, the tile
 * table (per tile a varint of length << 1 | fallback and the payload CRC-32), the header CRC-32, a version-3 file's
 * metadata block, then the payloads back to back in tile order. Pure bytes: the caller (the codec) supplies the image
 * description and the coded tiles. Invariant: readIdfHeader accepts every file this writes, with the same fields, and
 * a file without metadata is byte for byte what version 2 always wrote.
 */
import { ByteWriter } from '../core/byte-writer.js';
import { crc32 } from '../core/crc32.js';
import { InternalError } from '../core/errors.js';
import { metadataBlockBytes, sortMetadata, type IdfMetadataEntry } from './idf-metadata.js';
import { readIdfHeader } from './idf-reader.js';
import {
  CRC_BYTES, FIELD, IDF_FORMAT_VERSION, IDF_MAGIC, IDF_METADATA_FORMAT_VERSION, LAYOUT_16_BIT, MODEL_SHA256_PREFIX_BYTES, idfHeaderBytes, imageInfoProblem,
  isReadableVersion, tileEntryValue, tileGrid, type IdfFormatVersion, type IdfImageInfo, type IdfTileInput,
} from './idf-format.js';
import { writeVarint } from './varint.js';

/**
 * Builds a .idf file.
 * @param info image geometry, model identity (the full 32-byte sha256; the file keeps a 4-byte prefix) and pixel
 *   checksum
 * @param tiles one entry per tile, row-major over the grid of ceil(paddedWidth / tileWidth) x
 *   ceil(paddedHeight / tileHeight) tiles
 * @param formatVersion the payloads' stream version, default IDF_FORMAT_VERSION (2); the payloads must be coded for it
 * @param metadata entries to keep (at most one per type, any order): when there are any, the file is format version 3
 *   (stream version 2 only) with a metadata block; default none, a version 1 or 2 file
 * @returns the file bytes
 * @throws InternalError when `info` is invalid, the version unknown, the tile count does not match the grid, a
 *   payload is larger than MAX_TILE_PAYLOAD_BYTES (2^31 - 1) bytes, metadata is given for stream version 1, or an
 *   entry is empty, repeated or beyond MAX_METADATA_BYTES (the caller's bug, not the user's)
 */
export function writeIdf(
  info: IdfImageInfo, tiles: readonly IdfTileInput[], formatVersion: IdfFormatVersion = IDF_FORMAT_VERSION,
  metadata: readonly IdfMetadataEntry[] = [],
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
  const file = out.toBytes();
  if (metadata.length === 0) return file;
  if (formatVersion !== 2) throw new InternalError('.idf writer: metadata needs stream version 2 (format version 3)');
  return attachIdfMetadata(file, metadata);
}

/**
 * Adds metadata to a version-2 file: the version byte becomes 3, the header CRC is recomputed, and the metadata
 * block goes between the header CRC and the first payload. Payloads and every other byte are unchanged.
 * @param file a version-2 file, as writeIdf (or the codec) wrote it
 * @param metadata entries (at most one per type, any order); none returns `file` itself, unchanged
 * @throws InternalError when `file` is not a valid version-2 file or the metadata is invalid (the caller's bug)
 */
export function attachIdfMetadata(file: Uint8Array, metadata: readonly IdfMetadataEntry[]): Uint8Array {
  if (metadata.length === 0) return file;
  let headerBytes: number;
  try {
    const header = readIdfHeader(file, { maxPixels: Number.MAX_SAFE_INTEGER, source: '.idf writer' });
    if (header.fileVersion !== 2) throw new InternalError(`format version ${header.fileVersion}, not 2`);
    headerBytes = header.headerBytes;
  } catch (error) {
    throw new InternalError(`.idf writer: cannot add metadata to this file: ${(error as Error).message}`, { cause: error });
  }
  const block = metadataBlockBytes(sortMetadata(metadata));
  const crcAt = headerBytes - CRC_BYTES;
  const out = new Uint8Array(file.length + block.length);
  out.set(file.subarray(0, crcAt));
  out[FIELD.version] = IDF_METADATA_FORMAT_VERSION;
  new DataView(out.buffer).setUint32(crcAt, crc32(out.subarray(0, crcAt)), true);
  out.set(block, headerBytes);
  out.set(file.subarray(headerBytes), headerBytes + block.length);
  return out;
}
