/**
 * Parsers for command-line option values. Each throws a UsageError in the house form:
 * `Expected an integer 1..16 for --threads but received "x"`.
 */
import { UsageError } from '../core/errors.js';

/** Returns a commander argParser for an integer in [min, max]. */
export function integerIn(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new UsageError(`Expected an integer ${min}..${max} for ${option} but received "${value}"`);
    }
    return parsed;
  };
}

/** Returns a commander argParser for a finite number in (min, max] (exclusive minimum). */
export function numberAbove(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= min || parsed > max) {
      throw new UsageError(`Expected a number in (${min}, ${max}] for ${option} but received "${value}"`);
    }
    return parsed;
  };
}

/** Returns a commander argParser for a finite number in [min, max]. */
export function numberIn(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min || parsed > max) throw new UsageError(`Expected a number in [${min}, ${max}] for ${option} but received "${value}"`);
    return parsed;
  };
}

/** Returns a commander argParser for a finite number >= min. */
export function numberAtLeast(option: string, min: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed < min) throw new UsageError(`Expected a number >= ${min} for ${option} but received "${value}"`);
    return parsed;
  };
}
