/**
 * The fallback coder's mode-4 model (what the encoder writes): mode 3's blend of predictors weighted by their recent
 * errors, plus an adaptive (NLMS) linear predictor in the blend, an NLMS stage that corrects the blend from the
 * signed errors around the sample and, for R and B, from G's (and R's) error at the same pixel, CALIC-style bias
 * cancellation per texture pattern, and a scale from two contexts (the error energy, which includes the best
 * predictor's recent error, and the bias context). Everything is integer arithmetic in raster order (doubles only
 * ever hold integers below 2^52), so an encoder and a decoder that see the same samples compute the same
 * parameters everywhere. Byte-exact rules in PAYLOAD.md.
 */
import { ContextStatistics } from './fallback-context-statistics.js';
import { log2Times32 } from './fallback-log-scale.js';
import { FIXED_PREDICTORS, fixedPredictions, recordPredictorErrors } from './fallback-blend-predictors.js';
import { CausalNeighbours } from './fallback-neighbours.js';
import { WEIGHT_TABLE_SIZE, weightNumerator, weightTable } from './fallback-predictor-weights.js';
import { FallbackSampleModel } from './fallback-sample-model.js';

/** Sub-predictors blended: the eight fixed ones (fallback-blend-predictors.ts) and the NLMS predictor, the last. */
const PREDICTORS = FIXED_PREDICTORS + 1;
/** Error-energy bins: 0 for none, then 1 + floor(2 log2(energy)), capped. */
const CONTEXT_BINS = 48;
/** Scale index = 32 log2(mean |residual|) + SCALE_OFFSET. */
const SCALE_OFFSET = 115;
/** The NLMS predictor's inputs (N, NW, NE, WW, NN, NNE, each less W) and their initial weights (1/4096 units). */
const LMS_INPUTS = 6;
const LMS_INITIAL = [2048, -1024, 1024, 0, 0, 0];
/** Bound of an NLMS weight (1/4096 units). */
const LMS_WEIGHT_MAX = 2 ** 17;
/** The error stage's inputs (signed errors at N, W, NW, NE, of G and of R at the pixel, at WW, at NEE). */
const ERROR_INPUTS = 8;
const ERROR_INITIAL = [-384, -384, 0, 0, 0, 768, 0, 0];
/** Bound of an error-stage weight (1/4096 units). */
const ERROR_WEIGHT_MAX = 2 ** 16;
/** Bound of an NLMS step factor, so that step * input stays below 2^52. */
const STEP_MAX = 2 ** 31;
/** Bias contexts per channel: 16 texture patterns times 4 energy levels. */
const BIAS_CONTEXTS = 64;

function clamp(v: number, max: number): number {
  return v < -max ? -max : v > max ? max : v;
}

/**
 * Running state of one plane group (1..4 interleaved channels of one tile) while it is coded or decoded in raster
 * order, with FallbackSampleModel's protocol.
 */
export class FallbackLmsModel extends FallbackSampleModel {
  private readonly neighbours: CausalNeighbours;
  /** Predictor weights 1 + floor(weightNumerator / (1 + e)^2), from the table below WEIGHT_TABLE_SIZE. */
  private readonly weightNumerator: number;
  private readonly weights: Float64Array;
  /** Scale contexts (bin * channels + c): A and N. */
  private readonly scaleStatistics: ContextStatistics;
  /** Bias contexts ((pattern * 4 + level) * channels + c): B (blend errors, 1/256 units), A2 and M. */
  private readonly biasStatistics: ContextStatistics;
  /** Per predictor, |2 v - P| of each sample of the previous and current row, (x * C + c) * PREDICTORS + i. */
  private predictorErrorsUp: Int32Array;
  private predictorErrorsRow: Int32Array;
  /** |256 v - z| (z the final blend) of each sample of the previous and current row, (x * C + c). */
  private errorsUp: Int32Array;
  private errorsRow: Int32Array;
  /** 256 v - z of each sample of the previous and current row. */
  private signedUp: Int32Array;
  private signedRow: Int32Array;
  private row = 0;
  /** Twice each sub-prediction of the sample last predicted (in the channel's own domain). */
  private readonly subPredictions = new Int32Array(PREDICTORS);
  /** NLMS predictor: weights per channel, the inputs and sum of the sample last predicted. */
  private readonly lmsWeights: Float64Array;
  private readonly lmsInputs = new Int32Array(LMS_INPUTS);
  private lmsActive = false;
  private lmsSum = 0;
  private lmsLeft = 0;
  /** Error stage: weights per channel, the inputs, the blend before it and its correction. */
  private readonly errorWeights: Float64Array;
  private readonly errorInputs = new Int32Array(ERROR_INPUTS);
  private errorBase = 0;
  private errorSet = 0;
  private errorCorrection = 0;
  private offset = 0;
  private blendQ = 0;
  private context = 0;
  private biasContext = 0;
  private greenError = 0;
  private redError = 0;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   */
  constructor(width: number, channels: number, maxValue: number) {
    super(width, channels, maxValue);
    this.scaleStatistics = new ContextStatistics(CONTEXT_BINS * channels);
    this.biasStatistics = new ContextStatistics(BIAS_CONTEXTS * channels);
    this.neighbours = new CausalNeighbours(width, channels, maxValue);
    this.weightNumerator = weightNumerator(maxValue);
    this.weights = weightTable(this.weightNumerator);
    this.lmsWeights = Float64Array.from({ length: LMS_INPUTS * channels }, (_, k) => LMS_INITIAL[k % LMS_INPUTS]!);
    this.errorWeights = Float64Array.from({ length: ERROR_INPUTS * 3 * channels }, (_, k) => ERROR_INITIAL[k % ERROR_INPUTS]!);
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
    // NLMS predictor: W plus weighted differences of six neighbours to W.
    this.lmsActive = y >= 2 && x >= 2 && x < W - 1;
    if (this.lmsActive) {
      const d = this.lmsInputs;
      const up2 = i - 2 * W * C;
      d[0] = b - a;
      d[1] = nw - a;
      d[2] = ne - a;
      d[3] = samples[i - 2 * C]! - (useRef ? samples[i - 2 * C + ref]! : 0) - a;
      d[4] = samples[up2]! - (useRef ? samples[up2 + ref]! : 0) - a;
      d[5] = samples[up2 + C]! - (useRef ? samples[up2 + C + ref]! : 0) - a;
      const w = this.lmsWeights;
      const o = c * LMS_INPUTS;
      let sum = 0;
      for (let k = 0; k < LMS_INPUTS; k++) sum += w[o + k]! * d[k]!;
      this.lmsSum = sum;
      this.lmsLeft = a;
      sub[8] = clamp(2 * a + Math.floor(sum * 2 ** -11), 2 * this.maxValue);
    } else {
      sub[8] = sub[0]!;
    }
    // Weights from each predictor's errors at N, W, NW, NE (N and W count twice).
    const up = this.predictorErrorsUp;
    const cur = this.predictorErrorsRow;
    const s = (x * C + c) * PREDICTORS;
    const hasUp = y > 0;
    const hasLeft = x > 0;
    const hasRight = x < W - 1;
    const sC = C * PREDICTORS;
    let weightSum = 0;
    let weighted = 0;
    let minError = 0;
    const table = this.weights;
    for (let k = 0; k < PREDICTORS; k++) {
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
    let blend = Math.floor((weighted * 128) / weightSum);
    const t = x * C + c;
    // Scale context: error energy of the blend around the sample, of G (and R) at the pixel, the best predictor's
    // error sum and the gradients.
    const eu = this.errorsUp;
    const er = this.errorsRow;
    let energy = 0;
    if (hasUp) energy += eu[t]! + ((hasLeft ? eu[t - C]! : eu[t]!) >> 1) + ((hasRight ? eu[t + C]! : eu[t]!) >> 1);
    if (hasLeft) energy += er[t - C]!;
    if (x > 1) energy += er[t - 2 * C]! >> 1;
    if (useRef) energy += this.greenError < 0 ? -this.greenError : this.greenError;
    if (useRef && c === 2) energy += (this.redError < 0 ? -this.redError : this.redError) >> 1;
    if (hasUp || hasLeft) energy += minError * 24;
    energy += (Math.abs(ne - b) + Math.abs(b - nw) + Math.abs(nw - a)) * 64;
    energy = (energy + 64) >> 7;
    let bin = energy === 0 ? 0 : 1 + ((log2Times32(energy) * 2) >> 5);
    if (bin >= CONTEXT_BINS) bin = CONTEXT_BINS - 1;
    // Error stage: NLMS over the signed blend errors around the sample (1/16 units), weights per channel and
    // energy group.
    const q2 = this.errorInputs;
    q2[0] = hasUp ? this.signedUp[t]! >> 4 : 0;
    q2[1] = hasLeft ? this.signedRow[t - C]! >> 4 : 0;
    q2[2] = hasUp && hasLeft ? this.signedUp[t - C]! >> 4 : 0;
    q2[3] = hasUp && hasRight ? this.signedUp[t + C]! >> 4 : 0;
    q2[4] = useRef ? this.greenError >> 4 : 0;
    q2[5] = useRef && c === 2 ? this.redError >> 4 : 0;
    q2[6] = x > 1 ? this.signedRow[t - 2 * C]! >> 4 : 0;
    q2[7] = hasUp && x < W - 2 ? this.signedUp[t + 2 * C]! >> 4 : 0;
    const ew = this.errorWeights;
    const eo = (c * 3 + (bin < 12 ? 0 : bin < 20 ? 1 : 2)) * ERROR_INPUTS;
    this.errorSet = eo;
    let correction = 0;
    for (let k = 0; k < ERROR_INPUTS; k++) correction += ew[eo + k]! * q2[k]!;
    correction = Math.floor(correction * 2 ** -12) * 16;
    this.errorBase = blend;
    this.errorCorrection = correction;
    blend += correction;
    // Bias context: which of W, N, NW, NE lie above the blend, and a coarse error energy (below).
    const pattern = (a * 256 > blend ? 1 : 0) | (b * 256 > blend ? 2 : 0) | (nw * 256 > blend ? 4 : 0) |
      (ne * 256 > blend ? 8 : 0);
    if (useRef) blend += samples[i + ref]! * 256;
    const muMax = this.maxValue * 256;
    blend = blend < 0 ? 0 : blend > muMax ? muMax : blend;
    const q = bin * C + c;
    let level = (bin - 5) >> 2;
    level = level < 0 ? 0 : level > 3 ? 3 : level;
    const bq = (pattern * 4 + level) * C + c;
    // A second scale estimate from the bias context's mean |residual|, given a quarter of the say.
    const k1 = this.scaleStatistics.scaleIndex(q, SCALE_OFFSET);
    const k2 = this.biasStatistics.scaleIndex(bq, SCALE_OFFSET);
    let mu = blend + this.biasStatistics.bias(bq, 1);
    mu = mu < 0 ? 0 : mu > muMax ? muMax : mu;
    this.offset = useRef ? samples[i + ref]! : 0;
    this.blendQ = blend;
    this.context = q;
    this.biasContext = bq;
    this.muQ = mu;
    this.scaleIndex = (3 * k1 + k2 + 2) >> 2;
  }

  /** Records the value of the sample last predicted (x, c as given to predict). */
  override update(value: number, x: number, c: number): void {
    const C = this.channels;
    const v = value - this.offset;
    recordPredictorErrors(this.predictorErrorsRow, (x * C + c) * PREDICTORS, this.subPredictions, 2 * v, PREDICTORS);
    if (this.lmsActive) {
      // w += err d / (16 (16 + |d|^2)), err in 1/4096 units, with one division.
      const d = this.lmsInputs;
      let norm = 16;
      for (let k = 0; k < LMS_INPUTS; k++) norm += d[k]! * d[k]!;
      const step = clamp(Math.trunc((((v - this.lmsLeft) * 4096 - this.lmsSum) * 1024) / norm), STEP_MAX);
      const w = this.lmsWeights;
      const o = c * LMS_INPUTS;
      for (let k = 0; k < LMS_INPUTS; k++) w[o + k] = clamp(w[o + k]! + Math.trunc(step * d[k]! * 2 ** -14), LMS_WEIGHT_MAX);
    }
    {
      // w += 64 err q / (8192 + |q|^2), err the error after the correction in 1/16 units, with one division.
      const q2 = this.errorInputs;
      let norm = 8192;
      for (let k = 0; k < ERROR_INPUTS; k++) norm += q2[k]! * q2[k]!;
      const err = (v * 256 - this.errorBase - this.errorCorrection) >> 4;
      const step = clamp(Math.trunc((err * 65536) / norm), STEP_MAX);
      const w = this.errorWeights;
      const o = this.errorSet;
      for (let k = 0; k < ERROR_INPUTS; k++) w[o + k] = clamp(w[o + k]! + Math.trunc(step * q2[k]! * 2 ** -10), ERROR_WEIGHT_MAX);
    }
    const e = value * 256 - this.blendQ;
    const absE = e < 0 ? -e : e;
    this.errorsRow[x * C + c] = absE;
    this.signedRow[x * C + c] = e;
    if (this.colourDifferences && c === 1) this.greenError = e;
    if (this.colourDifferences && c === 0) this.redError = e;
    const corrected = value * 256 - this.muQ;
    const absCorrected = corrected < 0 ? -corrected : corrected;
    this.scaleStatistics.recordAbs(this.context, absCorrected);
    this.biasStatistics.record(this.biasContext, absCorrected, e);
  }
}
