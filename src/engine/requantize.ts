/**
 * Requantisation of int32 accumulators by an integer multiplier and shift per output channel:
 * out = clamp(floor((acc * M + 2^(s-1)) / 2^s), lo, hi) (the 2^(s-1) term is 0 when s = 0), i.e. round half up.
 * Invariant: with |acc| <= 2^31, 0 <= M < 2^16 and 0 <= s <= 47 every intermediate is an integer below 2^48, exact in
 * a double (the reference kernel) and in an i64 (the WASM kernel), so both give the same bits.
 */
import { ModelError } from '../core/errors.js';
import type { ElementType } from './tensor.js';

/** Largest multiplier M (M < 2^16). */
export const MAX_MULTIPLIER = 2 ** 16 - 1;
/** Largest shift s. Beyond 47 every |acc * M| < 2^47 rounds to 0 or -1, so larger shifts are never useful. */
export const MAX_SHIFT = 47;
/** Smallest and largest int16. */
export const INT16_MIN = -32768;
export const INT16_MAX = 32767;
/** Smallest and largest int32. */
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** Per-output-channel requantisation of one layer, writing elements of type E. */
export interface Requantization<E extends ElementType = ElementType> {
  /** Multiplier M per output channel, integers 0..MAX_MULTIPLIER. */
  readonly multipliers: ArrayLike<number>;
  /** Shift s per output channel, integers 0..MAX_SHIFT. */
  readonly shifts: ArrayLike<number>;
  /** Inclusive lower clamp (0 makes the layer a ReLU); within the output type's range. */
  readonly lo: number;
  /** Inclusive upper clamp, >= lo; within the output type's range. */
  readonly hi: number;
  /** Element type written: 'int16' for activations, 'int32' for wide results (translations, prior parameters). */
  readonly output: E;
}

/** A validated Requantization with typed per-channel arrays. */
export interface CheckedRequantization<E extends ElementType = ElementType> extends Requantization<E> {
  readonly multipliers: Int32Array;
  readonly shifts: Int32Array;
}

/** The inclusive value range of an element type. */
export function rangeOf(type: ElementType): { min: number; max: number } {
  return type === 'int16' ? { min: INT16_MIN, max: INT16_MAX } : { min: INT32_MIN, max: INT32_MAX };
}

/**
 * Requantises one accumulator: the defining formula, exact in doubles within the documented bounds.
 * @param acc int32 accumulator (bias already added)
 * @param multiplier M, 0..MAX_MULTIPLIER
 * @param shift s, 0..MAX_SHIFT
 * @param lo inclusive lower clamp
 * @param hi inclusive upper clamp
 */
export function requantizeValue(acc: number, multiplier: number, shift: number, lo: number, hi: number): number {
  const rounded = Math.floor((acc * multiplier + (shift > 0 ? 2 ** (shift - 1) : 0)) / 2 ** shift);
  return rounded < lo ? lo : rounded > hi ? hi : rounded;
}

/**
 * Builds a requantisation with the same multiplier and shift on every channel.
 * @throws ModelError when a value is out of range (see checkRequantization)
 */
export function uniformRequantization<E extends ElementType>(channels: number, multiplier: number, shift: number,
  lo: number, hi: number, output: E): CheckedRequantization<E> {
  return checkRequantization({
    multipliers: new Int32Array(channels).fill(multiplier),
    shifts: new Int32Array(channels).fill(shift),
    lo, hi, output,
  }, channels, 'uniform requantisation');
}

/**
 * Validates a requantisation for `channels` output channels and copies it into typed arrays.
 * @param what names the layer in error messages
 * @throws ModelError when an array has the wrong length or a value is out of its range
 */
export function checkRequantization<E extends ElementType>(rq: Requantization<E>, channels: number,
  what: string): CheckedRequantization<E> {
  if (rq.output !== 'int16' && rq.output !== 'int32') {
    throw new ModelError(`${what}: requantisation output must be 'int16' or 'int32' but is ${String(rq.output)}`);
  }
  const multipliers = integerArray(rq.multipliers, channels, 0, MAX_MULTIPLIER, `${what}: multiplier`);
  const shifts = integerArray(rq.shifts, channels, 0, MAX_SHIFT, `${what}: shift`);
  const { min, max } = rangeOf(rq.output);
  if (!Number.isInteger(rq.lo) || !Number.isInteger(rq.hi) || rq.lo < min || rq.hi > max || rq.lo > rq.hi) {
    throw new ModelError(`${what}: clamp [${rq.lo}, ${rq.hi}] must be integers with ${min} <= lo <= hi <= ${max} ` +
      `for ${rq.output} output; re-export the model`);
  }
  return { multipliers, shifts, lo: rq.lo, hi: rq.hi, output: rq.output };
}

/**
 * Copies `values` into an Int32Array after checking its length and that each value is an integer in [min, max].
 * @throws ModelError otherwise
 */
export function integerArray(values: ArrayLike<number>, length: number, min: number, max: number,
  what: string): Int32Array {
  if (values.length !== length) {
    throw new ModelError(`${what}: expected ${length} values but received ${values.length}; re-export the model`);
  }
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const value = values[i]!;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ModelError(`${what}: value ${value} at index ${i} is not an integer in [${min}, ${max}]; ` +
        're-export the model');
    }
    out[i] = value;
  }
  return out;
}
