/**
 * The parameters of an SNF model in a fixed order (one flat float32 vector in training and checkpoints) and their
 * initial values from a seed, as in the paper's code: dense W = I; 1x1 conv W random orthogonal; k x k conv W = Dirac
 * + N(0, (0.01 sqrt(2 / (2 C k^2)))^2); every learned inverse R starts as W^T (flipped, transposed kernel for convs);
 * coupling networks start with PyTorch's default uniform init and a zero last layer (each coupling is the identity);
 * spline activations start near the identity (unnormalised parameters N(0, 0.01^2)).
 * Invariant: exact-gradient models have no R parameters at all.
 */
import { Random } from '../../core/random.js';
import { layerShapes, type SnfSpec } from './snf-spec.js';

/** How one parameter starts. */
export type SnfInit =
  | { readonly kind: 'identity' }
  | { readonly kind: 'orthogonal' }
  | { readonly kind: 'dirac-noise'; readonly std: number }
  /** R = W^T (dense, 1x1) or the flipped, channel-transposed kernel of W: the inverse at initialisation. */
  | { readonly kind: 'transpose-of'; readonly name: string }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'normal'; readonly std: number }
  | { readonly kind: 'uniform'; readonly bound: number };

/** One named parameter. Dense W / R are [D, D] (z = x W); conv kernels [k, k, in, out]; biases [out]. */
export interface SnfParam {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: SnfInit;
}

/** Elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function couplingParams(prefix: string, channels: number, width: number): SnfParam[] {
  const half = Math.floor(channels / 2);
  const out = 2 * (channels - half);
  const bound1 = 1 / Math.sqrt(9 * half);
  const bound2 = 1 / Math.sqrt(width);
  return [
    { name: `${prefix}.conv1.w`, shape: [3, 3, half, width], init: { kind: 'uniform', bound: bound1 } },
    { name: `${prefix}.conv1.b`, shape: [width], init: { kind: 'uniform', bound: bound1 } },
    { name: `${prefix}.conv2.w`, shape: [1, 1, width, width], init: { kind: 'uniform', bound: bound2 } },
    { name: `${prefix}.conv2.b`, shape: [width], init: { kind: 'uniform', bound: bound2 } },
    { name: `${prefix}.conv3.w`, shape: [3, 3, width, out], init: { kind: 'zeros' } },
    { name: `${prefix}.conv3.b`, shape: [out], init: { kind: 'zeros' } },
    { name: `${prefix}.conv3.logs`, shape: [out], init: { kind: 'zeros' } },
  ];
}

/** The parameter list of `spec`, in storage order; layer i's parameters are named `L<i>.<field>`. */
export function snfParams(spec: SnfSpec): SnfParam[] {
  const shapes = layerShapes(spec);
  const selfNormalizing = spec.gradient === 'self-normalizing';
  const params: SnfParam[] = [];
  spec.layers.forEach((layer, i) => {
    const { height, width, channels } = shapes[i]!;
    const prefix = `L${i}`;
    if (layer.kind === 'dense') {
      const d = height * width * channels;
      params.push({ name: `${prefix}.w`, shape: [d, d], init: { kind: 'identity' } });
      if (selfNormalizing) params.push({ name: `${prefix}.r`, shape: [d, d], init: { kind: 'transpose-of', name: `${prefix}.w` } });
      params.push({ name: `${prefix}.b`, shape: [d], init: { kind: 'zeros' } });
    } else if (layer.kind === 'conv') {
      const k = layer.kernel;
      const init: SnfInit = k === 1 ? { kind: 'orthogonal' } : { kind: 'dirac-noise', std: 0.01 * Math.sqrt(2 / (2 * channels * k * k)) };
      params.push({ name: `${prefix}.w`, shape: [k, k, channels, channels], init });
      if (selfNormalizing) params.push({ name: `${prefix}.r`, shape: [k, k, channels, channels], init: { kind: 'transpose-of', name: `${prefix}.w` } });
      params.push({ name: `${prefix}.b`, shape: [channels], init: { kind: 'zeros' } });
    } else if (layer.kind === 'spline') {
      const d = height * width * channels;
      // The paper's code: N(0, 0.01^2) for every unnormalised width, height and derivative (near-identity splines).
      params.push({ name: `${prefix}.widths`, shape: [d, layer.bins], init: { kind: 'normal', std: 0.01 } });
      params.push({ name: `${prefix}.heights`, shape: [d, layer.bins], init: { kind: 'normal', std: 0.01 } });
      params.push({ name: `${prefix}.derivatives`, shape: [d, layer.bins - 1], init: { kind: 'normal', std: 0.01 } });
    } else if (layer.kind === 'actnorm') {
      params.push({ name: `${prefix}.shift`, shape: [channels], init: { kind: 'zeros' } });
      params.push({ name: `${prefix}.logScale`, shape: [channels], init: { kind: 'zeros' } });
    } else if (layer.kind === 'coupling' || layer.kind === 'split-prior') {
      params.push(...couplingParams(prefix, channels, layer.width));
    }
  });
  return params;
}

/** Where each parameter lives in the flat vector. */
export interface ParamSlot {
  readonly offset: number;
  readonly size: number;
  readonly shape: readonly number[];
}

/** Offsets by name, and the total length. */
export function paramLayout(params: readonly SnfParam[]): { slots: Map<string, ParamSlot>; total: number } {
  const slots = new Map<string, ParamSlot>();
  let offset = 0;
  for (const p of params) {
    const size = sizeOf(p.shape);
    slots.set(p.name, { offset, size, shape: p.shape });
    offset += size;
  }
  return { slots, total: offset };
}

/** A random orthogonal n x n matrix (modified Gram-Schmidt on Gaussian rows), row-major. */
function orthogonal(n: number, random: Random): Float64Array {
  const q = Float64Array.from({ length: n * n }, () => random.nextNormal());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let t = 0; t < n; t++) dot += q[i * n + t]! * q[j * n + t]!;
      for (let t = 0; t < n; t++) q[i * n + t]! -= dot * q[j * n + t]!;
    }
    let norm = 0;
    for (let t = 0; t < n; t++) norm += q[i * n + t]! ** 2;
    norm = Math.sqrt(norm);
    for (let t = 0; t < n; t++) q[i * n + t]! /= norm;
  }
  return q;
}

/**
 * Writes the flipped, channel-transposed kernel (or the transpose of a matrix: a 1x1 kernel) of `source` into
 * `target`: target[ky, kx, b, a] = source[k-1-ky, k-1-kx, a, b]. Shape [k, k, c, c] or [d, d].
 */
export function writeFlippedTranspose(source: ArrayLike<number>, target: Float32Array, shape: readonly number[]): void {
  const [k, c] = shape.length === 2 ? [1, shape[0]!] : [shape[0]!, shape[2]!];
  for (let ky = 0; ky < k; ky++) {
    for (let kx = 0; kx < k; kx++) {
      const from = ((k - 1 - ky) * k + (k - 1 - kx)) * c * c;
      const to = (ky * k + kx) * c * c;
      for (let a = 0; a < c; a++) for (let b = 0; b < c; b++) target[to + b * c + a] = source[from + a * c + b]!;
    }
  }
}

/** The initial flat parameter vector of `spec` (actnorm is set later from data: see initializeActnorm). */
export function initialSnfParams(spec: SnfSpec, seed: number): Float32Array {
  const params = snfParams(spec);
  const { slots, total } = paramLayout(params);
  const flat = new Float32Array(total);
  const random = new Random(seed);
  for (const p of params) {
    const slot = slots.get(p.name)!;
    const view = flat.subarray(slot.offset, slot.offset + slot.size);
    const init = p.init;
    switch (init.kind) {
      case 'identity': {
        const d = p.shape[0]!;
        for (let i = 0; i < d; i++) view[i * d + i] = 1;
        break;
      }
      case 'orthogonal':
        view.set(orthogonal(p.shape[2]!, random));
        break;
      case 'dirac-noise': {
        const [k, , c] = p.shape as [number, number, number, number];
        for (let i = 0; i < view.length; i++) view[i] = init.std * random.nextNormal();
        const centre = ((k - 1) / 2) * (k + 1) * c * c;
        for (let a = 0; a < c; a++) view[centre + a * c + a]! += 1;
        break;
      }
      case 'transpose-of': {
        const source = slots.get(init.name)!;
        writeFlippedTranspose(flat.subarray(source.offset, source.offset + source.size), view, p.shape);
        break;
      }
      case 'uniform':
        for (let i = 0; i < view.length; i++) view[i] = (2 * random.nextFloat() - 1) * init.bound;
        break;
      case 'normal':
        for (let i = 0; i < view.length; i++) view[i] = init.std * random.nextNormal();
        break;
      case 'zeros':
        break;
    }
  }
  return flat;
}
