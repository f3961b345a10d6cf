/**
 * Initial parameter vector of a HexaConv WideResNet, from a seed: He-normal filters (std = gain * sqrt(2 / fan-in),
 * fan-in = in * paramsPerPair for stored filters [out, in, paramsPerPair], rows for dense [in, out]), ones and zeros
 * for the normalisations and biases. Invariant: the same spec and seed give the same vector on every machine.
 */
import { Random } from '../../core/random.js';
import { paramCount, shapeSize, type ParamInfo } from '../../arch/param-list.js';

/** The flat initial vector of `params` (wrn-spec.ts wrnParams order). */
export function initialWrnParams(params: readonly ParamInfo[], seed: number): Float32Array {
  const random = new Random(seed);
  const flat = new Float32Array(paramCount(params));
  let offset = 0;
  for (const p of params) {
    const size = shapeSize(p.shape);
    const view = flat.subarray(offset, offset + size);
    if (p.init.kind === 'he') {
      const fanIn = p.shape.length === 3 ? p.shape[1]! * p.shape[2]! : p.shape[0]!;
      const std = (p.init.gain ?? 1) * Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) view[i] = random.nextNormal() * std;
    } else if (p.init.kind === 'values') {
      for (let i = 0; i < size; i++) view[i] = p.init.values[i % p.init.values.length]!;
    }
    offset += size;
  }
  return flat;
}
