/**
 * The container layer's public API: write and read .idf files (byte-level spec in FORMAT.md). Pure bytes <-> a typed
 * header and tile payloads; no image or model code.
 */
export {
  DEFAULT_MAX_PIXELS, IDF_FORMAT_VERSION, IDF_METADATA_FORMAT_VERSION, type IdfFileVersion, MAX_DIMENSION, MAX_TILE_PAYLOAD_BYTES, MAX_TILE_SIDE, MODEL_SHA256_PREFIX_BYTES,
  idfHeaderBytes, modelMatches, type IdfFormatVersion, type IdfGeometry, type IdfHeader, type IdfImageInfo, type IdfTileEntry,
  type IdfTileInput,
} from './idf-format.js';
export { attachIdfMetadata, writeIdf } from './idf-writer.js';
export {
  MAX_METADATA_BYTES, METADATA_TYPE_BYTES, type IdfMetadataEntry, type IdfMetadataType,
} from './idf-metadata.js';
export { readIdfHeader, readTilePayload, type ReadIdfOptions } from './idf-reader.js';
export { pixelChecksum } from './pixel-checksum.js';
