/**
 * A small seeded pseudo-random generator (mulberry32) for dataset splits, crops and flips. Invariant: the stream of
 * numbers depends only on the seed, on every machine and Node version (32-bit integer arithmetic only), so a
 * validation split or a crop schedule can be reproduced from its seed alone. Not for cryptography.
 */

/** Deterministic generator of 32-bit integers from a seed. */
export class SeededRandom {
  private state: number;

  /**
   * @param seed any integer; only its low 32 bits matter
   * @throws RangeError when `seed` is not a safe integer (a caller bug)
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, received ${seed}`);
    this.state = seed >>> 0;
  }

  /** The next value, uniform in 0..2^32-1. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * A uniform integer in 0..n-1, without modulo bias (rejection sampling).
   * @param n 1..2^32
   * @throws RangeError when `n` is out of range (a caller bug)
   */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`below(n) needs 1 <= n <= 2^32, received ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % n;
    }
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = order[i]!;
      order[i] = order[j]!;
      order[j] = tmp;
    }
    return order;
  }
}
