/**
 * Index tables that turn a group convolution into one ordinary convolution (HexaConv section 4; Cohen and Welling
 * 2016, section 7): each stored filter psi(h, x) is copied, for every output orientation g, to
 * W_g(h, x) = psi(g^-1 h, g^-1 x): spatially rotated / mirrored on its lattice, its input-orientation axis permuted.
 * Invariant: the table only moves stored values (one source per target, or 0 outside the support), so the expanded
 * filter bank has exactly the free parameters of the stored one and the convolution it feeds is equivariant.
 */
import { compose, inverse, act, type PointGroup } from './point-groups.js';
import { kernelSupport, type KernelSupport } from '../../arch/kernel-support.js';

/** What a convolution reads: a plane (an image, or a planar network's features) or a function on the group. */
export type ConvInput = 'plane' | 'group';

/** The expansion of one (output channel, input channel) filter. */
export interface FilterExpansion {
  readonly group: PointGroup;
  readonly support: KernelSupport;
  /** Orientations per input channel: 1 for a plane, the group's size for a group function. */
  readonly inOrientations: number;
  /** Orientations per output channel: the group's size (1 for z2 and hex). */
  readonly outOrientations: number;
  /** Stored parameters per (output channel, input channel) pair: inOrientations * support cells, in that order. */
  readonly paramsPerPair: number;
  /**
   * One entry per target (g, h, row, column), in that order (outOrientations * inOrientations * k * k entries): the
   * stored parameter index h' * cells + cell it copies, or -1 for a zero (storage cells outside the support).
   */
  readonly source: Int32Array;
}

/**
 * The index table of a k x k convolution over `group`.
 * @param input `plane` for the first (lifting) layer or a planar network; `group` for group-to-group layers
 * @param kernelSize odd side, 1..31
 */
export function filterExpansion(group: PointGroup, kernelSize: number, input: ConvInput): FilterExpansion {
  const support = kernelSupport(group.lattice, kernelSize);
  const inOrientations = input === 'plane' ? 1 : group.size;
  const outOrientations = group.size;
  const k = kernelSize;
  const radius = (k - 1) / 2;
  const cells = support.cells.length;
  const source = new Int32Array(outOrientations * inOrientations * k * k).fill(-1);
  for (let g = 0; g < outOrientations; g++) {
    const gInverse = inverse(group, g);
    for (let h = 0; h < inOrientations; h++) {
      const hSource = input === 'plane' ? 0 : compose(group, gInverse, h);
      for (let row = 0; row < k; row++) {
        for (let column = 0; column < k; column++) {
          const [u, v] = act(group, gInverse, column - radius, row - radius);
          // A storage cell outside the support may be sent out of the k x k array (a hexagon's corners are).
          if (Math.abs(u) > radius || Math.abs(v) > radius) continue;
          const cell = support.cellIndex[(v + radius) * k + (u + radius)]!;
          if (cell < 0) continue;
          source[((g * inOrientations + h) * k + row) * k + column] = hSource * cells + cell;
        }
      }
    }
  }
  return { group, support, inOrientations, outOrientations, paramsPerPair: inOrientations * cells, source };
}

/**
 * The table as a 0/1 matrix of paramsPerPair rows and source.length columns (row-major): a batch of stored filters
 * [pairs, paramsPerPair] times it gives the expanded filters [pairs, g, h, row, column]. A matrix product rather than
 * a gather, because its gradient (another product) runs on every tfjs backend; tfjs-wasm has no kernel for the
 * scatter-add a gather's gradient needs.
 */
export function expansionMatrix(expansion: FilterExpansion): Float32Array {
  const targets = expansion.source.length;
  const matrix = new Float32Array(expansion.paramsPerPair * targets);
  expansion.source.forEach((from, to) => {
    if (from >= 0) matrix[from * targets + to] = 1;
  });
  return matrix;
}

/** Whether the table copies stored filters unchanged (a planar square filter, or any 1x1 planar filter). */
export function isIdentityExpansion(expansion: FilterExpansion): boolean {
  return expansion.paramsPerPair === expansion.source.length && expansion.source.every((from, to) => from === to);
}
