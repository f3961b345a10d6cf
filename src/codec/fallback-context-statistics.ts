/**
 * Running per-context residual statistics of the fallback modes (1, 3 and 4): A, the sum of |residual| (1/256
 * units, starts at 1024), B, the sum of signed errors (starts at 0), and N, the count (starts at 1), halved when N
 * reaches 128 so that they follow the image. They give a context's scale index and its bias. Invariant: every
 * stored value is an integer below 2^53 (doubles hold them exactly), so both ends of a stream agree everywhere.
 */
import { meanAbsScaleIndex } from './fallback-log-scale.js';

/** Statistics halve when a context has seen this many samples. */
const HALVE_AT = 128;
/** Initial statistics of a context: a mean |residual| of 4 from one pretend sample. */
const INITIAL_ABS = 4;

/** A, B and N of each of a fixed number of contexts (PAYLOAD.md's "Statistics"). */
export class ContextStatistics {
  private readonly sumAbs: Float64Array;
  private readonly sumSigned: Float64Array;
  private readonly count: Int32Array;

  /** @param contexts the number of contexts, >= 1 */
  constructor(contexts: number) {
    this.sumAbs = new Float64Array(contexts).fill(INITIAL_ABS * 256);
    this.sumSigned = new Float64Array(contexts);
    this.count = new Int32Array(contexts).fill(1);
  }

  /**
   * Context q's scale index: meanAbsScaleIndex(floor(A / N), scaleOffset).
   * @param q the context, 0..contexts - 1
   * @param scaleOffset the mode's offset (see meanAbsScaleIndex)
   */
  scaleIndex(q: number, scaleOffset: number): number {
    return meanAbsScaleIndex(Math.floor(this.sumAbs[q]! / this.count[q]!), scaleOffset);
  }

  /**
   * Context q's bias floor(unit * B / N): in 1/256 units when B sums errors in 1/256 units (unit 1, modes 3 and 4)
   * or in sample units (unit 256, mode 1).
   * @param q the context, 0..contexts - 1
   */
  bias(q: number, unit: number): number {
    return Math.floor((this.sumSigned[q]! * unit) / this.count[q]!);
  }

  /**
   * Adds a sample to context q: A += absResidual, B += signedError, N += 1; at N = 128, A and N halve (floor) and
   * B halves toward zero.
   * @param absResidual |256 value - mu|, an integer >= 0
   * @param signedError the error B sums, an integer
   */
  record(q: number, absResidual: number, signedError: number): void {
    this.sumAbs[q]! += absResidual;
    this.sumSigned[q]! += signedError;
    if (++this.count[q]! >= HALVE_AT) {
      this.sumAbs[q] = Math.floor(this.sumAbs[q]! / 2);
      const s = this.sumSigned[q]!;
      this.sumSigned[q] = s >= 0 ? Math.floor(s / 2) : -Math.floor(-s / 2);
      this.count[q]! >>= 1;
    }
  }

  /** Adds a sample to context q whose B is never read (mode 4's scale contexts): A += absResidual, N += 1. */
  recordAbs(q: number, absResidual: number): void {
    this.sumAbs[q]! += absResidual;
    if (++this.count[q]! >= HALVE_AT) {
      this.sumAbs[q] = Math.floor(this.sumAbs[q]! / 2);
      this.count[q]! >>= 1;
    }
  }
}
