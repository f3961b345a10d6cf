/**
 * A small seeded pseudo-random generator (mulberry32) for reproducible tests, benchmarks and data shuffles: the same
 * seed gives the same sequence on every machine. Not for anything that needs unpredictability.
 */

/** A reproducible stream of pseudo-random numbers. */
export class SeededRandom {
  private state: number;

  /** @param seed any integer; only its low 32 bits are used */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform double in the open interval (0, 1): never exactly 0 or 1, so log(u) and logit(u) are finite. */
  next(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /**
   * A uniform integer in [min, max].
   * @param min smallest value (integer)
   * @param max largest value (integer, max - min < 2^32)
   */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
}
