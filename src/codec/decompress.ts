/**
 * decompress: `.idf` bytes -> PixelBuffer, the exact inverse of compress. The header is validated before anything
 * is allocated, the model the file names is resolved and must match its numeric id and sha256, each tile's CRC is
 * checked as it is read, tiles are decoded on the tile pool straight into the output image (padding dropped), and
 * the decoded pixels must match the stored checksum. Invariant: what comes back is the image that was compressed,
 * or an error; never a different image.
 */
import { CorruptStreamError, InternalError, ModelError } from '../core/errors.js';
import { modelMatches, pixelChecksum, readIdfHeader, readTilePayload, type IdfHeader } from '../container/index.js';
import type { KernelName } from '../engine/index.js';
import { createPixelBuffer, type PixelBuffer } from '../image/pixel-buffer.js';
import { NO_MODEL_NUMERIC_ID, type LoadedModel } from '../zoo/index.js';
import type { Samples } from './fallback-coder.js';
import { IDF_CODER_FACTORY, type LearnedCoderFactoryRef } from './learned-coder-source.js';
import { placeTile, tileRect, type TileLayout } from './tile-layout.js';
import { colourChannels, type TileFormat } from './tile-payload.js';
import type { TilePoolCache } from './tile-pool-cache.js';
import { TilePool, type TilePoolOptions } from './tile-worker-pool.js';

/** Options of decompress. */
export interface DecompressOptions {
  /**
   * Finds the model a file names (its numeric id, and the prefix of its sha256 the header keeps). Required for
   * files whose tiles use a learned model; it should throw a ModelError naming the model when it cannot.
   */
  readonly resolveModel?: (numericId: number, sha256Prefix: Uint8Array) => Promise<LoadedModel>;
  /** The factory that turns the model into a learned coder; default the IDF coder. */
  readonly learnedCoder?: LearnedCoderFactoryRef;
  /** Threads, 1..256; default 1. */
  readonly threads?: number;
  /** Pools kept open across calls (a batch's files); default a pool of this call's own, closed at its end. */
  readonly pools?: TilePoolCache;
  /** Engine kernel set; default 'wasm'. */
  readonly kernel?: KernelName;
  /** Largest padded width x height accepted; default the container's (2^28). */
  readonly maxPixels?: number;
  /** The file's name in messages; default "input". */
  readonly source?: string;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The model the header names, checked against its numeric id and sha256; null for files that need none. */
async function modelFor(header: IdfHeader, options: DecompressOptions, source: string): Promise<LoadedModel | null> {
  if (header.modelId === NO_MODEL_NUMERIC_ID) {
    if (header.modelSha256Prefix.some((byte) => byte !== 0)) {
      throw new CorruptStreamError(`${source}: corrupt stream: model id 0 (no model) with a model sha256`);
    }
    return null;
  }
  const needed = `numeric id ${header.modelId}, sha256 ${hex(header.modelSha256Prefix)}...`;
  if (!options.resolveModel) throw new ModelError(`${source}: needs the model with ${needed}; none was given`);
  const model = await options.resolveModel(header.modelId, header.modelSha256Prefix);
  if (model.record.numericId !== header.modelId || !modelMatches(header, model.sha256)) {
    throw new ModelError(
      `${source}: was compressed with the model with ${needed}, not with "${model.record.id}" (numeric id ` +
        `${model.record.numericId}, sha256 ${hex(model.sha256.subarray(0, header.modelSha256Prefix.length))}...); install that model or pass --model`,
    );
  }
  if (model.record.channels !== colourChannels({ channels: header.channels, bitDepth: header.bitDepth })) {
    throw new CorruptStreamError(`${source}: corrupt stream: a ${header.channels}-channel image names the ${model.record.channels}-channel model "${model.record.id}"`);
  }
  return model;
}

/**
 * Decompresses a `.idf` file.
 * @throws CorruptStreamError when the file is damaged (header, a tile, or the pixel checksum)
 * @throws ModelError when the model it needs cannot be found or is a different one
 * @throws LimitError when the padded image has more than maxPixels pixels
 */
export async function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Promise<PixelBuffer> {
  const source = options.source ?? 'input';
  const header = readIdfHeader(bytes, { source, ...(options.maxPixels !== undefined ? { maxPixels: options.maxPixels } : {}) });
  const model = await modelFor(header, options, source);
  const format: TileFormat = { channels: header.channels, bitDepth: header.bitDepth, formatVersion: header.version };
  const poolOptions: TilePoolOptions = {
    learned: model ? { factory: options.learnedCoder ?? IDF_CODER_FACTORY, modelBytes: model.bytes, source: `${model.record.folder}/${model.record.file}` } : null,
    kernel: options.kernel,
    threads: options.threads,
  };
  const pool = options.pools ? await options.pools.get(poolOptions) : await TilePool.open(poolOptions);
  try {
    const multiple = pool.learned?.sizeMultiple ?? 1;
    for (const [name, value] of [['padded width', header.paddedWidth], ['padded height', header.paddedHeight], ['tile width', header.tileWidth], ['tile height', header.tileHeight]] as const) {
      if (value % multiple !== 0) {
        throw new CorruptStreamError(`${source}: corrupt stream: ${name} ${value} is not a multiple of the model's ${multiple}`);
      }
    }
    const layout: TileLayout = header;
    const n = header.width * header.height * header.channels;
    const data: Samples = header.bitDepth === 8 ? new Uint8Array(n) : new Uint16Array(n);
    await pool.decode(header.tiles.length, format, (index) => {
      const rect = tileRect(layout, index);
      const entry = header.tiles[index]!;
      return { payload: readTilePayload(bytes, header, index, source), fallback: entry.fallback, shape: rect };
    }, (index, samples) => {
      const rect = tileRect(layout, index);
      if (samples.length !== rect.insideWidth * rect.insideHeight * header.channels) {
        throw new InternalError(`internal error: tile ${index} decoded to ${samples.length} samples`);
      }
      placeTile(data, header.width, header.channels, rect, samples);
    }, (index, error) => {
      if (!(error instanceof CorruptStreamError)) return error;
      const at = header.tiles[index]!.offset;
      return new CorruptStreamError(`${source}: corrupt stream: tile ${index} (payload at byte ${at}): ${error.message.replace(/^corrupt stream: /, '')}`);
    });
    if (pixelChecksum(data) !== header.pixelChecksum) {
      throw new CorruptStreamError(
        `${source}: corrupt stream: the decoded pixels do not match the stored checksum (a damaged file, or a model or ` +
          'engine that computes differently from the one that compressed it)',
      );
    }
    return header.bitDepth === 8
      ? createPixelBuffer({ width: header.width, height: header.height, channels: header.channels, bitDepth: 8, data: data as Uint8Array })
      : createPixelBuffer({ width: header.width, height: header.height, channels: header.channels, bitDepth: 16, data: data as Uint16Array });
  } finally {
    if (!options.pools) await pool.close();
  }
}
