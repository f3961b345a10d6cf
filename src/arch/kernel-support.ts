/**
 * Filter supports: which cells of a k x k storage array a filter may use. On the square lattice all k^2 cells; on the
 * hexagonal lattice, in axial storage, the hexagon of radius (k - 1) / 2: cells with max(|u|, |v|, |u + v|) <= r.
 * Invariant: every support is mapped onto itself by its lattice's point group, for every odd k (the official
 * HexaConv mask, |u v| < r, drops cells such as (2, 2) from the radius-4 hexagon and so fails from k = 9 up).
 * Shared by src/research/hexaconv (group convolutions) and the `hex` coupling-network family (net-params.ts).
 */
import { InternalError } from '../core/errors.js';

/** The lattice a filter lives on. */
export type Lattice = 'square' | 'hex';

/**
 * The hexagonal (or, on the square lattice, Chebyshev) distance of an offset from the origin: the number of
 * nearest-neighbour steps on the hexagonal lattice, max(|u|, |v|, |u + v|) in axial coordinates.
 */
export function latticeRadius(lattice: Lattice, u: number, v: number): number {
  return lattice === 'square' ? Math.max(Math.abs(u), Math.abs(v)) : Math.max(Math.abs(u), Math.abs(v), Math.abs(u + v));
}

/** The cells of one filter support. */
export interface KernelSupport {
  readonly lattice: Lattice;
  /** Side of the storage array, odd, >= 1. */
  readonly size: number;
  /** Offsets (u, v) from the centre of each cell in the support, row-major order (v, then u). */
  readonly cells: readonly (readonly [number, number])[];
  /** k * k entries: the index into `cells` of storage cell (row, column), or -1 outside the support. */
  readonly cellIndex: Int32Array;
}

/**
 * The support of a k x k filter.
 * @param size odd side k, 1..31
 * @throws InternalError when `size` is not an odd integer in 1..31 (a caller bug: specs are validated earlier)
 */
export function kernelSupport(lattice: Lattice, size: number): KernelSupport {
  if (!Number.isInteger(size) || size < 1 || size > 31 || size % 2 === 0) throw new InternalError(`kernel size ${size} must be odd, 1..31`);
  const radius = (size - 1) / 2;
  const cells: [number, number][] = [];
  const cellIndex = new Int32Array(size * size).fill(-1);
  for (let v = -radius; v <= radius; v++) {
    for (let u = -radius; u <= radius; u++) {
      if (latticeRadius(lattice, u, v) > radius) continue;
      cellIndex[(v + radius) * size + (u + radius)] = cells.length;
      cells.push([u, v]);
    }
  }
  return { lattice, size, cells, cellIndex };
}


/**
 * The support as a tap mask for a k x k filter stored [row][column] (the engine's ConvSpec mask): 1 inside, 0
 * outside. In axial storage row = v and column = u, so for k = 3 on the hexagonal lattice this is
 * [[0,1,1],[1,1,1],[1,1,0]].
 */
export function supportMask(support: KernelSupport): number[] {
  return Array.from(support.cellIndex, (index) => (index >= 0 ? 1 : 0));
}
