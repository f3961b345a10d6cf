/**
 * A k x k convolution ('same' zero padding, stride 1, C -> C channels) over an H x W x C image as the D x D matrix it
 * is (D = H W C), so that its log-determinant, its gradient and its exact inverse can be computed (SNF paper, s.3.2;
 * feasible at MNIST size). Invariant: vectors are flattened in NHWC order, index (y, x, c) -> (y W + x) C + c, the
 * order of a tfjs [N, H, W, C] tensor reshaped to [N, D]; row `out` of T holds the weights that make output `out`.
 */
import { invariant } from '../../core/errors.js';

/** Geometry of a square-kernel convolution over one image. */
export interface ConvGeometry {
  /** Kernel side, odd, >= 1. */
  readonly kernel: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** D = H W C. */
export function convDimension(g: ConvGeometry): number {
  return g.height * g.width * g.channels;
}

function checkGeometry(g: ConvGeometry, kernelLength: number): void {
  invariant(g.kernel % 2 === 1 && g.kernel >= 1, `convolution kernels must have an odd side, not ${g.kernel}`);
  invariant(kernelLength === g.kernel * g.kernel * g.channels * g.channels, `kernel holds ${kernelLength} values, expected ${g.kernel}x${g.kernel}x${g.channels}x${g.channels}`);
}

/**
 * Calls `visit(row, column, kernelIndex)` for every non-zero entry of the Toeplitz matrix: output (y, x, co) reads
 * input (y + ky - p, x + kx - p, ci) with weight kernel[ky, kx, ci, co] (tfjs filter layout [kh, kw, in, out]).
 */
function forEachEntry(g: ConvGeometry, visit: (row: number, column: number, kernelIndex: number) => void): void {
  const { kernel: k, channels: c, height: h, width: w } = g;
  const p = (k - 1) / 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ky = 0; ky < k; ky++) {
        const yi = y + ky - p;
        if (yi < 0 || yi >= h) continue;
        for (let kx = 0; kx < k; kx++) {
          const xi = x + kx - p;
          if (xi < 0 || xi >= w) continue;
          const rowBase = (y * w + x) * c;
          const columnBase = (yi * w + xi) * c;
          const tapBase = (ky * k + kx) * c * c;
          for (let ci = 0; ci < c; ci++) {
            for (let co = 0; co < c; co++) visit(rowBase + co, columnBase + ci, tapBase + ci * c + co);
          }
        }
      }
    }
  }
}

/**
 * The D x D matrix T with conv(x) = T x (row-major, float64).
 * @param kernel [k, k, C, C] values (tfjs layout)
 */
export function convToeplitz(kernel: ArrayLike<number>, g: ConvGeometry): Float64Array {
  checkGeometry(g, kernel.length);
  const d = convDimension(g);
  const t = new Float64Array(d * d);
  forEachEntry(g, (row, column, index) => {
    t[row * d + column] = kernel[index]!;
  });
  return t;
}

/**
 * d log|det T| / d kernel from T^-1: each kernel entry sums (T^-T)[row, column] = (T^-1)[column, row] over the
 * positions where it is used (edges counted).
 * @param inverse T^-1, row-major D x D
 * @returns [k, k, C, C] values
 */
export function toeplitzKernelGradient(inverse: Float64Array, g: ConvGeometry): Float64Array {
  const d = convDimension(g);
  invariant(inverse.length === d * d, `inverse holds ${inverse.length} values, expected ${d}x${d}`);
  const gradient = new Float64Array(g.kernel * g.kernel * g.channels * g.channels);
  forEachEntry(g, (row, column, index) => {
    gradient[index]! += inverse[column * d + row]!;
  });
  return gradient;
}

/**
 * How many output positions use each kernel tap, [k, k] row-major: (H - |ky - p|) (W - |kx - p|) with zero padding.
 * This is the factor SNF applies to the flipped, transposed kernel of R in place of T^-T (paper s.3.2).
 */
export function tapUseCounts(kernel: number, height: number, width: number): Float64Array {
  const p = (kernel - 1) / 2;
  const counts = new Float64Array(kernel * kernel);
  for (let ky = 0; ky < kernel; ky++) {
    for (let kx = 0; kx < kernel; kx++) counts[ky * kernel + kx] = Math.max(0, height - Math.abs(ky - p)) * Math.max(0, width - Math.abs(kx - p));
  }
  return counts;
}
