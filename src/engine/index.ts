/**
 * Public API of the integer inference engine (see README.md in this folder): tensors, layer specs, the overflow
 * proof and the engine with its ops. Other layers import from here, not from the kernel files.
 */
export { createEngine, Engine, inversePermutation, type ConvLayer, type DenseLayer, type EngineOptions } from './engine.js';
export { KERNEL_NAMES, type KernelName } from './kernels.js';
export { checkConvSpec, convGeometry, hexagonalMask, MAX_CHANNELS, MAX_KERNEL_SIZE, type ConvGeometry,
  type ConvSpec, type DenseSpec } from './conv-spec.js';
export { ACCUMULATOR_LIMIT, accumulatorBounds, MAX_INPUT_BOUND, proveAccumulatorBound } from './overflow-proof.js';
export { checkRequantization, INT16_MAX, INT16_MIN, INT32_MAX, INT32_MIN, MAX_MULTIPLIER, MAX_SHIFT, rangeOf,
  requantizeValue, uniformRequantization, type CheckedRequantization, type Requantization } from './requantize.js';
export { elementTypeOf, emptyTensor, MAX_TENSOR_ELEMENTS, tensor16, tensor32, type ElementType, type Tensor,
  type Tensor16, type Tensor32, type TensorOf } from './tensor.js';
export { DEFAULT_WASM_MEMORY_BYTES, MAX_WASM_MEMORY_BYTES } from './wasm/wasm-arena.js';
