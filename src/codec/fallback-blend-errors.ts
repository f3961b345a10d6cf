/**
 * The blend errors of mode 4's rules (PAYLOAD.md), which mode 5 and later modes keep through this class: 256 v - z
 * (z the blend after the error stage) of each sample of the previous and current row, G's and R's at the current
 * pixel, the scale context's error-energy bin built from them, and the error stage's first eight inputs. Mode 4's
 * own model keeps an inline copy: through this class and BlendContexts it ran 6% slower (V8's inlining budget).
 * Invariant: integer-only, and it reads only errors of samples before the current one in coding order.
 */
import { logBin } from './fallback-log-scale.js';
import type { CausalNeighbours } from './fallback-neighbours.js';

/** Error-energy bins: 0 for none, then 1 + floor(2 log2(energy)), capped. */
export const ENERGY_BINS = 48;
/** Error stage inputs this class writes (the signed errors at N, W, NW, NE, of G and R at the pixel, WW, NEE). */
export const BLEND_ERROR_INPUTS = 8;

/** The blend errors of one plane group, row by row, with the contexts and inputs mode 4 derives from them. */
export class BlendErrors {
  /** 256 v - z of G and of R (as differences to G) at the current pixel, for three-channel groups. */
  greenError = 0;
  redError = 0;
  /** The signed errors at N and W of the sample last given to load (0 outside the tile). */
  north = 0;
  west = 0;
  private readonly width: number;
  private readonly channels: number;
  private readonly colourDifferences: boolean;
  /** |256 v - z| and 256 v - z of each sample of the previous and current row, x * C + c. */
  private absUp: Int32Array;
  private absRow: Int32Array;
  private signedUp: Int32Array;
  private signedRow: Int32Array;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4 (3 codes R and B as differences to G)
   */
  constructor(width: number, channels: number) {
    this.width = width;
    this.channels = channels;
    this.colourDifferences = channels === 3;
    this.absUp = new Int32Array(width * channels);
    this.absRow = new Int32Array(width * channels);
    this.signedUp = new Int32Array(width * channels);
    this.signedRow = new Int32Array(width * channels);
  }

  /** Makes the current row the previous one (call before the first sample of each row after the first). */
  nextRow(): void {
    [this.absUp, this.absRow] = [this.absRow, this.absUp];
    [this.signedUp, this.signedRow] = [this.signedRow, this.signedUp];
  }

  /**
   * Reads the errors around sample (x, y, c), whose neighbours `nb` holds: writes the error stage's inputs 0..7
   * into q (1/16 units, 0 where missing: the signed errors at N, W, NW, NE, of G and of R at the pixel, at WW and
   * at NEE), keeps those at N and W in north and west, and returns the scale context's energy bin: the blend error
   * energy around the sample (N, W, half of NW, NE and WW), G's (and half R's) at the pixel for R and B, 24 times
   * the best predictor's error sum, 64 times the gradients, then (energy + 64) >> 7 into logBin(., ENERGY_BINS).
   * One call per sample on purpose: split in two, V8 stopped inlining the models' other helpers (+6-20%).
   * @param minError the smallest predictor error sum of the blend
   */
  load(q: Int32Array, nb: CausalNeighbours, x: number, y: number, c: number, minError: number): number {
    const C = this.channels;
    const t = x * C + c;
    const hasUp = y > 0;
    const hasLeft = x > 0;
    const hasRight = x < this.width - 1;
    const differences = nb.differences;
    const eu = this.absUp;
    const er = this.absRow;
    let energy = 0;
    if (hasUp) energy += eu[t]! + ((hasLeft ? eu[t - C]! : eu[t]!) >> 1) + ((hasRight ? eu[t + C]! : eu[t]!) >> 1);
    if (hasLeft) energy += er[t - C]!;
    if (x > 1) energy += er[t - 2 * C]! >> 1;
    if (differences) energy += this.greenError < 0 ? -this.greenError : this.greenError;
    if (differences && c === 2) energy += (this.redError < 0 ? -this.redError : this.redError) >> 1;
    if (hasUp || hasLeft) energy += minError * 24;
    energy += (Math.abs(nb.ne - nb.b) + Math.abs(nb.b - nb.nw) + Math.abs(nb.nw - nb.a)) * 64;
    const north = hasUp ? this.signedUp[t]! : 0;
    const west = hasLeft ? this.signedRow[t - C]! : 0;
    this.north = north;
    this.west = west;
    q[0] = north >> 4;
    q[1] = west >> 4;
    q[2] = hasUp && hasLeft ? this.signedUp[t - C]! >> 4 : 0;
    q[3] = hasUp && hasRight ? this.signedUp[t + C]! >> 4 : 0;
    q[4] = differences ? this.greenError >> 4 : 0;
    q[5] = differences && c === 2 ? this.redError >> 4 : 0;
    q[6] = x > 1 ? this.signedRow[t - 2 * C]! >> 4 : 0;
    q[7] = hasUp && x < this.width - 2 ? this.signedUp[t + 2 * C]! >> 4 : 0;
    return logBin((energy + 64) >> 7, ENERGY_BINS);
  }

  /** Records e = 256 v - z of sample (x, c) of the current row. */
  record(x: number, c: number, e: number): void {
    const t = x * this.channels + c;
    this.absRow[t] = e < 0 ? -e : e;
    this.signedRow[t] = e;
    if (this.colourDifferences && c === 1) this.greenError = e;
    if (this.colourDifferences && c === 0) this.redError = e;
  }
}
