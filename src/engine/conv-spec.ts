/**
 * Convolution and dense layer specifications as the model export hands them to the engine, their validation, and
 * the 'same' padding geometry. Weights use TensorFlow.js's layouts (conv filter [kh][kw][in][out], dense kernel
 * [in][out]) so the export copies them without reordering. Invariant: a CheckedConv is fully validated and its
 * weights already carry the tap mask (masked taps are zero), so kernels never look at the mask.
 */
import { ModelError } from '../core/errors.js';
import { kernelSupport, supportMask } from '../arch/kernel-support.js';
import { checkRequantization, integerArray, INT32_MAX, INT32_MIN, type CheckedRequantization,
  type Requantization } from './requantize.js';
import type { ElementType } from './tensor.js';

/** Largest kernel size k (odd). */
export const MAX_KERNEL_SIZE = 15;
/** Largest input or output channel count of one layer (a dense layer's inputs count as channels). */
export const MAX_CHANNELS = 65536;

/** A k x k convolution with 'same' zero padding, int8 weights, int32 bias and requantised output. */
export interface ConvSpec<E extends ElementType = ElementType> {
  /** Layer name for error messages. */
  readonly name?: string;
  /** Kernel size k: odd, 1..MAX_KERNEL_SIZE (1 is the 1x1 convolution). */
  readonly kernelSize: number;
  /** Stride 1 or 2 (default 1). */
  readonly stride?: number;
  /** Input channels, 1..MAX_CHANNELS. */
  readonly inChannels: number;
  /** Output channels, 1..MAX_CHANNELS. */
  readonly outChannels: number;
  /** k * k * inChannels * outChannels int8 weights, layout [ky][kx][in][out] (tf.conv2d's filter). Binary weights are +-1. */
  readonly weights: Int8Array;
  /** Bias per output channel, int32 (default 0), added to the accumulator before requantisation. */
  readonly bias?: ArrayLike<number>;
  /**
   * Optional tap mask, k * k entries row-major [ky][kx]: 0 removes the tap (its weights are zeroed at preparation),
   * anything else keeps it. See hexagonalMask.
   */
  readonly mask?: ArrayLike<number>;
  /** Requantisation of the accumulators (per output channel). */
  readonly requant: Requantization<E>;
}

/** A dense (fully connected) layer over the flattened HWC input. */
export interface DenseSpec<E extends ElementType = ElementType> {
  /** Layer name for error messages. */
  readonly name?: string;
  /** Input length (height * width * channels of the input), 1..MAX_CHANNELS. */
  readonly inputs: number;
  /** Output length, 1..MAX_CHANNELS; the output is a 1x1xoutputs tensor. */
  readonly outputs: number;
  /** inputs * outputs int8 weights, layout [in][out] (tf.layers.dense's kernel). */
  readonly weights: Int8Array;
  /** Bias per output, int32 (default 0). */
  readonly bias?: ArrayLike<number>;
  /** Requantisation of the accumulators (per output). */
  readonly requant: Requantization<E>;
}

/** A validated convolution: the form kernels prepare. */
export interface CheckedConv {
  readonly name: string;
  readonly kernelSize: number;
  readonly stride: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Weights [ky][kx][in][out] with masked taps set to 0 (a copy when a mask was given). */
  readonly weights: Int8Array;
  readonly bias: Int32Array;
  readonly requant: CheckedRequantization;
}

/** Output size and padding of a 'same' convolution. */
export interface ConvGeometry {
  readonly outHeight: number;
  readonly outWidth: number;
  /** Zero rows added above the input (the rest of the padding goes below). */
  readonly padTop: number;
  /** Zero columns added left of the input (the rest goes right). */
  readonly padLeft: number;
}

/**
 * TensorFlow's 'same' padding: output ceil(n / stride); total padding max((out - 1) * stride + k - n, 0), of which
 * floor(total / 2) goes before (top/left) and the rest after. With stride 2 and even n this pads only after.
 */
export function convGeometry(height: number, width: number, kernelSize: number, stride: number): ConvGeometry {
  const outHeight = Math.ceil(height / stride);
  const outWidth = Math.ceil(width / stride);
  const padTop = Math.floor(Math.max((outHeight - 1) * stride + kernelSize - height, 0) / 2);
  const padLeft = Math.floor(Math.max((outWidth - 1) * stride + kernelSize - width, 0) / 2);
  return { outHeight, outWidth, padTop, padLeft };
}

/**
 * The hexagonal tap mask of HexaConv (axial coordinates): keeps tap (ky, kx) when |(ky - r) + (kx - r)| <= r with
 * r = (k - 1) / 2, i.e. the hexagon of src/arch/kernel-support.ts. For k = 3 this is [[0,1,1],[1,1,1],[1,1,0]]
 * (7 of 9 taps).
 * @param kernelSize odd k, 1..MAX_KERNEL_SIZE
 * @throws ModelError for an even or out-of-range k
 */
export function hexagonalMask(kernelSize: number): Uint8Array {
  checkKernelSize(kernelSize, 'hexagonal mask');
  return Uint8Array.from(supportMask(kernelSupport('hex', kernelSize)));
}

/**
 * Validates a convolution spec and applies its mask.
 * @throws ModelError naming the layer and the offending field
 */
export function checkConvSpec(spec: ConvSpec): CheckedConv {
  const name = spec.name ?? 'conv';
  checkKernelSize(spec.kernelSize, name);
  const stride = spec.stride ?? 1;
  if (stride !== 1 && stride !== 2) throw new ModelError(`${name}: stride must be 1 or 2 but is ${stride}`);
  checkChannels(spec.inChannels, `${name}: inChannels`);
  checkChannels(spec.outChannels, `${name}: outChannels`);
  const k = spec.kernelSize;
  const expected = k * k * spec.inChannels * spec.outChannels;
  if (!(spec.weights instanceof Int8Array) || spec.weights.length !== expected) {
    throw new ModelError(`${name}: weights must be an Int8Array of ${k}x${k}x${spec.inChannels}x${spec.outChannels} ` +
      `= ${expected} values ([ky][kx][in][out]) but received ${describe(spec.weights)}; re-export the model`);
  }
  const bias = spec.bias === undefined ? new Int32Array(spec.outChannels)
    : integerArray(spec.bias, spec.outChannels, INT32_MIN, INT32_MAX, `${name}: bias`);
  const requant = checkRequantization(spec.requant, spec.outChannels, name);
  let weights = spec.weights;
  if (spec.mask !== undefined) {
    if (spec.mask.length !== k * k) {
      throw new ModelError(`${name}: mask must have ${k * k} entries (k * k) but has ${spec.mask.length}`);
    }
    weights = weights.slice();
    const tapSize = spec.inChannels * spec.outChannels;
    for (let tap = 0; tap < k * k; tap++) {
      if (spec.mask[tap] === 0) weights.fill(0, tap * tapSize, (tap + 1) * tapSize);
    }
  }
  return { name, kernelSize: k, stride, inChannels: spec.inChannels, outChannels: spec.outChannels, weights, bias, requant };
}

/** Expresses a dense layer as the 1x1 convolution of a 1x1 map with `inputs` channels (the same weight layout). */
export function denseAsConv<E extends ElementType>(spec: DenseSpec<E>): ConvSpec<E> {
  const base = { name: spec.name ?? 'dense', kernelSize: 1, stride: 1, inChannels: spec.inputs,
    outChannels: spec.outputs, weights: spec.weights, requant: spec.requant };
  return spec.bias === undefined ? base : { ...base, bias: spec.bias };
}

function checkKernelSize(k: number, what: string): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_KERNEL_SIZE || k % 2 === 0) {
    throw new ModelError(`${what}: kernel size must be odd, 1..${MAX_KERNEL_SIZE}, but is ${k}`);
  }
}

function checkChannels(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_CHANNELS) {
    throw new ModelError(`${what} must be an integer 1..${MAX_CHANNELS} but is ${value}`);
  }
}

function describe(value: unknown): string {
  if (value instanceof Int8Array) return `an Int8Array of ${value.length}`;
  return value === null || typeof value !== 'object' ? String(value) : `a ${value.constructor.name}`;
}
