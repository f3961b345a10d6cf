/**
 * The architecture of a Self Normalizing Flow model as plain data (stored in checkpoints as JSON): the image it models,
 * how its linear layers are trained (self-normalizing or exact gradient), the reconstruction weight, and the layer
 * sequence. Invariant: a spec that passes `checkSnfSpec` describes a flow whose every layer fits the tensor shape
 * that reaches it (squeezes need even sides, splits and couplings need at least two channels).
 */
import { ModelError } from '../../core/errors.js';

/** The three model families of the paper (s.5). */
export const SNF_MODELS = ['fc', 'conv', 'glow'] as const;
export type SnfModelName = (typeof SNF_MODELS)[number];

/** How the linear layers' log-determinant gradient is obtained. */
export type GradientKind = 'self-normalizing' | 'exact';

/** One layer of the flow, acting on an [N, H, W, C] tensor. */
export type SnfLayer =
  /** z = x W + b on the flattened tensor (D = H W C), W square. */
  | { readonly kind: 'dense' }
  /** k x k convolution, 'same' zero padding, C -> C channels, plus bias; k = 1 is the Glow 1x1 convolution. */
  | { readonly kind: 'conv'; readonly kernel: number }
  /** Smooth leaky ReLU y = a x + (1 - a) softplus(x) (paper s.5.1), elementwise. */
  | { readonly kind: 'smooth-leaky-relu'; readonly alpha: number }
  /** Rational-quadratic spline per dimension, K bins on [-B, B], identity outside (the paper's CNN activation). */
  | { readonly kind: 'spline'; readonly bins: number; readonly tailBound: number }
  /** Space to depth 2x2: [H, W, C] -> [H/2, W/2, 4C]. */
  | { readonly kind: 'squeeze' }
  /** Per-channel affine y = (x - shift) exp(-logScale), initialised from the first batch (Glow). */
  | { readonly kind: 'actnorm' }
  /** Glow affine coupling: the first half of the channels sets scale and shift of the second half. */
  | { readonly kind: 'coupling'; readonly width: number }
  /** Split prior: a coupling, then the second half of the channels leaves the flow under N(0, I). */
  | { readonly kind: 'split-prior'; readonly width: number };

/** Shape of one image. */
export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * Which weights the reconstruction loss lambda ||R W x - x||^2 trains: 'inverse' only R (the official code's
 * `only_R_recon`), 'both' W and R (its default). Measured on MNIST FC at equal epochs: with 'both' the loss's pull on W
 * (towards maps the lagging R inverts well) leaves SNF 3-5% behind the exact gradient; with 'inverse' it tracks it
 * (docs/snf.md). Checkpoints written before this choice existed trained 'both'.
 */
export const RECONSTRUCTION_GRADIENTS = ['inverse', 'both'] as const;
export type ReconstructionGradient = (typeof RECONSTRUCTION_GRADIENTS)[number];

/** A complete model description. */
export interface SnfSpec {
  readonly kind: 'snf';
  readonly model: SnfModelName;
  readonly gradient: GradientKind;
  readonly image: ImageShape;
  /** Logit pre-processing: p = alpha + (1 - 2 alpha) x / 256 (paper: 1e-6). */
  readonly logitAlpha: number;
  /** lambda of the reconstruction loss lambda ||R W x - x||^2 per self-normalizing layer (paper: 1, 100, 1000). */
  readonly reconstructionWeight: number;
  /** Which weights the reconstruction loss trains (see ReconstructionGradient). */
  readonly reconstructionGradient: ReconstructionGradient;
  readonly layers: readonly SnfLayer[];
}

/** Tensor shape [H, W, C] after each layer; `shapes[i]` is the input of layer i, `shapes[layers.length]` the output. */
export function layerShapes(spec: SnfSpec): ImageShape[] {
  let shape: ImageShape = spec.image;
  const shapes = [shape];
  for (const layer of spec.layers) {
    if (layer.kind === 'squeeze') shape = { height: shape.height / 2, width: shape.width / 2, channels: shape.channels * 4 };
    else if (layer.kind === 'split-prior') shape = { ...shape, channels: Math.floor(shape.channels / 2) };
    shapes.push(shape);
  }
  return shapes;
}

/** Dimensions of an image (H W C). */
export function imageDimension(shape: ImageShape): number {
  return shape.height * shape.width * shape.channels;
}

function positiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}

/**
 * Validates a spec read from a file; a missing reconstructionGradient reads as 'both' (what older checkpoints trained).
 * @param where names the file in errors
 * @throws ModelError naming the first field that is missing or does not fit
 */
export function checkSnfSpec(value: unknown, where: string): SnfSpec {
  const spec = value as SnfSpec;
  const fail = (what: string) => new ModelError(`${where}: ${what}; this is not a valid idfz SNF model`);
  if (!spec || spec.kind !== 'snf') throw fail('"kind" is not "snf"');
  if (!(SNF_MODELS as readonly string[]).includes(spec.model)) throw fail(`unknown model "${String(spec.model)}"`);
  if (spec.gradient !== 'self-normalizing' && spec.gradient !== 'exact') throw fail(`unknown gradient "${String(spec.gradient)}"`);
  if (!spec.image || !positiveInteger(spec.image.height) || !positiveInteger(spec.image.width) || !positiveInteger(spec.image.channels)) throw fail('image height, width and channels must be positive integers');
  if (!(spec.logitAlpha >= 0 && spec.logitAlpha < 0.5)) throw fail(`logitAlpha ${spec.logitAlpha} is outside [0, 0.5)`);
  if (!(spec.reconstructionWeight >= 0 && Number.isFinite(spec.reconstructionWeight))) throw fail(`reconstructionWeight ${spec.reconstructionWeight} is not a finite number >= 0`);
  const reconstructionGradient = spec.reconstructionGradient ?? 'both';
  if (reconstructionGradient !== 'inverse' && reconstructionGradient !== 'both') throw fail(`unknown reconstructionGradient "${String(reconstructionGradient)}"`);
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw fail('no layers');
  let shape = spec.image;
  spec.layers.forEach((layer, i) => {
    const at = `layer ${i} (${String(layer?.kind)})`;
    switch (layer?.kind) {
      case 'dense':
      case 'actnorm':
        break;
      case 'conv':
        if (!positiveInteger(layer.kernel) || layer.kernel % 2 !== 1) throw fail(`${at}: kernel must be an odd positive integer`);
        break;
      case 'smooth-leaky-relu':
        if (!(layer.alpha > 0 && layer.alpha < 1)) throw fail(`${at}: alpha must be in (0, 1)`);
        break;
      case 'spline':
        if (!Number.isSafeInteger(layer.bins) || layer.bins < 2 || layer.bins > 64) throw fail(`${at}: bins must be an integer 2..64`);
        if (!(layer.tailBound > 0 && Number.isFinite(layer.tailBound))) throw fail(`${at}: tailBound must be a positive number`);
        break;
      case 'squeeze':
        if (shape.height % 2 !== 0 || shape.width % 2 !== 0) throw fail(`${at}: cannot squeeze ${shape.height}x${shape.width} (sides must be even)`);
        shape = { height: shape.height / 2, width: shape.width / 2, channels: shape.channels * 4 };
        break;
      case 'coupling':
      case 'split-prior':
        if (!positiveInteger(layer.width)) throw fail(`${at}: width must be a positive integer`);
        if (shape.channels < 2) throw fail(`${at}: needs at least 2 channels, has ${shape.channels}`);
        if (layer.kind === 'split-prior') shape = { ...shape, channels: Math.floor(shape.channels / 2) };
        break;
      default:
        throw fail(`${at}: unknown layer kind`);
    }
  });
  return reconstructionGradient === spec.reconstructionGradient ? spec : { ...spec, reconstructionGradient };
}

/** One line per layer kind count, e.g. `2 dense, 1 smooth-leaky-relu`. */
export function describeLayers(spec: SnfSpec): string {
  const counts = new Map<string, number>();
  for (const layer of spec.layers) {
    const name = layer.kind === 'conv' ? `conv${layer.kernel}x${layer.kernel}` : layer.kind;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => `${count} ${name}`).join(', ');
}
