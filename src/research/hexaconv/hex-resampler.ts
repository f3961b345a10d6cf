/**
 * Resamples square-pixel images onto a hexagonal sampling grid (sampling-grid.ts) by bicubic interpolation (Keys,
 * a = -1/2; the official code uses a quintic spline). Invariant: valid cells get the interpolated value, every other
 * cell exactly 0, so the data carry the grid's mask; the interpolation reproduces constant and linear images exactly
 * wherever its 4 x 4 taps lie inside the image (near the border taps are clamped to the edge).
 */
import { InternalError } from '../../core/errors.js';
import { cellPosition, type SamplingGrid } from './sampling-grid.js';

/** Keys' cubic convolution weights for the four taps around fractional offset t in [0, 1). */
function cubicWeights(t: number, out: Float64Array, at: number): void {
  const a = -0.5;
  const w = (d: number) => {
    const x = Math.abs(d);
    if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
    if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
    return 0;
  };
  out[at] = w(t + 1);
  out[at + 1] = w(t);
  out[at + 2] = w(1 - t);
  out[at + 3] = w(2 - t);
}

/** A precomputed resampling from H x W x C images to one hexagonal grid. */
export class HexResampler {
  /** Storage index of every valid cell. */
  private readonly cells: Int32Array;
  /** Per valid cell: 4 row indices and 4 column indices of the taps, clamped to the image. */
  private readonly taps: Int32Array;
  private readonly weights: Float64Array;

  /**
   * @param grid a hexagonal level-0 grid made for images of `height` x `width`
   * @param channels samples per pixel, >= 1
   * @throws InternalError when the grid is not hexagonal (a caller bug)
   */
  constructor(
    readonly grid: SamplingGrid,
    readonly height: number,
    readonly width: number,
    readonly channels: number,
  ) {
    if (grid.lattice !== 'hex') throw new InternalError('HexResampler needs a hexagonal grid');
    const count = grid.validCells;
    this.cells = new Int32Array(count);
    this.taps = new Int32Array(count * 8);
    this.weights = new Float64Array(count * 8);
    let i = 0;
    for (let row = 0; row < grid.rows; row++) {
      for (let column = 0; column < grid.columns; column++) {
        if (grid.mask[row * grid.columns + column] === 0) continue;
        const [x, y] = cellPosition(grid, row, column);
        const y0 = Math.floor(y);
        const x0 = Math.floor(x);
        cubicWeights(y - y0, this.weights, i * 8);
        cubicWeights(x - x0, this.weights, i * 8 + 4);
        for (let k = 0; k < 4; k++) {
          this.taps[i * 8 + k] = Math.min(height - 1, Math.max(0, y0 - 1 + k));
          this.taps[i * 8 + 4 + k] = Math.min(width - 1, Math.max(0, x0 - 1 + k));
        }
        this.cells[i] = row * grid.columns + column;
        i++;
      }
    }
  }

  /**
   * Resamples one image.
   * @param image H * W * C samples, HWC (any numeric array)
   * @param out receives rows * columns * C values, HWC, from `outOffset`; invalid cells are set to 0
   */
  resample(image: ArrayLike<number>, out: Float32Array, outOffset = 0): void {
    const { grid, width, channels: C } = this;
    out.fill(0, outOffset, outOffset + grid.rows * grid.columns * C);
    const { taps, weights } = this;
    for (let i = 0; i < this.cells.length; i++) {
      const base = i * 8;
      const target = outOffset + this.cells[i]! * C;
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let ky = 0; ky < 4; ky++) {
          const rowStart = taps[base + ky]! * width;
          let rowSum = 0;
          for (let kx = 0; kx < 4; kx++) rowSum += weights[base + 4 + kx]! * image[(rowStart + taps[base + 4 + kx]!) * C + c]!;
          sum += weights[base + ky]! * rowSum;
        }
        out[target + c] = sum;
      }
    }
  }
}
