/**
 * The error-weighted blend of sub-predictors that fallback modes 3 and 4 share (an integer form of JPEG-XL's
 * self-correcting weighted predictor): the fixed sub-predictions P0..P7 of a sample, weights from each predictor's
 * recent errors around it, their blend z0, and the row memories of predictor errors and of the mode's final blend
 * errors that later samples read. Formulas in PAYLOAD.md (mode 3). Invariant: integer arithmetic in raster order
 * (doubles only hold integers below 2^53), no allocation per sample.
 */
import { CausalNeighbours } from './fallback-neighbours.js';

/** Sub-predictors every blend has: MED, gradient, W + NE - N, N, W, (W + NE) / 2, and two more (see `start`). */
export const FIXED_PREDICTORS = 8;
/** Numerator of a predictor's weight, 1 + floor(2^WEIGHT_BITS / (1 + its error sum)^2), for 8-bit samples. */
const WEIGHT_BITS = 30;
/** The same for 16-bit samples (smaller, so that every weighted sum stays an exact integer below 2^53). */
const WEIGHT_BITS_16 = 22;
/** Predictor weights for error sums below WEIGHT_TABLE_SIZE come from a table (the hot division). */
const WEIGHT_TABLE_SIZE = 8192;
const weightTables = new Map<number, Float64Array>();

/** The weights 1 + floor(numerator / (1 + e)^2) for e = 0..WEIGHT_TABLE_SIZE - 1, built once per numerator. */
function weightTable(numerator: number): Float64Array {
  let table = weightTables.get(numerator);
  if (!table) {
    table = Float64Array.from({ length: WEIGHT_TABLE_SIZE }, (_, e) => 1 + Math.floor(numerator / ((1 + e) * (1 + e))));
    weightTables.set(numerator, table);
  }
  return table;
}

/**
 * Blend state of one plane group. Per sample: `start` (neighbours and P0..P7), the mode sets any further
 * sub-predictions, `blend` gives z0, the mode finishes its prediction; once the value is known, `record` stores the
 * errors.
 */
export class PredictorBlend {
  /** The neighbours of the sample last started. */
  readonly neighbours: CausalNeighbours;
  /** Twice each sub-prediction of the sample last started, in its domain: P0..P7 from `start`, then the mode's own. */
  readonly predictions: Int32Array;
  /** What the started sample's domain subtracts: G of its pixel for R and B of a three-channel group, else 0. */
  offset = 0;
  /** The smallest predictor error sum S_i of the last blend (0 where no neighbour has errors yet). */
  minErrorSum = 0;
  /** |256 v - z| (z the mode's final blend) per sample of the previous row, at x * channels + c (read only). */
  errorsUp: Int32Array;
  /** The same for the current row, before x. */
  errorsRow: Int32Array;
  /** 256 v - z per sample of the previous row (read only). */
  signedUp: Int32Array;
  /** The same for the current row, before x. */
  signedRow: Int32Array;

  private readonly weightNumerator: number;
  private readonly weights: Float64Array;
  /** Per predictor, |2 v - P| of each sample of the previous and current row, (x * C + c) * predictors + i. */
  private predictorErrorsUp: Int32Array;
  private predictorErrorsRow: Int32Array;
  private row = 0;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   * @param predictors sub-predictors blended, >= FIXED_PREDICTORS (the mode's own come after P0..P7)
   */
  constructor(
    private readonly width: number,
    private readonly channels: number,
    maxValue: number,
    private readonly predictors: number,
  ) {
    this.neighbours = new CausalNeighbours(width, channels, maxValue);
    this.predictions = new Int32Array(predictors);
    this.weightNumerator = 2 ** (maxValue > 255 ? WEIGHT_BITS_16 : WEIGHT_BITS);
    this.weights = weightTable(this.weightNumerator);
    this.predictorErrorsUp = new Int32Array(width * channels * predictors);
    this.predictorErrorsRow = new Int32Array(width * channels * predictors);
    this.errorsUp = new Int32Array(width * channels);
    this.errorsRow = new Int32Array(width * channels);
    this.signedUp = new Int32Array(width * channels);
    this.signedRow = new Int32Array(width * channels);
  }

  /**
   * Starts sample (x, y, c): moves the row memories on at a new row, loads the neighbours and sets P0..P7.
   * @param samples the group's interleaved samples, every sample before (x, y, c) in coding order final
   */
  start(samples: Int32Array, x: number, y: number, c: number): void {
    if (y !== this.row) {
      this.row = y;
      [this.predictorErrorsUp, this.predictorErrorsRow] = [this.predictorErrorsRow, this.predictorErrorsUp];
      [this.errorsUp, this.errorsRow] = [this.errorsRow, this.errorsUp];
      [this.signedUp, this.signedRow] = [this.signedRow, this.signedUp];
    }
    const nb = this.neighbours;
    nb.load(samples, x, y, c);
    this.offset = nb.referenceValue(samples);
    const { a, b, nw, ne } = nb;
    const sub = this.predictions;
    sub[0] = 2 * nb.median();
    sub[1] = 2 * (a + b - nw);
    sub[2] = 2 * (a + ne - b);
    sub[3] = 2 * b;
    sub[4] = 2 * a;
    sub[5] = a + ne;
    // R and B: MED and gradient of the plain channel (less G), for where colour differences predict worse.
    if (nb.differences && y > 0 && x > 0) {
      const C = this.channels;
      const i = nb.index;
      const g = this.offset;
      const pa = samples[i - C]!;
      const pb = samples[i - this.width * C]!;
      const pnw = samples[i - this.width * C - C]!;
      const ph = pa > pb ? pa : pb;
      const pl = pa > pb ? pb : pa;
      sub[6] = 2 * ((pnw >= ph ? pl : pnw <= pl ? ph : pa + pb - pnw) - g);
      sub[7] = 2 * (pa + pb - pnw - g);
    } else {
      sub[6] = 2 * ne;
      sub[7] = b + nw;
    }
  }

  /**
   * The blend z0 = floor(128 (sum of w_i P_i) / (sum of w_i)) of the started sample (8 fractional bits), with
   * w_i from predictor i's errors at N, W, NW, NE (N and W count twice); sets minErrorSum.
   */
  blend(x: number, y: number, c: number): number {
    const n = this.predictors;
    const up = this.predictorErrorsUp;
    const cur = this.predictorErrorsRow;
    const s = (x * this.channels + c) * n;
    const hasUp = y > 0;
    const hasLeft = x > 0;
    const hasRight = x < this.width - 1;
    const sC = this.channels * n;
    const sub = this.predictions;
    const table = this.weights;
    let weightSum = 0;
    let weighted = 0;
    let minError = 0;
    for (let k = 0; k < n; k++) {
      let e = 0;
      if (hasUp) {
        e += 2 * up[s + k]!;
        e += hasLeft ? up[s - sC + k]! : up[s + k]!;
        e += hasRight ? up[s + sC + k]! : up[s + k]!;
      }
      if (hasLeft) e += 2 * cur[s - sC + k]!;
      if (k === 0 || e < minError) minError = e;
      const w = e < WEIGHT_TABLE_SIZE ? table[e]! : 1 + Math.floor(this.weightNumerator / ((1 + e) * (1 + e)));
      weightSum += w;
      weighted += w * sub[k]!;
    }
    this.minErrorSum = minError;
    return Math.floor((weighted * 128) / weightSum);
  }

  /**
   * D(up) + floor(D(up-left) / 2) + floor(D(up-right) / 2) (when y > 0; a missing one uses D(up)) + D(left) (when
   * x > 0), D the stored |blend error| of the same channel: the start of both modes' context energy.
   */
  neighbourErrorEnergy(x: number, y: number, c: number): number {
    const C = this.channels;
    const t = x * C + c;
    const eu = this.errorsUp;
    let energy = 0;
    if (y > 0) energy += eu[t]! + ((x > 0 ? eu[t - C]! : eu[t]!) >> 1) + ((x < this.width - 1 ? eu[t + C]! : eu[t]!) >> 1);
    if (x > 0) energy += this.errorsRow[t - C]!;
    return energy;
  }

  /**
   * Records the started sample's value: each predictor's error |2 (value - offset) - P_i| and the final blend's
   * error d = 256 value - z (and |d|).
   * @param z the mode's final blend of the sample (8 fractional bits, with G added back, clamped)
   * @returns d
   */
  record(value: number, z: number, x: number, c: number): number {
    const n = this.predictors;
    const v2 = 2 * (value - this.offset);
    const sub = this.predictions;
    const t = x * this.channels + c;
    const s = t * n;
    const cur = this.predictorErrorsRow;
    for (let k = 0; k < n; k++) {
      const d = v2 - sub[k]!;
      cur[s + k] = d < 0 ? -d : d;
    }
    const e = value * 256 - z;
    this.errorsRow[t] = e < 0 ? -e : e;
    this.signedRow[t] = e;
    return e;
  }
}
