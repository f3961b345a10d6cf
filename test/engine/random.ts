/**
 * Seeded random numbers for the engine tests (mulberry32), so every random shape and value is reproducible from the
 * seed printed in a failing test's name.
 */

/** A generator of uniform doubles in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A uniform integer in [lo, hi] (inclusive). */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/** Fills a typed array with uniform integers in [lo, hi]. */
export function fillRandom<A extends Int8Array | Int16Array | Int32Array>(array: A, random: () => number, lo: number,
  hi: number): A {
  for (let i = 0; i < array.length; i++) array[i] = randomInt(random, lo, hi);
  return array;
}
