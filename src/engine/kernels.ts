/**
 * The contract between the engine and its two kernel sets: the readable TypeScript reference and the WASM SIMD
 * kernels. Invariant: for arguments the engine has validated, both sets return identical tensors (same shape, same
 * element type, same bits); parity tests in test/engine/ hold them to it.
 */
import type { CheckedConv } from './conv-spec.js';
import type { CheckedRequantization } from './requantize.js';
import type { Tensor, Tensor16, Tensor32 } from './tensor.js';

/** Names of the kernel sets an engine can run on. */
export type KernelName = 'wasm' | 'reference';

/** All kernel set names, the default first. */
export const KERNEL_NAMES: readonly KernelName[] = ['wasm', 'reference'];

/** A convolution prepared by one kernel set (weights already in the layout that set reads). */
export interface PreparedConv {
  /** The validated layer it was prepared from. */
  readonly conv: CheckedConv;
}

/** One kernel set. Callers (the engine) validate every argument first; kernels trust them. */
export interface Kernels {
  readonly name: KernelName;
  /** Packs a validated convolution's weights. */
  prepareConv(conv: CheckedConv): PreparedConv;
  /** 'Same' convolution of an int16 tensor with x.channels === inChannels; output type per the requantisation. */
  conv2d(layer: PreparedConv, x: Tensor16): Tensor;
  /** Requantises an int32 tensor with rq's per-channel multipliers (one per channel of x). */
  requantize(x: Tensor32, rq: CheckedRequantization): Tensor;
  /** clamp(a + b, lo, hi) elementwise over same-shaped int16 tensors, lo..hi within int16. */
  addClamp(a: Tensor16, b: Tensor16, lo: number, hi: number): Tensor16;
  /** clamp(x, lo, hi) elementwise, lo..hi within int16. */
  clamp(x: Tensor16, lo: number, hi: number): Tensor16;
  /** Space-to-depth 2x2 (even height and width). */
  squeeze(x: Tensor): Tensor;
  /** Depth-to-space 2x2 (channels a multiple of 4). */
  unsqueeze(x: Tensor): Tensor;
  /** out channel j = x channel indices[j] (indices within 0..channels-1). */
  gatherChannels(x: Tensor, indices: Int32Array): Tensor;
  /** Channels of the parts one after the other (same height, width and element type). */
  concatChannels(parts: readonly Tensor[]): Tensor;
  /** Channels start..start+count-1 (within range). */
  sliceChannels(x: Tensor, start: number, count: number): Tensor;
}
