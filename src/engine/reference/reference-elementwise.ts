/**
 * Reference kernels for the elementwise ops: requantisation of int32 tensors, saturating add and clamp of int16
 * tensors. Invariant: plain integer formulas, exact in doubles; they define what the WASM kernels must compute.
 */
import { requantizeValue, type CheckedRequantization } from '../requantize.js';
import { emptyTensor, tensor16, type Tensor, type Tensor16, type Tensor32 } from '../tensor.js';

/** out[p][c] = requantizeValue(x[p][c], M[c], s[c], lo, hi), element type rq.output. */
export function referenceRequantize(x: Tensor32, rq: CheckedRequantization): Tensor {
  const out = emptyTensor(rq.output, x.height, x.width, x.channels);
  const channels = x.channels;
  for (let i = 0; i < x.data.length; i++) {
    const c = i % channels;
    out.data[i] = requantizeValue(x.data[i]!, rq.multipliers[c]!, rq.shifts[c]!, rq.lo, rq.hi);
  }
  return out;
}

/** out = clamp(a + b, lo, hi), the sum taken exactly. */
export function referenceAddClamp(a: Tensor16, b: Tensor16, lo: number, hi: number): Tensor16 {
  const out = tensor16(a.height, a.width, a.channels);
  for (let i = 0; i < a.data.length; i++) out.data[i] = clampValue(a.data[i]! + b.data[i]!, lo, hi);
  return out;
}

/** out = clamp(x, lo, hi). */
export function referenceClamp(x: Tensor16, lo: number, hi: number): Tensor16 {
  const out = tensor16(x.height, x.width, x.channels);
  for (let i = 0; i < x.data.length; i++) out.data[i] = clampValue(x.data[i]!, lo, hi);
  return out;
}

function clampValue(value: number, lo: number, hi: number): number {
  return value < lo ? lo : value > hi ? hi : value;
}
