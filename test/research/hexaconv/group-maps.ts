/**
 * Test helpers for equivariance: a storage array whose valid region is a lattice disc (a hexagon on the hexagonal
 * lattice, a square on the square one) that every group element maps onto itself, and the group's action on feature
 * maps stored NHWC with channel-major (channel, orientation) pairs.
 */
import { act, compose, inverse, latticeRadius, type Lattice, type PointGroup } from '../../../src/research/hexaconv/point-groups.js';
import type { SamplingGrid } from '../../../src/research/hexaconv/sampling-grid.js';

/** A (2R+1) x (2R+1) grid whose valid cells lie within lattice distance R of the centre (R, R). */
export function discGrid(lattice: Lattice, radius: number): SamplingGrid {
  const side = 2 * radius + 1;
  const mask = new Uint8Array(side * side);
  for (let row = 0; row < side; row++) {
    for (let column = 0; column < side; column++) mask[row * side + column] = latticeRadius(lattice, column - radius, row - radius) <= radius ? 1 : 0;
  }
  const validCells = mask.reduce((a, b) => a + b, 0);
  return { lattice, rows: side, columns: side, mask, validCells, origin: [0, 0], columnStep: [1, 0], rowStep: lattice === 'hex' ? [0.5, Math.sqrt(3) / 2] : [0, 1] };
}

/**
 * (L_g f)(x, s) = f(g^-1 x, g^-1 s): the map rotated (and mirrored) about storage cell (centre, centre), its
 * orientation axis permuted. `orientations` 1 means a plane (only the spatial part acts).
 * @param shape [N, rows, columns, channels * orientations], rows = columns = 2 * centre + 1
 */
export function transformMap(data: Float32Array, shape: readonly number[], group: PointGroup, g: number, orientations: number): Float32Array {
  const [n, rows, columns, cs] = shape as [number, number, number, number];
  const centre = (rows - 1) / 2;
  const channels = cs / orientations;
  const gInverse = inverse(group, g);
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const [u, v] = act(group, gInverse, column - centre, row - centre);
        const sourceRow = v + centre;
        const sourceColumn = u + centre;
        if (sourceRow < 0 || sourceRow >= rows || sourceColumn < 0 || sourceColumn >= columns) continue;
        for (let c = 0; c < channels; c++) {
          for (let s = 0; s < orientations; s++) {
            const sourceS = orientations === 1 ? 0 : compose(group, gInverse, s);
            out[((b * rows + row) * columns + column) * cs + c * orientations + s] = data[((b * rows + sourceRow) * columns + sourceColumn) * cs + c * orientations + sourceS]!;
          }
        }
      }
    }
  }
  return out;
}

/** Largest absolute difference of two equally long arrays. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
