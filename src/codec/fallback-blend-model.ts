/**
 * The fallback coder's mode-3 model, which files written before mode 4 hold and which decodes forever: a blend of
 * eight simple predictors, each weighted by the inverse of its recent errors around the sample (an integer form of
 * JPEG-XL's self-correcting weighted predictor), colour differences to G for R and B, per-context bias
 * cancellation, and a scale from per-context mean residuals where the context is the local error energy.
 * Everything is integer arithmetic in raster order (doubles only ever hold integers below 2^53), so an encoder and
 * a decoder that see the same samples compute the same parameters everywhere.
 */
import { ContextStatistics } from './fallback-context-statistics.js';
import { log2Times32 } from './fallback-log-scale.js';
import { FIXED_PREDICTORS, fixedPredictions, recordPredictorErrors } from './fallback-blend-predictors.js';
import { CausalNeighbours } from './fallback-neighbours.js';
import { WEIGHT_TABLE_SIZE, weightNumerator, weightTable } from './fallback-predictor-weights.js';
import { FallbackSampleModel } from './fallback-sample-model.js';

/** Sub-predictors blended: the eight fixed ones (fallback-blend-predictors.ts). */
const PREDICTORS = FIXED_PREDICTORS;
/** Error-energy bins: 0 for none, then 1 + floor(2 log2(energy)), capped. */
const CONTEXT_BINS = 48;
/** Scale index = 32 log2(mean |residual|) + SCALE_OFFSET (tuned on photos-train and usc-sipi-misc crops). */
const SCALE_OFFSET = 115;
/** B's blend moves by RED_WEIGHT / 16 of R's signed blend error at the same pixel (both as differences to G). */
const RED_WEIGHT = 3;
/** The blend moves by -ERROR_FEEDBACK / 32 of the signed blend errors at N and W (it overshoots otherwise). */
const ERROR_FEEDBACK = 3;

/**
 * Running state of one plane group (1..4 interleaved channels of one tile) while it is coded or decoded in raster
 * order, with FallbackSampleModel's protocol.
 */
export class FallbackBlendModel extends FallbackSampleModel {
  private readonly neighbours: CausalNeighbours;
  /** Predictor weights 1 + floor(weightNumerator / (1 + e)^2), from the table below WEIGHT_TABLE_SIZE. */
  private readonly weightNumerator: number;
  private readonly weights: Float64Array;
  /** Per context (bin * channels + c): A, N, and B summing blend errors in 1/256 units. */
  private readonly statistics: ContextStatistics;
  /** Per predictor, |2 v - P| of each sample of the previous and current row (x * C + c) * PREDICTORS + i. */
  private predictorErrorsUp: Int32Array;
  private predictorErrorsRow: Int32Array;
  /** |256 v - z| (z the blend) of each sample of the previous and current row, (x * C + c). */
  private errorsUp: Int32Array;
  private errorsRow: Int32Array;
  /** 256 v - z of each sample of the previous and current row. */
  private signedUp: Int32Array;
  private signedRow: Int32Array;
  private row = 0;
  /** Twice each sub-prediction of the sample last predicted (in the channel's own domain). */
  private readonly subPredictions = new Int32Array(PREDICTORS);
  private offset = 0;
  private blendQ = 0;
  private context = 0;
  private referenceError = 0;
  private redError = 0;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   */
  constructor(width: number, channels: number, maxValue: number) {
    super(width, channels, maxValue);
    this.neighbours = new CausalNeighbours(width, channels, maxValue);
    this.weightNumerator = weightNumerator(maxValue);
    this.weights = weightTable(this.weightNumerator);
    this.statistics = new ContextStatistics(CONTEXT_BINS * channels);
    this.predictorErrorsUp = new Int32Array(width * channels * PREDICTORS);
    this.predictorErrorsRow = new Int32Array(width * channels * PREDICTORS);
    this.errorsUp = new Int32Array(width * channels);
    this.errorsRow = new Int32Array(width * channels);
    this.signedUp = new Int32Array(width * channels);
    this.signedRow = new Int32Array(width * channels);
  }

  /**
   * Computes muQ and scaleIndex for sample (x, y, c). Requires every sample before it in raster order, and G of the
   * same pixel for R and B, to be final in `samples`.
   * @param samples the group's interleaved samples (width * height * channels)
   */
  override predict(samples: Int32Array, x: number, y: number, c: number): void {
    const C = this.channels;
    const W = this.width;
    if (y !== this.row) {
      this.row = y;
      [this.predictorErrorsUp, this.predictorErrorsRow] = [this.predictorErrorsRow, this.predictorErrorsUp];
      [this.errorsUp, this.errorsRow] = [this.errorsRow, this.errorsUp];
      [this.signedUp, this.signedRow] = [this.signedRow, this.signedUp];
    }
    const nb = this.neighbours;
    nb.load(samples, x, y, c);
    const { a, b, nw, ne, index: i, reference: ref, differences: useRef } = nb;
    const sub = this.subPredictions;
    fixedPredictions(sub, samples, nb, x, y, W, C);
    // Weights from each predictor's errors at N, W, NW, NE (N and W count twice).
    const up = this.predictorErrorsUp;
    const cur = this.predictorErrorsRow;
    const s = (x * C + c) * PREDICTORS;
    const hasUp = y > 0;
    const hasLeft = x > 0;
    const hasRight = x < W - 1;
    const sC = C * PREDICTORS;
    const table = this.weights;
    let weightSum = 0;
    let weighted = 0;
    for (let k = 0; k < PREDICTORS; k++) {
      let e = 0;
      if (hasUp) {
        e += 2 * up[s + k]!;
        e += hasLeft ? up[s - sC + k]! : up[s + k]!;
        e += hasRight ? up[s + sC + k]! : up[s + k]!;
      }
      if (hasLeft) e += 2 * cur[s - sC + k]!;
      const w = e < WEIGHT_TABLE_SIZE ? table[e]! : 1 + Math.floor(this.weightNumerator / ((1 + e) * (1 + e)));
      weightSum += w;
      weighted += w * sub[k]!;
    }
    // weighted / weightSum is twice the blend; muQ carries 8 fractional bits.
    let blend = Math.floor((weighted * 128) / weightSum);
    const t = x * C + c;
    blend -= (((hasUp ? this.signedUp[t]! : 0) + (hasLeft ? this.signedRow[t - C]! : 0)) * ERROR_FEEDBACK) >> 5;
    if (useRef) blend += samples[i + ref]! * 256;
    if (c === 2 && this.colourDifferences) blend += (this.redError * RED_WEIGHT) >> 4;
    const muMax = this.maxValue * 256;
    blend = blend < 0 ? 0 : blend > muMax ? muMax : blend;
    // Context: error energy of the blend at the causal neighbours (plus the G error for R and B) and the gradients.
    const eu = this.errorsUp;
    const er = this.errorsRow;
    let energy = 0;
    if (hasUp) energy += eu[t]! + ((hasLeft ? eu[t - C]! : eu[t]!) >> 1) + ((hasRight ? eu[t + C]! : eu[t]!) >> 1);
    if (hasLeft) energy += er[t - C]!;
    if (useRef) energy += this.referenceError;
    energy += (Math.abs(ne - b) + Math.abs(b - nw) + Math.abs(nw - a)) * 128;
    energy = (energy + 64) >> 7;
    let bin = energy === 0 ? 0 : 1 + ((log2Times32(energy) * 2) >> 5);
    if (bin >= CONTEXT_BINS) bin = CONTEXT_BINS - 1;
    const q = bin * C + c;
    let mu = blend + this.statistics.bias(q, 1);
    mu = mu < 0 ? 0 : mu > muMax ? muMax : mu;
    this.offset = useRef ? samples[i + ref]! : 0;
    this.blendQ = blend;
    this.context = q;
    this.muQ = mu;
    this.scaleIndex = this.statistics.scaleIndex(q, SCALE_OFFSET);
  }

  /** Records the value of the sample last predicted (x, c as given to predict). */
  override update(value: number, x: number, c: number): void {
    const C = this.channels;
    recordPredictorErrors(this.predictorErrorsRow, (x * C + c) * PREDICTORS, this.subPredictions, 2 * (value - this.offset), PREDICTORS);
    const e = value * 256 - this.blendQ;
    const absE = e < 0 ? -e : e;
    this.errorsRow[x * C + c] = absE;
    this.signedRow[x * C + c] = e;
    if (this.colourDifferences && c === 1) this.referenceError = absE;
    if (this.colourDifferences && c === 0) this.redError = e;
    const corrected = value * 256 - this.muQ;
    this.statistics.record(this.context, corrected < 0 ? -corrected : corrected, e);
  }
}
