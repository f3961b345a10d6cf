/**
 * `idfz` itself in the bench: the one file that adapts the codec (src/codec compress / decompress, with a model
 * loaded and sha256-verified by the zoo) to BenchCodec. Each image becomes a complete `.idf` file (container, tile
 * table, fallback tiles included) and is decompressed by the real decoder, so idfz is measured like every baseline.
 */
import { compress, decompress, DEFAULT_TILE_SIZE, IDF_CODER_FACTORY, SYNTHETIC_TILE_SIZE, type LearnedCoderFactoryRef } from '../codec/index.js';
import type { KernelName } from '../engine/index.js';
import type { LoadedModel } from '../zoo/index.js';
import type { BenchCodec, BenchImage, ImageGeometry } from './bench-codec.js';
import { samplesAs, toPixelBuffer } from './decoded-samples.js';
import { floatEstimate, integerEstimate } from './model-estimates.js';

/** Options of idfzCodec. */
export interface IdfzCodecOptions {
  /** The model, loaded and verified by the zoo. */
  readonly model: LoadedModel;
  /** Engine kernels; default 'wasm' (the output is the same for both). */
  readonly kernel?: KernelName;
  /** The learned coder factory; default the IDF coder (tests plug in a double). */
  readonly learnedCoder?: LearnedCoderFactoryRef;
}

/**
 * The idfz codec on one thread with the default tile size, for the bench. Its note counts the tiles the learned
 * model coded (the others fell back to the simple coder, being smaller that way).
 */
export function idfzCodec(options: IdfzCodecOptions): BenchCodec {
  const { model } = options;
  const kernel = options.kernel ?? 'wasm';
  const learnedCoder = options.learnedCoder ?? IDF_CODER_FACTORY;
  const id = model.record.id;
  const sha = Buffer.from(model.sha256.subarray(0, 4)).toString('hex');
  let learnedTiles = 0;
  let tiles = 0;
  return {
    name: 'idfz',
    settings: `.idf file as idfz writes it, container included (model ${id}, sha256 ${sha}..., ${DEFAULT_TILE_SIZE}-pixel tiles (${SYNTHETIC_TILE_SIZE} for synthetic images), learned or fallback per tile, one thread, ${kernel} kernels)`,
    timing: 'in-process',
    available: async () => ({ available: true, version: `idfz codec, model ${id} (numeric id ${model.record.numericId}, sha256 ${sha}...)` }),
    async encode(image: BenchImage) {
      const result = await compress(toPixelBuffer(image), { model, kernel, learnedCoder, threads: 1 });
      learnedTiles += result.learnedTiles;
      tiles += result.tiles;
      return result.bytes;
    },
    async decode(bytes: Uint8Array, geometry: ImageGeometry) {
      const pixels = await decompress(bytes, { resolveModel: async () => model, kernel, learnedCoder, threads: 1, source: 'idfz bench file' });
      return samplesAs(pixels, geometry);
    },
    async estimate(images: readonly BenchImage[]) {
      return { float: await floatEstimate(model.record, images), integer: await integerEstimate(model, images, kernel, learnedCoder) };
    },
    note: () => `${learnedTiles} of ${tiles} tiles coded by the learned model ${id}, the others by the fallback coder`,
  };
}
