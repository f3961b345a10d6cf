/**
 * compress: a PixelBuffer -> `.idf` bytes. The image is padded to the learned model's size multiple (edge
 * replication, recorded in the header), cut into tiles, and each tile is coded on the tile pool (learned colour or
 * fallback, whichever is smaller; alpha and 16-bit low bytes always by the fallback coder). An image that fits
 * maxPixels only without that padding is coded without the model. Invariant: the bytes depend only on the pixels,
 * the model, the tile size and maxPixels; never on the thread count or the engine kernel.
 */
import { LimitError, ModelError } from '../core/errors.js';
import { DEFAULT_MAX_PIXELS, IDF_FORMAT_VERSION, pixelChecksum, writeIdf, type IdfTileInput } from '../container/index.js';
import type { KernelName } from '../engine/index.js';
import type { PixelBuffer } from '../image/pixel-buffer.js';
import { NO_MODEL_NUMERIC_ID, type LoadedModel, type ModelRecord } from '../zoo/index.js';
import { IDF_CODER_FACTORY, type LearnedCoderFactoryRef } from './learned-coder-source.js';
import { defaultTileSize, extractTile, planTileLayout, tileRect, type TileLayout } from './tile-layout.js';
import { colourChannels, type TileFormat } from './tile-payload.js';
import type { TilePoolCache } from './tile-pool-cache.js';
import { TilePool, type TilePoolOptions } from './tile-worker-pool.js';

/** Options of compress. */
export interface CompressOptions {
  /** The learned model (sha256-verified), or null / absent to code every tile with the fallback coder. */
  readonly model?: LoadedModel | null;
  /** The factory that turns the model into a learned coder; default the IDF coder. */
  readonly learnedCoder?: LearnedCoderFactoryRef;
  /** Threads, 1..256; default 1. The output is the same for every count. */
  readonly threads?: number;
  /** Pools kept open across calls (a batch's files); default a pool of this call's own, closed at its end. */
  readonly pools?: TilePoolCache;
  /** Engine kernel set; default 'wasm'. The output is the same for both. */
  readonly kernel?: KernelName;
  /**
   * Tile side in pixels, 1..4096 (rounded up to the model's size multiple); default defaultTileSize's choice
   * (DEFAULT_TILE_SIZE, or SYNTHETIC_TILE_SIZE for screenshots and diagrams).
   */
  readonly tileSize?: number;
  /**
   * Largest padded width x height accepted; default the container's DEFAULT_MAX_PIXELS (2^26). An image the model's
   * padding would take past it, but that fits unpadded, is coded without the model.
   */
  readonly maxPixels?: number;
}

/** What compress produced. */
export interface CompressResult {
  /** The `.idf` file. */
  readonly bytes: Uint8Array;
  /** The learned model that codes at least one tile, or null when every tile uses the fallback coder. */
  readonly model: ModelRecord | null;
  /** Padding and tiles. */
  readonly layout: TileLayout;
  /** Tiles coded by the learned model. */
  readonly learnedTiles: number;
  /** All tiles. */
  readonly tiles: number;
}

/**
 * Compresses an image.
 * @throws ModelError when the model cannot be loaded or its coder disagrees with its manifest
 * @throws LimitError when the image has more than maxPixels pixels
 */
export async function compress(pixels: PixelBuffer, options: CompressOptions = {}): Promise<CompressResult> {
  // New files are written in the newest format version (its learned tiles code mixtures with component slots).
  const format: TileFormat = { channels: pixels.channels, bitDepth: pixels.bitDepth, formatVersion: IDF_FORMAT_VERSION };
  const model = options.model && options.model.record.channels === colourChannels(format) ? options.model : null;
  const source = model ? `${model.record.folder}/${model.record.file}` : '';
  const poolOptions: TilePoolOptions = {
    learned: model ? { factory: options.learnedCoder ?? IDF_CODER_FACTORY, modelBytes: model.bytes, source } : null,
    kernel: options.kernel,
    threads: options.threads,
  };
  const pool = options.pools ? await options.pools.get(poolOptions) : await TilePool.open(poolOptions);
  try {
    if (model && pool.learned!.channels !== model.record.channels) {
      throw new ModelError(`${source}: the model codes ${pool.learned!.channels} channels but its manifest says ${model.record.channels}`);
    }
    const tileSize = options.tileSize ?? defaultTileSize(pixels.data, pixels.width, pixels.height, pixels.channels);
    const layout = planTileLayout(pixels.width, pixels.height, pool.learned?.sizeMultiple ?? 1, tileSize);
    const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    if (layout.paddedWidth * layout.paddedHeight > maxPixels) {
      if (!model || pixels.width * pixels.height > maxPixels) {
        throw new LimitError(`${layout.paddedWidth} x ${layout.paddedHeight} padded image exceeds the limit of ${maxPixels} pixels`);
      }
      // Only the model's padding goes past the limit: without the model nothing is padded.
      return await compress(pixels, { ...options, model: null });
    }
    const count = layout.tilesAcross * layout.tilesDown;
    const tiles: IdfTileInput[] = new Array<IdfTileInput>(count);
    await pool.encode(count, format, (index) => {
      const rect = tileRect(layout, index);
      return { tile: extractTile(pixels.data, pixels.width, pixels.height, pixels.channels, rect), shape: rect };
    }, (index, tile) => {
      tiles[index] = tile;
    });
    const learnedTiles = tiles.filter((tile) => !tile.fallback).length;
    const used = model && learnedTiles > 0 ? model : null;
    const bytes = writeIdf({
      channels: pixels.channels,
      bitDepth: pixels.bitDepth,
      width: pixels.width,
      height: pixels.height,
      paddedWidth: layout.paddedWidth,
      paddedHeight: layout.paddedHeight,
      tileWidth: layout.tileWidth,
      tileHeight: layout.tileHeight,
      modelId: used ? used.record.numericId : NO_MODEL_NUMERIC_ID,
      modelSha256: used ? used.sha256 : new Uint8Array(32),
      pixelChecksum: pixelChecksum(pixels.data),
    }, tiles, IDF_FORMAT_VERSION);
    return { bytes, model: used?.record ?? null, layout, learnedTiles, tiles: count };
  } finally {
    if (!options.pools) await pool.close();
  }
}
