/**
 * Integer tensors of the engine: one image or tile at a time, layout HWC (channels innermost, then columns, then
 * rows), element i of pixel (y, x) at data[(y * width + x) * channels + i]. Activations are Int16Array, wide results
 * (raw accumulators, translations, prior parameters) Int32Array. Invariant: data.length === height * width * channels.
 */
import { LimitError, ModelError } from '../core/errors.js';

/** Element types a tensor can hold. */
export type ElementType = 'int16' | 'int32';

/** The typed array behind each element type. */
export interface ElementArrays {
  int16: Int16Array;
  int32: Int32Array;
}

/** An HWC integer tensor. Treat it as immutable: ops never write into their inputs. */
export interface Tensor<A extends Int16Array | Int32Array = Int16Array | Int32Array> {
  /** Rows, >= 1. */
  readonly height: number;
  /** Columns, >= 1. */
  readonly width: number;
  /** Channels per pixel, >= 1. */
  readonly channels: number;
  /** height * width * channels elements, HWC order. */
  readonly data: A;
}

/** An activation tensor (int16 elements). */
export type Tensor16 = Tensor<Int16Array>;
/** A wide tensor (int32 elements). */
export type Tensor32 = Tensor<Int32Array>;
/** The tensor type for an element type. */
export type TensorOf<E extends ElementType> = Tensor<ElementArrays[E]>;

/** Largest element count of one tensor (2^28: 512 MiB as int16). Larger inputs must be cut into tiles. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/**
 * Checks a shape and returns its element count.
 * @throws ModelError when a dimension is not a positive integer; LimitError above MAX_TENSOR_ELEMENTS
 */
export function shapeSize(height: number, width: number, channels: number, what = 'tensor'): number {
  for (const [name, value] of [['height', height], ['width', width], ['channels', channels]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new ModelError(`${what}: ${name} must be a positive integer but is ${value}; check the model's layer shapes`);
    }
  }
  const size = height * width * channels;
  if (size > MAX_TENSOR_ELEMENTS) {
    throw new LimitError(`${what}: ${height}x${width}x${channels} has ${size} elements, over the limit of ` +
      `${MAX_TENSOR_ELEMENTS}; code the image in smaller tiles`);
  }
  return size;
}

/**
 * Makes an int16 HWC tensor, zero-filled unless `data` is given (used as is, not copied).
 * @throws ModelError on a bad shape or a data length that does not match it; LimitError when too large
 */
export function tensor16(height: number, width: number, channels: number, data?: Int16Array): Tensor16 {
  return makeTensor(height, width, channels, data ?? null, Int16Array);
}

/**
 * Makes an int32 HWC tensor, zero-filled unless `data` is given (used as is, not copied).
 * @throws ModelError on a bad shape or a data length that does not match it; LimitError when too large
 */
export function tensor32(height: number, width: number, channels: number, data?: Int32Array): Tensor32 {
  return makeTensor(height, width, channels, data ?? null, Int32Array);
}

function makeTensor<A extends Int16Array | Int32Array>(height: number, width: number, channels: number,
  data: A | null, kind: { new (length: number): A }): Tensor<A> {
  const size = shapeSize(height, width, channels);
  if (data !== null && data.length !== size) {
    throw new ModelError(`tensor ${height}x${width}x${channels} needs ${size} elements but its data has ${data.length}`);
  }
  return { height, width, channels, data: data ?? new kind(size) };
}

/**
 * Makes a zero-filled tensor of an element type.
 * @throws ModelError on a bad shape; LimitError when too large
 */
export function emptyTensor<E extends ElementType>(type: E, height: number, width: number,
  channels: number): TensorOf<E> {
  const tensor = type === 'int16' ? tensor16(height, width, channels) : tensor32(height, width, channels);
  return tensor as TensorOf<E>;
}

/** The element type of a tensor. */
export function elementTypeOf(tensor: Tensor): ElementType {
  return tensor.data instanceof Int16Array ? 'int16' : 'int32';
}

/**
 * Checks that a value claiming to be a tensor is one (shape consistent with its data), naming it in the message.
 * @throws ModelError when it is not
 */
export function checkTensor(tensor: Tensor, what: string): void {
  if (!(tensor.data instanceof Int16Array) && !(tensor.data instanceof Int32Array)) {
    throw new ModelError(`${what}: data must be an Int16Array or Int32Array`);
  }
  const size = shapeSize(tensor.height, tensor.width, tensor.channels, what);
  if (tensor.data.length !== size) {
    throw new ModelError(`${what}: shape ${tensor.height}x${tensor.width}x${tensor.channels} needs ${size} elements ` +
      `but its data has ${tensor.data.length}`);
  }
}
