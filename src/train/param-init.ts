/**
 * Initial values of a parameter list as one flat float32 vector (order of src/arch/param-list.ts), from a seed.
 * Masked taps of a kernel (ParamInfo.taps) start, and so stay, at exactly zero.
 */
import { Random } from '../core/random.js';
import { paramCount, shapeSize, type ParamInfo } from '../arch/param-list.js';

/** The fan-in He init divides by, for one parameter. */
export type FanIn = (param: ParamInfo) => number;

/**
 * Fan-in of the IDF layouts: kh * kw * in of a conv kernel [kh, kw, in, out], counting only the kept taps of a
 * masked kernel; rows of anything else (a dense [in, out]).
 */
export const convFanIn: FanIn = (p) => {
  if (p.shape.length !== 4) return p.shape[0]!;
  const taps = p.taps ? p.taps.filter((t) => t !== 0).length : p.shape[0]! * p.shape[1]!;
  return taps * p.shape[2]!;
};

/**
 * Draws the initial flat parameter vector: He-normal (std = gain * sqrt(2 / fan-in)) where the list asks for it,
 * the listed values elsewhere, zeros otherwise.
 * @param fanIn fan-in of a He-initialised parameter (default convFanIn, the IDF layouts')
 */
export function initialParams(params: readonly ParamInfo[], seed: number, fanIn: FanIn = convFanIn): Float32Array {
  const random = new Random(seed);
  const flat = new Float32Array(paramCount(params));
  let offset = 0;
  for (const p of params) {
    const size = shapeSize(p.shape);
    const view = flat.subarray(offset, offset + size);
    if (p.init.kind === 'he') {
      const std = (p.init.gain ?? 1) * Math.sqrt(2 / fanIn(p));
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
