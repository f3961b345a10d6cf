/**
 * Reference kernels for the ops that move elements: 2x2 squeeze / unsqueeze (the channel order of TensorFlow's
 * spaceToDepth / depthToSpace for NHWC), channel gather, concat and slice. Invariant: they only copy elements, so
 * the element type and every value are preserved.
 */
import { emptyTensor, elementTypeOf, type Tensor } from '../tensor.js';

/** out[y][x][(dy * 2 + dx) * C + c] = x[2y + dy][2x + dx][c]; height and width must be even. */
export function referenceSqueeze(x: Tensor): Tensor {
  const c = x.channels;
  const out = emptyTensor(elementTypeOf(x), x.height / 2, x.width / 2, 4 * c);
  for (let y = 0; y < out.height; y++) {
    for (let xx = 0; xx < out.width; xx++) {
      for (let d = 0; d < 4; d++) {
        const src = ((2 * y + (d >> 1)) * x.width + 2 * xx + (d & 1)) * c;
        const dst = (y * out.width + xx) * 4 * c + d * c;
        for (let i = 0; i < c; i++) out.data[dst + i] = x.data[src + i]!;
      }
    }
  }
  return out;
}

/** The inverse of referenceSqueeze; channels must be a multiple of 4. */
export function referenceUnsqueeze(x: Tensor): Tensor {
  const c = x.channels / 4;
  const out = emptyTensor(elementTypeOf(x), x.height * 2, x.width * 2, c);
  for (let y = 0; y < x.height; y++) {
    for (let xx = 0; xx < x.width; xx++) {
      for (let d = 0; d < 4; d++) {
        const dst = ((2 * y + (d >> 1)) * out.width + 2 * xx + (d & 1)) * c;
        const src = (y * x.width + xx) * 4 * c + d * c;
        for (let i = 0; i < c; i++) out.data[dst + i] = x.data[src + i]!;
      }
    }
  }
  return out;
}

/** out channel j = x channel indices[j]. */
export function referenceGatherChannels(x: Tensor, indices: Int32Array): Tensor {
  const n = indices.length;
  const out = emptyTensor(elementTypeOf(x), x.height, x.width, n);
  for (let p = 0; p < x.height * x.width; p++) {
    for (let j = 0; j < n; j++) out.data[p * n + j] = x.data[p * x.channels + indices[j]!]!;
  }
  return out;
}

/** Channels of the parts one after the other. */
export function referenceConcatChannels(parts: readonly Tensor[]): Tensor {
  const first = parts[0]!;
  const total = parts.reduce((sum, part) => sum + part.channels, 0);
  const out = emptyTensor(elementTypeOf(first), first.height, first.width, total);
  for (let p = 0; p < first.height * first.width; p++) {
    let dst = p * total;
    for (const part of parts) {
      for (let i = 0; i < part.channels; i++) out.data[dst++] = part.data[p * part.channels + i]!;
    }
  }
  return out;
}

/** Channels start..start+count-1. */
export function referenceSliceChannels(x: Tensor, start: number, count: number): Tensor {
  const out = emptyTensor(elementTypeOf(x), x.height, x.width, count);
  for (let p = 0; p < x.height * x.width; p++) {
    for (let i = 0; i < count; i++) out.data[p * count + i] = x.data[p * x.channels + start + i]!;
  }
  return out;
}
