/**
 * The running hash of every decoded symbol that the rANS final-state check covers. The encoder starts lane 0 at
 * STATE_LOWER + h0 and lane 1 at STATE_LOWER + h1 (two 32-bit hashes of all symbols in decode order), and the
 * decoder expects to end there. This catches damage that rANS alone passes through unchanged, such as a flipped
 * bit inside a raw (power-of-two uniform) field, whose bits the coder stores verbatim. Changing any one symbol
 * always changes both hashes (each step is a bijection of the hash and injective in the symbol).
 */

/** Initial value of hash 0. */
export const HASH0_SEED = 0x243f6a88;
/** Initial value of hash 1. */
export const HASH1_SEED = 0x85a308d3;

/** One step of hash 0 over an int32 symbol (or any integer representable in 32 bits). */
export function hashStep0(h: number, x: number): number {
  const v = h ^ x;
  return Math.imul((v << 5) | (v >>> 27), 0x9e3779b1);
}

/** One step of hash 1 (different rotation and multiplier, so the two hashes fail independently). */
export function hashStep1(h: number, x: number): number {
  const v = h ^ x;
  return Math.imul((v << 13) | (v >>> 19), 0x85ebca77);
}

/** Hash 0 and 1 of a whole array, continuing from (h0, h1); returns [h0, h1]. */
export function hashSymbols(h0: number, h1: number, symbols: ArrayLike<number>): [number, number] {
  for (let i = 0; i < symbols.length; i++) {
    h0 = hashStep0(h0, symbols[i]!);
    h1 = hashStep1(h1, symbols[i]!);
  }
  return [h0, h1];
}
