/**
 * The arrays a network's feature maps live in. Square lattice: the image's own pixel grid. Hexagonal lattice: axial
 * storage (row = n2, column = n1 - min n1) of the lattice points n1 e1 + n2 e2 that fall inside the image's area,
 * e1 = (1, 0), e2 = (1/2, sqrt(3)/2) in pixel units, so 32 x 32 pixels become a 37 x 50 array holding 1184 valid
 * cells (HexaConv section 4.1). Invariant: `mask` marks exactly the cells whose centre lies in [-1/2, W - 1/2) x
 * [-1/2, H - 1/2); a stride-2 level keeps every second row and column of its parent, mask included.
 */
import { InternalError } from '../../core/errors.js';
import type { Lattice } from './point-groups.js';

/** One level of storage. */
export interface SamplingGrid {
  readonly lattice: Lattice;
  readonly rows: number;
  readonly columns: number;
  /** rows * columns entries, 1 where a cell holds image content, 0 where it is padding of the storage array. */
  readonly mask: Uint8Array;
  /** Number of ones in `mask`. */
  readonly validCells: number;
  /**
   * Pixel position (x, y) of storage cell (row 0, column 0) and the steps per column and per row, so that cell
   * (row, column) lies at origin + column * columnStep + row * rowStep. Square: (1, 0) and (0, 1). Hexagonal level 0:
   * (1, 0) and (1/2, sqrt(3)/2); each stride-2 level doubles both steps.
   */
  readonly origin: readonly [number, number];
  readonly columnStep: readonly [number, number];
  readonly rowStep: readonly [number, number];
}

const SQRT3_2 = Math.sqrt(3) / 2;

function countOnes(mask: Uint8Array): number {
  let count = 0;
  for (const bit of mask) count += bit;
  return count;
}

/**
 * The level-0 grid of a `height` x `width` image on `lattice`.
 * @throws InternalError when a side is not an integer in 1..4096 (a caller bug: geometry is validated earlier)
 */
export function imageGrid(lattice: Lattice, height: number, width: number): SamplingGrid {
  for (const side of [height, width]) {
    if (!Number.isInteger(side) || side < 1 || side > 4096) throw new InternalError(`image side ${side} outside 1..4096`);
  }
  if (lattice === 'square') {
    const mask = new Uint8Array(height * width).fill(1);
    return { lattice, rows: height, columns: width, mask, validCells: mask.length, origin: [0, 0], columnStep: [1, 0], rowStep: [0, 1] };
  }
  // Rows n2 = 0.. with y = n2 sqrt(3)/2 < H - 1/2; in row n2 the cells n1 with x = n1 + n2/2 in [-1/2, W - 1/2):
  // exactly W of them in every row.
  const rows = Math.floor((height - 0.5) / SQRT3_2 - 1e-9) + 1;
  const first = (n2: number) => Math.ceil(-0.5 - n2 / 2);
  const minN1 = first(rows - 1);
  const maxN1 = first(0) + width - 1;
  const columns = maxN1 - minN1 + 1;
  const mask = new Uint8Array(rows * columns);
  for (let n2 = 0; n2 < rows; n2++) {
    const start = first(n2) - minN1;
    mask.fill(1, n2 * columns + start, n2 * columns + start + width);
  }
  return { lattice, rows, columns, mask, validCells: countOnes(mask), origin: [minN1, 0], columnStep: [1, 0], rowStep: [0.5, SQRT3_2] };
}

/** The grid after a stride-2 step: rows and columns 0, 2, 4, ... of `grid`. */
export function downsampleGrid(grid: SamplingGrid): SamplingGrid {
  const rows = Math.ceil(grid.rows / 2);
  const columns = Math.ceil(grid.columns / 2);
  const mask = new Uint8Array(rows * columns);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) mask[row * columns + column] = grid.mask[2 * row * grid.columns + 2 * column]!;
  }
  const double = (step: readonly [number, number]): [number, number] => [2 * step[0], 2 * step[1]];
  return { ...grid, rows, columns, mask, validCells: countOnes(mask), columnStep: double(grid.columnStep), rowStep: double(grid.rowStep) };
}

/** Pixel position (x, y) of storage cell (row, column). */
export function cellPosition(grid: SamplingGrid, row: number, column: number): [number, number] {
  return [
    grid.origin[0] + column * grid.columnStep[0] + row * grid.rowStep[0],
    grid.origin[1] + column * grid.columnStep[1] + row * grid.rowStep[1],
  ];
}

/** Whether every cell of the grid is valid (no mask needs applying). */
export function isFull(grid: SamplingGrid): boolean {
  return grid.validCells === grid.rows * grid.columns;
}
