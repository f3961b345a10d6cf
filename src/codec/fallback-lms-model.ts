/**
 * The fallback coder's mode-4 model (what the encoder writes): mode 3's blend of predictors weighted by their recent
 * errors (fallback-predictor-blend.ts), plus an adaptive (NLMS) linear predictor in the blend, an NLMS stage that
 * corrects the blend from the signed errors around the sample and, for R and B, from G's (and R's) error at the same
 * pixel, CALIC-style bias cancellation per texture pattern, and a scale from two contexts (the error energy, which
 * includes the best predictor's recent error, and the bias context). Everything is integer arithmetic in raster
 * order (doubles only ever hold integers below 2^52), so an encoder and a decoder that see the same samples compute
 * the same parameters everywhere. Byte-exact rules in PAYLOAD.md.
 */
import { ContextStatistics } from './fallback-context-statistics.js';
import { logBin } from './fallback-log-scale.js';
import { FallbackSampleModel } from './fallback-sample-model.js';
import { FIXED_PREDICTORS, PredictorBlend } from './fallback-predictor-blend.js';

/** Sub-predictors blended: mode 3's eight and the NLMS predictor (the last). */
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
  private readonly blender: PredictorBlend;
  /** Scale contexts (bin * channels + c): A and N. */
  private readonly scaleStatistics: ContextStatistics;
  /** Bias contexts ((pattern * 4 + level) * channels + c): B (blend errors, 1/256 units), A2 and M. */
  private readonly biasStatistics: ContextStatistics;
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
    this.blender = new PredictorBlend(width, channels, maxValue, PREDICTORS);
    this.scaleStatistics = new ContextStatistics(CONTEXT_BINS * channels);
    this.biasStatistics = new ContextStatistics(BIAS_CONTEXTS * channels);
    this.lmsWeights = Float64Array.from({ length: LMS_INPUTS * channels }, (_, k) => LMS_INITIAL[k % LMS_INPUTS]!);
    this.errorWeights = Float64Array.from({ length: ERROR_INPUTS * 3 * channels }, (_, k) => ERROR_INITIAL[k % ERROR_INPUTS]!);
  }

  /**
   * Computes muQ and scaleIndex for sample (x, y, c). Requires every sample before it in raster order, and G of the
   * same pixel for R and B, to be final in `samples`.
   * @param samples the group's interleaved samples (width * height * channels)
   */
  override predict(samples: Int32Array, x: number, y: number, c: number): void {
    const C = this.channels;
    const W = this.width;
    const blender = this.blender;
    blender.start(samples, x, y, c);
    const nb = blender.neighbours;
    const { a, b, nw, ne, index: i } = nb;
    const useRef = nb.differences;
    const sub = blender.predictions;
    // NLMS predictor: W plus weighted differences of six neighbours to W.
    this.lmsActive = y >= 2 && x >= 2 && x < W - 1;
    if (this.lmsActive) {
      const d = this.lmsInputs;
      const up2 = i - 2 * W * C;
      d[0] = b - a;
      d[1] = nw - a;
      d[2] = ne - a;
      d[3] = nb.domainAt(samples, i - 2 * C) - a;
      d[4] = nb.domainAt(samples, up2) - a;
      d[5] = nb.domainAt(samples, up2 + C) - a;
      const w = this.lmsWeights;
      const o = c * LMS_INPUTS;
      let sum = 0;
      for (let k = 0; k < LMS_INPUTS; k++) sum += w[o + k]! * d[k]!;
      this.lmsSum = sum;
      this.lmsLeft = a;
      sub[FIXED_PREDICTORS] = clamp(2 * a + Math.floor(sum * 2 ** -11), 2 * this.maxValue);
    } else {
      sub[FIXED_PREDICTORS] = sub[0]!;
    }
    let blend = blender.blend(x, y, c);
    const hasUp = y > 0;
    const hasLeft = x > 0;
    const hasRight = x < W - 1;
    const t = x * C + c;
    // Scale context: error energy of the blend around the sample, of G (and R) at the pixel, the best predictor's
    // error sum and the gradients.
    let energy = blender.neighbourErrorEnergy(x, y, c);
    if (x > 1) energy += blender.errorsRow[t - 2 * C]! >> 1;
    if (useRef) energy += this.greenError < 0 ? -this.greenError : this.greenError;
    if (useRef && c === 2) energy += (this.redError < 0 ? -this.redError : this.redError) >> 1;
    if (hasUp || hasLeft) energy += blender.minErrorSum * 24;
    energy += nb.gradients() * 64;
    const bin = logBin((energy + 64) >> 7, CONTEXT_BINS);
    // Error stage: NLMS over the signed blend errors around the sample (1/16 units), weights per channel and
    // energy group.
    const signedUp = blender.signedUp;
    const signedRow = blender.signedRow;
    const q2 = this.errorInputs;
    q2[0] = hasUp ? signedUp[t]! >> 4 : 0;
    q2[1] = hasLeft ? signedRow[t - C]! >> 4 : 0;
    q2[2] = hasUp && hasLeft ? signedUp[t - C]! >> 4 : 0;
    q2[3] = hasUp && hasRight ? signedUp[t + C]! >> 4 : 0;
    q2[4] = useRef ? this.greenError >> 4 : 0;
    q2[5] = useRef && c === 2 ? this.redError >> 4 : 0;
    q2[6] = x > 1 ? signedRow[t - 2 * C]! >> 4 : 0;
    q2[7] = hasUp && x < W - 2 ? signedUp[t + 2 * C]! >> 4 : 0;
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
    if (useRef) blend += blender.offset * 256;
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
    this.blendQ = blend;
    this.context = q;
    this.biasContext = bq;
    this.muQ = mu;
    this.scaleIndex = (3 * k1 + k2 + 2) >> 2;
  }

  /** Records the value of the sample last predicted (x, c as given to predict). */
  override update(value: number, x: number, c: number): void {
    const v = value - this.blender.offset;
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
    const e = this.blender.record(value, this.blendQ, x, c);
    if (this.colourDifferences && c === 1) this.greenError = e;
    if (this.colourDifferences && c === 0) this.redError = e;
    const corrected = value * 256 - this.muQ;
    const absCorrected = corrected < 0 ? -corrected : corrected;
    this.scaleStatistics.recordAbs(this.context, absCorrected);
    this.biasStatistics.record(this.biasContext, absCorrected, e);
  }
}
