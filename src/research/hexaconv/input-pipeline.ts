/**
 * Turns 8-bit square images into network inputs: per-channel standardisation (statistics of the training set), the
 * augmentation (a horizontal flip and a translation with zero fill, both in the square image), then, for the
 * hexagonal groups, resampling onto the hexagonal grid. Invariant: the output is zero outside the level-0 mask and
 * depends only on the image, the normalisation and the augmentation.
 */
import { InternalError } from '../../core/errors.js';
import type { ImageDataset } from '../../data/dataset.js';
import { HexResampler } from './hex-resampler.js';
import type { SamplingGrid } from './sampling-grid.js';

/** Per-channel mean and standard deviation, in 0..255 sample units. */
export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Mean and standard deviation of each channel over all pixels of `images` (std at least 1e-3). */
export function channelNormalisation(images: ImageDataset): Normalisation {
  const C = images.channels;
  const sums = new Float64Array(C);
  const squares = new Float64Array(C);
  for (let i = 0; i < images.images.length; i++) {
    const value = images.images[i]!;
    sums[i % C]! += value;
    squares[i % C]! += value * value;
  }
  const n = images.images.length / C;
  const mean = [...sums].map((s) => s / n);
  const std = [...squares].map((s, c) => Math.max(1e-3, Math.sqrt(Math.max(0, s / n - mean[c]! ** 2))));
  return { mean, std };
}

/** How one training image is changed: mirrored left-right, then shifted by (dx, dy) pixels (zeros come in). */
export interface Augmentation {
  readonly flip: boolean;
  readonly dx: number;
  readonly dy: number;
}

/** Writes network inputs for one network's level-0 grid. */
export class InputPipeline {
  private readonly resampler: HexResampler | null;
  private readonly scratch: Float32Array;

  /**
   * @param grid the network's level-0 grid (wrn-spec.ts wrnLayout(spec).grids[0])
   * @param size side of the square images
   * @throws InternalError when a square grid does not match the image size (a caller bug)
   */
  constructor(
    readonly grid: SamplingGrid,
    readonly size: number,
    readonly channels: number,
    readonly normalisation: Normalisation,
  ) {
    if (grid.lattice === 'square' && (grid.rows !== size || grid.columns !== size)) throw new InternalError(`a ${grid.rows}x${grid.columns} square grid for ${size}x${size} images`);
    this.resampler = grid.lattice === 'hex' ? new HexResampler(grid, size, size, channels) : null;
    this.scratch = new Float32Array(size * size * channels);
  }

  /** Values per input image: rows * columns * channels. */
  get inputSize(): number {
    return this.grid.rows * this.grid.columns * this.channels;
  }

  /**
   * Writes the input of one image at `out[offset, offset + inputSize)`.
   * @param pixels size * size * channels samples, HWC
   */
  write(pixels: Uint8Array, augmentation: Augmentation | null, out: Float32Array, offset: number): void {
    const { size, channels: C, normalisation } = this;
    const target = this.resampler ? this.scratch : out;
    const base = this.resampler ? 0 : offset;
    const flip = augmentation?.flip ?? false;
    const dx = augmentation?.dx ?? 0;
    const dy = augmentation?.dy ?? 0;
    for (let y = 0; y < size; y++) {
      const sy = y - dy;
      for (let x = 0; x < size; x++) {
        const sx0 = x - dx;
        const inside = sy >= 0 && sy < size && sx0 >= 0 && sx0 < size;
        const sx = flip ? size - 1 - sx0 : sx0;
        for (let c = 0; c < C; c++) {
          target[base + (y * size + x) * C + c] = inside ? (pixels[(sy * size + sx) * C + c]! - normalisation.mean[c]!) / normalisation.std[c]! : 0;
        }
      }
    }
    this.resampler?.resample(this.scratch, out, offset);
  }
}
