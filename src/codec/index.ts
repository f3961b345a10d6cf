/**
 * The codec's public API: compress an image into `.idf` bytes and decompress them back, on one or more threads,
 * with a learned model from the zoo or the fallback coder alone. Other layers import from here only.
 */
export { compress, type CompressOptions, type CompressResult } from './compress.js';
export { decompress, type DecompressOptions } from './decompress.js';
export { IDF_CODER_FACTORY, type LearnedCoderFactory, type LearnedCoderFactoryRef } from './learned-coder-source.js';
export type { LearnedTileCoder } from './learned-tile-coder.js';
export { DEFAULT_TILE_SIZE, MAX_TILE_SIZE, SYNTHETIC_TILE_SIZE, type TileLayout } from './tile-layout.js';
export { defaultThreads, MAX_THREADS } from './tile-worker-pool.js';
export { TilePoolCache } from './tile-pool-cache.js';
