/**
 * The paper's three models as specs (Keller et al. 2021, s.5 and the official experiment scripts), with the training
 * settings the paper used for each. Invariant: every preset passes checkSnfSpec for the image it was built for.
 */
import { UsageError } from '../../core/errors.js';
import { checkSnfSpec, type GradientKind, type ReconstructionGradient, type ImageShape, type SnfLayer, type SnfModelName, type SnfSpec } from './snf-spec.js';

/** Choices a preset leaves open. */
export interface SnfPresetOptions {
  readonly gradient: GradientKind;
  readonly image: ImageShape;
  /** lambda; default: the paper's for this model and image (see defaultReconstructionWeight). */
  readonly reconstructionWeight?: number;
  /** Which weights the reconstruction loss trains; default 'inverse' (R only). */
  readonly reconstructionGradient?: ReconstructionGradient;
  /** glow: number of squeeze blocks (paper: 2 on MNIST, 3 on CIFAR-10). */
  readonly blocks?: number;
  /** glow: actnorm + 1x1 conv + coupling steps per block (paper: 16 on MNIST, 32 on CIFAR-10). */
  readonly steps?: number;
  /** glow: hidden channels of each coupling network (paper: 512). */
  readonly couplingWidth?: number;
}

/** The paper's learning rate (Adam there; Adamax here) and batch size per model. */
export const SNF_TRAINING_DEFAULTS: Readonly<Record<SnfModelName, { readonly learningRate: number; readonly batchSize: number }>> = {
  fc: { learningRate: 1e-4, batchSize: 100 },
  conv: { learningRate: 1e-3, batchSize: 100 },
  glow: { learningRate: 1e-3, batchSize: 100 },
};

const SLR_ALPHA = 0.3;

/** lambda from the paper: 1 for FC and the 9-layer CNN, 100 for Glow on grey images, 1000 for Glow on colour. */
export function defaultReconstructionWeight(model: SnfModelName, image: ImageShape): number {
  if (model !== 'glow') return 1;
  return image.channels === 1 ? 100 : 1000;
}

/** FC: dense, smooth leaky ReLU, dense (paper: 784-784, 947.1 nats SNF vs 947.6 exact on MNIST). */
function fcLayers(): SnfLayer[] {
  return [{ kind: 'dense' }, { kind: 'smooth-leaky-relu', alpha: SLR_ALPHA }, { kind: 'dense' }];
}

/**
 * The 9-layer CNN: 3 blocks of three 3x3 convolutions, a squeeze between blocks, and after every conv but the last a
 * rational-quadratic spline activation per dimension (5 bins on [-10, 10], as the paper's script).
 */
function convLayers(): SnfLayer[] {
  const layers: SnfLayer[] = [];
  for (let block = 0; block < 3; block++) {
    for (let i = 0; i < 3; i++) {
      layers.push({ kind: 'conv', kernel: 3 });
      if (!(block === 2 && i === 2)) layers.push({ kind: 'spline', bins: 5, tailBound: 10 });
    }
    if (block < 2) layers.push({ kind: 'squeeze' });
  }
  return layers;
}

/** Glow-like: per block a squeeze, then steps x (actnorm, SNF 1x1 conv, affine coupling); a split prior between blocks. */
function glowLayers(blocks: number, steps: number, width: number): SnfLayer[] {
  const layers: SnfLayer[] = [];
  for (let block = 0; block < blocks; block++) {
    layers.push({ kind: 'squeeze' });
    for (let i = 0; i < steps; i++) layers.push({ kind: 'actnorm' }, { kind: 'conv', kernel: 1 }, { kind: 'coupling', width });
    if (block < blocks - 1) layers.push({ kind: 'split-prior', width });
  }
  return layers;
}

/**
 * Builds a preset.
 * @throws UsageError when the image does not fit the model (e.g. sides not divisible by 2^blocks)
 */
export function snfPreset(model: SnfModelName, options: SnfPresetOptions): SnfSpec {
  const colour = options.image.channels > 1;
  const layers =
    model === 'fc'
      ? fcLayers()
      : model === 'conv'
        ? convLayers()
        : glowLayers(options.blocks ?? (colour ? 3 : 2), options.steps ?? (colour ? 32 : 16), options.couplingWidth ?? 512);
  const spec: SnfSpec = {
    kind: 'snf',
    model,
    gradient: options.gradient,
    image: options.image,
    logitAlpha: 1e-6,
    reconstructionWeight: options.reconstructionWeight ?? defaultReconstructionWeight(model, options.image),
    reconstructionGradient: options.reconstructionGradient ?? 'inverse',
    layers,
  };
  try {
    return checkSnfSpec(spec, `the ${model} preset`);
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (images are ${options.image.height}x${options.image.width}x${options.image.channels}); choose fewer --blocks or another --model`);
  }
}
