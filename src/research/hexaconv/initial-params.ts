/**
 * Initial parameter vector of a HexaConv WideResNet, from a seed: He-normal filters (std = gain * sqrt(2 / fan-in),
 * fan-in = in * paramsPerPair for stored filters [out, in, paramsPerPair], rows for dense [in, out]), ones and zeros
 * for the normalisations and biases (src/train/param-init.ts draws them). Invariant: the same spec and seed give the
 * same vector on every machine.
 */
import type { ParamInfo } from '../../arch/param-list.js';
import { initialParams, type FanIn } from '../../train/param-init.js';

/** Fan-in of a stored group filter [out, in, paramsPerPair], or of a dense [in, out]. */
const filterFanIn: FanIn = (p) => (p.shape.length === 3 ? p.shape[1]! * p.shape[2]! : p.shape[0]!);

/** The flat initial vector of `params` (wrn-spec.ts wrnParams order). */
export function initialWrnParams(params: readonly ParamInfo[], seed: number): Float32Array {
  return initialParams(params, seed, filterFanIn);
}
