/**
 * Integer logistic mixing of binary predictions, the technique of PAQ-style context mixing (M. Mahoney's lpaq1 and
 * paq8 describe it: squash by interpolating a table of the logistic, stretch as its exact inverse, a gated linear
 * mixer in the stretched domain trained online by err x input): the two tables and the mixer. Every value is an
 * integer and every update exact, so an encoder and a decoder making the same calls agree bit for bit.
 * Invariant: squash(x) in 1..4095 for all x; stretch(p) in -2047..2047; weights stay in -2^19..2^19.
 */

/**
 * squash(x) at x = -2048, -1920, ..., 2048 (x in 1/256 logit units, results in 1/4096): 4096 / (1 + e^(-x / 256))
 * rounded to the nearest integer (test/entropy/logistic-mixer.test.ts recomputes every point), so that
 * squash(x) + squash(-x) = 4096 at every point.
 */
const SQUASH_POINTS = [
  1, 2, 4, 6, 10, 17, 27, 45, 74, 120, 194, 311, 488, 747, 1102, 1546, 2048, 2550, 2994, 3349, 3608, 3785, 3902,
  3976, 4022, 4051, 4069, 4079, 4086, 4090, 4092, 4094, 4095
];

/**
 * 4096 / (1 + e^(-x / 256)) in integers: linear between SQUASH_POINTS, clamped to 1..4095.
 * @param x any integer (the logit in 1/256 units; beyond +-2047 saturates)
 * @returns p in 1..4095 (1/4096 units)
 */
export function squash(x: number): number {
  if (x > 2047) return 4095;
  if (x < -2047) return 1;
  const w = x & 127;
  const i = (x >> 7) + 16;
  const p = (SQUASH_POINTS[i]! * (128 - w) + SQUASH_POINTS[i + 1]! * w + 64) >> 7;
  return p < 1 ? 1 : p > 4095 ? 4095 : p;
}

/** STRETCH[p] for p = 0..4095: the smallest x in -2047..2047 with squash(x) >= p (2047 when none). */
const STRETCH = (() => {
  const table = new Int16Array(4096);
  let next = 0;
  for (let x = -2047; x <= 2047; x++) {
    const v = squash(x);
    for (let p = next; p <= v; p++) table[p] = x;
    next = v + 1;
  }
  for (let p = next; p < 4096; p++) table[p] = 2047;
  return table;
})();

/**
 * ln(p / (1 - p)) x 256 in integers, the inverse of squash.
 * @param p 0..4095 (1/4096 units)
 * @returns -2047..2047
 */
export function stretch(p: number): number {
  return STRETCH[p]!;
}

/** Largest weight magnitude (16 fractional bits: 2^16 = 1.0). */
const WEIGHT_LIMIT = 1 << 19;

/**
 * A mixer of `inputs` stretched predictions with one weight vector per selector value: p = squash(floor(sum w_i s_i
 * / 2^16)); after the bit y, w_i += floor(s_i x floor(((4096 y - p) x rate) / 16) / 1024), clamped to +-2^19.
 */
export class LogisticMixer {
  private readonly weights: Int32Array;
  private readonly inputs: Int32Array;
  private count = 0;
  private base = 0;
  private p = 2048;

  /**
   * @param inputs inputs per prediction, 1..64
   * @param selectors weight vectors, 1..2^20
   * @param initialWeight every weight's start (16 fractional bits), |w| <= 2^19
   * @param rate learning rate, 1..64
   */
  constructor(inputs: number, selectors: number, initialWeight: number, private readonly rate: number) {
    this.inputs = new Int32Array(inputs);
    this.weights = new Int32Array(inputs * selectors).fill(initialWeight);
  }

  /** Sets the next input (a stretched probability, -2047..2047); call once per input, in order, before mix(). */
  add(stretched: number): void {
    this.inputs[this.count++] = stretched;
  }

  /**
   * Mixes the inputs added since the last update with the weights of `selector`.
   * @param selector 0..selectors-1
   * @returns p1 in 1..4095 (1/4096)
   */
  mix(selector: number): number {
    this.base = selector * this.inputs.length;
    let dot = 0;
    for (let i = 0; i < this.count; i++) dot += this.weights[this.base + i]! * this.inputs[i]!;
    this.p = squash(Math.floor(dot / 65536));
    return this.p;
  }

  /** Trains the weights mix() used toward the bit that came (0 or 1) and clears the inputs. */
  update(bit: number): void {
    const err = Math.floor((((bit << 12) - this.p) * this.rate) / 16);
    for (let i = 0; i < this.count; i++) {
      const at = this.base + i;
      const w = this.weights[at]! + Math.floor((this.inputs[i]! * err) / 1024);
      this.weights[at] = w > WEIGHT_LIMIT ? WEIGHT_LIMIT : w < -WEIGHT_LIMIT ? -WEIGHT_LIMIT : w;
    }
    this.count = 0;
  }
}
