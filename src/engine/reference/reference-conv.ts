/**
 * The reference convolution: the definition of the engine's convolution, written for reading, not speed. Sums are
 * exact in doubles (every |partial sum| < 2^53), then wrapped to int32 with the bias (`| 0`), which is what any
 * int32 accumulation order gives; requantisation per ../requantize.ts. Invariant: the WASM kernel must match it.
 */
import { convGeometry, type CheckedConv } from '../conv-spec.js';
import { requantizeValue } from '../requantize.js';
import { emptyTensor, type Tensor, type Tensor16 } from '../tensor.js';

/**
 * 'Same' convolution (TensorFlow padding, see convGeometry) of an int16 HWC tensor.
 * @param conv a validated layer whose inChannels equals x.channels
 */
export function referenceConv2d(conv: CheckedConv, x: Tensor16): Tensor {
  const { kernelSize: k, stride, inChannels: cin, outChannels: cout, weights, bias, requant } = conv;
  const { outHeight, outWidth, padTop, padLeft } = convGeometry(x.height, x.width, k, stride);
  const out = emptyTensor(requant.output, outHeight, outWidth, cout);
  const acc = new Float64Array(cout);
  for (let oy = 0; oy < outHeight; oy++) {
    for (let ox = 0; ox < outWidth; ox++) {
      acc.fill(0);
      for (let ky = 0; ky < k; ky++) {
        const iy = oy * stride - padTop + ky;
        if (iy < 0 || iy >= x.height) continue;
        for (let kx = 0; kx < k; kx++) {
          const ix = ox * stride - padLeft + kx;
          if (ix < 0 || ix >= x.width) continue;
          const xBase = (iy * x.width + ix) * cin;
          const wBase = (ky * k + kx) * cin * cout;
          for (let ci = 0; ci < cin; ci++) {
            const value = x.data[xBase + ci]!;
            const wRow = wBase + ci * cout;
            for (let o = 0; o < cout; o++) acc[o] += value * weights[wRow + o]!;
          }
        }
      }
      const outBase = (oy * outWidth + ox) * cout;
      for (let o = 0; o < cout; o++) {
        const wrapped = (acc[o]! + bias[o]!) | 0;
        out.data[outBase + o] = requantizeValue(wrapped, requant.multipliers[o]!, requant.shifts[o]!, requant.lo,
          requant.hi);
      }
    }
  }
  return out;
}
