/**
 * Validation of the parameter arrays handed to the batch coders: lengths agree, mus within +-MU_Q_MAX, scale
 * indices on the grid, mixture weights non-negative with a usable total, uniform ranges and symbols in bounds.
 * The coding loops rely on these checks and do not repeat them. Callers are idfz's own engine and codec, so a
 * failure is a bug (InternalError), not bad user input.
 */
import { InternalError } from '../core/errors.js';
import { MU_Q_MAX, SCALE_COUNT, type ScaleIndexArray } from './logistic-params.js';
import { MIXTURE_MAX_COMPONENTS, MIXTURE_WEIGHT_TOTAL_MAX, type WeightArray } from './mixture-model.js';
import { mixtureKernel } from './mixture-wasm.js';
import { UNIFORM_MAX_VALUES, type UniformArray } from './uniform-coder.js';

function fail(message: string): never {
  throw new InternalError(`entropy coder: ${message}`);
}

/** The first index whose value lies outside [min, max], or -1. A tight min / max pass first keeps it fast. */
function firstOutside(values: ArrayLike<number>, min: number, max: number): number {
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < lowest) lowest = value;
    if (value > highest) highest = value;
  }
  if (lowest >= min && highest <= max) return -1;
  for (let i = 0; ; i++) if (values[i]! < min || values[i]! > max) return i;
}

function checkMusAndScales(mus: Int32Array, scales: ScaleIndexArray): void {
  const badMu = firstOutside(mus, -MU_Q_MAX, MU_Q_MAX);
  if (badMu >= 0) fail(`mus[${badMu}] = ${mus[badMu]} outside +-${MU_Q_MAX}`);
  const badScale = firstOutside(scales, 0, SCALE_COUNT - 1);
  if (badScale >= 0) fail(`scales[${badScale}] = ${scales[badScale]} outside 0..${SCALE_COUNT - 1}`);
}

/**
 * Checks a logistic batch of `count` symbols.
 * @throws InternalError when the arrays disagree in length or hold values out of range
 */
export function checkLogisticParams(count: number, mus: Int32Array, scales: ScaleIndexArray): void {
  if (mus.length !== count || scales.length !== count) {
    fail(`logistic batch of ${count} symbols got ${mus.length} mus and ${scales.length} scales`);
  }
  checkMusAndScales(mus, scales);
}

/**
 * Checks a mixture batch of `count` symbols with `components` components each.
 * @throws InternalError when the arrays disagree in length, components is not 1..MIXTURE_MAX_COMPONENTS, or a
 *   value is out of range (a symbol's weights must sum to 1..MIXTURE_WEIGHT_TOTAL_MAX)
 */
export function checkMixtureParams(
  count: number, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  if (!Number.isInteger(components) || components < 1 || components > MIXTURE_MAX_COMPONENTS) {
    fail(`mixture components ${components} outside 1..${MIXTURE_MAX_COMPONENTS}`);
  }
  const length = count * components;
  if (mus.length !== length || scales.length !== length || weights.length !== length) {
    fail(`mixture batch of ${count} x ${components} got ${mus.length} mus, ${scales.length} scales, ${weights.length} weights`);
  }
  // The WASM screen is ~5x faster than checkMixtureValues, which then only runs to name what is wrong.
  if (!mixtureKernel().paramsValid(count, mus, scales, weights, components)) {
    checkMixtureValues(count, mus, scales, weights, components);
  }
}

/**
 * The value checks of checkMixtureParams in plain loops (the specification of the WASM screen); the arrays must
 * already have count * components entries.
 * @throws InternalError naming the first value out of range
 */
export function checkMixtureValues(
  count: number, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  checkMusAndScales(mus, scales);
  const badWeight = firstOutside(weights, 0, MIXTURE_WEIGHT_TOTAL_MAX);
  if (badWeight >= 0) fail(`weights[${badWeight}] = ${weights[badWeight]} outside 0..${MIXTURE_WEIGHT_TOTAL_MAX}`);
  for (let i = 0, q = 0; i < count; i++) {
    let total = 0;
    for (let c = 0; c < components; c++, q++) total += weights[q]!;
    if (total < 1 || total > MIXTURE_WEIGHT_TOTAL_MAX) {
      fail(`weights of symbol ${i} sum to ${total}, outside 1..${MIXTURE_WEIGHT_TOTAL_MAX}`);
    }
  }
}

/**
 * Checks a uniform range [min, max] (integers, 1..UNIFORM_MAX_VALUES values) and, when given, that every symbol
 * lies in it.
 * @throws InternalError when the range or a symbol is out of bounds
 */
export function checkUniformParams(min: number, max: number, symbols?: UniformArray): void {
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min || max - min + 1 > UNIFORM_MAX_VALUES) {
    fail(`uniform range [${min}, ${max}] must hold 1..${UNIFORM_MAX_VALUES} integers`);
  }
  if (symbols) {
    const bad = firstOutside(symbols, min, max);
    if (bad >= 0) fail(`symbols[${bad}] = ${symbols[bad]} outside [${min}, ${max}]`);
  }
}

/**
 * Checks a stream version (RansEncoder / RansDecoder).
 * @throws InternalError unless it is 1 or 2
 */
export function checkStreamVersion(version: number): void {
  if (version !== 1 && version !== 2) fail(`stream version ${version} is not 1 or 2`);
}
