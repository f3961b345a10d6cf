/**
 * Initial values of a parameter list as one flat float32 vector (order of src/arch/param-list.ts), from a seed.
 * Masked taps of a kernel (ParamInfo.taps) start, and so stay, at exactly zero.
 */
import { Random } from '../core/random.js';
import { paramCount, shapeSize, type ParamInfo } from '../arch/param-list.js';

/**
 * Draws the initial flat parameter vector. He init uses fan_in = kh * kw * in of a conv kernel, counting only the
 * kept taps of a masked kernel.
 */
export function initialParams(params: readonly ParamInfo[], seed: number): Float32Array {
  const random = new Random(seed);
  const flat = new Float32Array(paramCount(params));
  let offset = 0;
  for (const p of params) {
    const size = shapeSize(p.shape);
    const view = flat.subarray(offset, offset + size);
    if (p.init.kind === 'he') {
      const taps = p.taps ? p.taps.filter((t) => t !== 0).length : p.shape.length === 4 ? p.shape[0]! * p.shape[1]! : 1;
      const fanIn = p.shape.length === 4 ? taps * p.shape[2]! : p.shape[0]!;
      const std = (p.init.gain ?? 1) * Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) view[i] = random.nextNormal() * std;
    } else if (p.init.kind === 'values') {
      const values = p.init.values;
      for (let i = 0; i < size; i++) view[i] = values[i % values.length]!;
    }
    if (p.taps) {
      const perTap = size / p.taps.length;
      p.taps.forEach((keep, tap) => {
        if (keep === 0) view.fill(0, tap * perTap, (tap + 1) * perTap);
      });
    }
    offset += size;
  }
  return flat;
}
