/**
 * Sample grids from a trained SNF model: z ~ N(0, T^2 I) run backwards through R (the fast inverse SNF learns) or
 * through the exact inverses, tiled into one 8-bit image. Invariant: the same seed gives the same latents for both
 * inverses, so their grids can be compared tile by tile.
 */
import { Random } from '../../core/random.js';
import { createPixelBuffer, type PixelBuffer } from '../../image/pixel-buffer.js';
import type { InverseKind } from './linear-layers.js';
import type { SnfFlow } from './snf-flow.js';

/** Sampling settings. */
export interface SampleOptions {
  readonly count: number;
  /** Tiles per row of the grid. */
  readonly columns: number;
  /** Standard deviation of the latents (1 = the model's own distribution). */
  readonly temperature: number;
  readonly seed: number;
  readonly inverse: InverseKind;
}

/** Gap between tiles, in pixels, and its grey level. */
const GAP = 2;
const GAP_LEVEL = 128;

/** Draws `options.count` samples and tiles them row by row into one image. */
export function sampleGrid(flow: SnfFlow, params: Float32Array, options: SampleOptions): { grid: PixelBuffer; samples: Uint8Array } {
  const samples = flow.sample(params, options.count, options.temperature, new Random(options.seed), options.inverse);
  const { height, width, channels } = flow.spec.image;
  const columns = Math.min(options.columns, options.count);
  const rows = Math.ceil(options.count / columns);
  const gridWidth = columns * width + (columns - 1) * GAP;
  const gridHeight = rows * height + (rows - 1) * GAP;
  const data = new Uint8Array(gridWidth * gridHeight * channels).fill(GAP_LEVEL);
  const tile = height * width * channels;
  for (let k = 0; k < options.count; k++) {
    const top = Math.floor(k / columns) * (height + GAP);
    const left = (k % columns) * (width + GAP);
    for (let y = 0; y < height; y++) {
      const from = k * tile + y * width * channels;
      data.set(samples.subarray(from, from + width * channels), ((top + y) * gridWidth + left) * channels);
    }
  }
  return { grid: createPixelBuffer({ width: gridWidth, height: gridHeight, channels, bitDepth: 8, data }), samples };
}
