/**
 * The forward pass of a HexaConv WideResNet (wrn-spec.ts) in TensorFlow.js: lifting convolution, pre-activation
 * residual blocks, final normalisation, ReLU, mean over valid cells, max over orientations, dense head. Invariant:
 * rotating (and, for p4m / p6m, mirroring) an input about a cell that survives every stride-2 level, inside a region
 * the group maps onto itself, leaves the logits unchanged; the tests check it layer by layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InternalError } from '../../core/errors.js';
import { pointGroup } from './point-groups.js';
import { expansionMatrix, filterExpansion, isIdentityExpansion, type FilterExpansion } from './filter-expansion.js';
import { applyMask, groupConv, maskedBatchNorm, maskedSpatialMean, orientationMax, type BatchMoments, type GridTensors } from './group-layers.js';
import { isFull, type SamplingGrid } from './sampling-grid.js';
import { convLayers, wrnLayout, type ConvLayer, type NormLayer, type WrnLayout, type WrnSpec } from './wrn-spec.js';

/** Parameters by name (tf.Variables while training, tensors otherwise). */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

/**
 * How normalisation layers run: `train` uses batch moments (reported by name through onMoments, for the running
 * averages); `infer` uses the running moments by layer name.
 */
export type NormMode =
  | { readonly kind: 'train'; readonly onMoments?: (layer: string, moments: BatchMoments) => void }
  | { readonly kind: 'infer'; readonly running: ReadonlyMap<string, BatchMoments> };

interface PreparedExpansion {
  readonly expansion: FilterExpansion;
  readonly matrix: tf.Tensor2D | null;
}

/** A spec's graph with its constant tensors (expansion matrices, masks). Dispose it when done. */
export class WrnGraph {
  readonly layout: WrnLayout;
  private readonly orientations: number;
  private readonly expansions = new Map<string, PreparedExpansion>();
  private readonly grids: GridTensors[];

  /** @param inputGrid see wrnLayout (default: the grid of a square `spec.imageSize` image) */
  constructor(
    readonly spec: WrnSpec,
    inputGrid?: SamplingGrid,
  ) {
    this.layout = wrnLayout(spec, inputGrid);
    const group = pointGroup(spec.group);
    this.orientations = group.size;
    this.grids = this.layout.grids.map((grid) => ({
      mask: isFull(grid) ? null : tf.tensor4d(Float32Array.from(grid.mask), [1, grid.rows, grid.columns, 1]),
      validCells: grid.validCells,
    }));
    for (const conv of convLayers(this.layout)) {
      const key = `${conv.input}:${conv.kernelSize}`;
      if (this.expansions.has(key)) continue;
      const expansion = filterExpansion(group, conv.kernelSize, conv.input);
      const matrix = isIdentityExpansion(expansion) ? null : tf.tensor2d(expansionMatrix(expansion), [expansion.paramsPerPair, expansion.source.length]);
      this.expansions.set(key, { expansion, matrix });
    }
  }

  /** Input tensors must be [N, rows, columns, channels] of level 0 (`layout.grids[0]`), zero outside its mask. */
  get inputShape(): [number, number, number] {
    const grid = this.layout.grids[0]!;
    return [grid.rows, grid.columns, this.spec.imageChannels];
  }

  private conv(params: ParamTensors, conv: ConvLayer, x: tf.Tensor4D): tf.Tensor4D {
    const { expansion, matrix } = this.expansions.get(`${conv.input}:${conv.kernelSize}`)!;
    const outLevel = conv.level + (conv.stride === 2 ? 1 : 0);
    return groupConv(x, param(params, `${conv.name}.w`), param(params, `${conv.name}.b`), expansion, matrix, conv.stride, this.grids[outLevel]!);
  }

  private norm(params: ParamTensors, norm: NormLayer, x: tf.Tensor4D, mode: NormMode): tf.Tensor4D {
    const running = mode.kind === 'infer' ? mode.running.get(norm.name) : null;
    if (mode.kind === 'infer' && !running) throw new InternalError(`no running moments for ${norm.name}`);
    const onMoments = mode.kind === 'train' && mode.onMoments ? (m: BatchMoments) => mode.onMoments!(norm.name, m) : undefined;
    return maskedBatchNorm(x, param(params, `${norm.name}.gamma`), param(params, `${norm.name}.beta`), this.orientations, this.grids[norm.level]!, running ?? null, onMoments);
  }

  /**
   * Logits [N, classes] of a batch.
   * @param observe sees the output of every residual block (`<block>`) and the pooled features (`pooled`), for tests
   */
  forward(params: ParamTensors, x: tf.Tensor4D, mode: NormMode, observe?: (name: string, value: tf.Tensor) => void): tf.Tensor2D {
    let h = this.conv(params, this.layout.stem, applyMask(x, this.grids[0]!));
    observe?.('stem', h);
    for (const block of this.layout.blocks) {
      const inner = this.conv(params, block.conv1, tf.relu(this.norm(params, block.bn1, h, mode)));
      const out = this.conv(params, block.conv2, tf.relu(this.norm(params, block.bn2, inner, mode)));
      h = tf.add(block.shortcut ? this.conv(params, block.shortcut, h) : h, out);
      observe?.(block.conv1.name.replace(/\.conv1$/, ''), h);
    }
    const final = tf.relu(this.norm(params, this.layout.finalNorm, h, mode));
    const pooled = orientationMax(maskedSpatialMean(final, this.grids[this.layout.finalNorm.level]!), this.orientations);
    observe?.('pooled', pooled);
    return tf.add(tf.matMul(pooled, param(params, 'head.w')), param(params, 'head.b'));
  }

  /** Frees the constant tensors. */
  dispose(): void {
    for (const grid of this.grids) grid.mask?.dispose();
    for (const { matrix } of this.expansions.values()) matrix?.dispose();
  }
}

function param(params: ParamTensors, name: string): tf.Tensor {
  const tensor = params.get(name);
  if (!tensor) throw new InternalError(`missing parameter ${name}`);
  return tensor;
}

/**
 * Sum over the batch of the softmax cross-entropy (nats) of `logits` [N, classes] against `labels`, a scalar.
 * A sum, not a mean, so data-parallel workers' gradients add up.
 */
export function crossEntropySum(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  const classes = logits.shape[1];
  const shifted = tf.sub(logits, tf.max(logits, 1, true));
  const logProbs = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), 1, true)));
  const picked = tf.mul(logProbs, tf.oneHot(tf.tensor1d(labels, 'int32'), classes));
  return tf.neg(tf.sum(picked)) as tf.Scalar;
}
