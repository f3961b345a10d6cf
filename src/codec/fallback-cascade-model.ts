/**
 * The fallback coder's mode-5 model (what the encoder writes, see ENCODER_MODE in
 * fallback-coder.ts): mode 4's blend, error stage, bias cancellation and
 * scale contexts, with a cascade of two NLMS predictors (mode 4's short one and a long one over 18 causal inputs:
 * ten neighbours and, for R and B, the steps of the pixel's already-coded G and R), blend weights from each
 * predictor's errors over ten neighbours, an error stage that also weighs five predictors' disagreement with the
 * blend, and a second bias context from the signs of the recent errors. Everything is integer arithmetic in raster
 * order (doubles only ever hold integers below 2^53), so an encoder and a decoder that see the same samples compute
 * the same parameters everywhere. Byte-exact rules in PAYLOAD.md; tuned on photos-train and usc-sipi-misc tiles.
 */
import { BLEND_ERROR_INPUTS, BlendErrors } from './fallback-blend-errors.js';
import { BlendContexts } from './fallback-blend-contexts.js';
import { FIXED_PREDICTORS, fixedPredictions, recordPredictorErrors } from './fallback-blend-predictors.js';
import { ContextStatistics } from './fallback-context-statistics.js';
import { CausalNeighbours } from './fallback-neighbours.js';
import * as nlms from './fallback-nlms.js';
import { WEIGHT_TABLE_SIZE, weightNumerator, weightTable } from './fallback-predictor-weights.js';
import { FallbackSampleModel } from './fallback-sample-model.js';

// Module-level copies of the shared NLMS constants: V8 folds these into the hot loops; read through named imports
// (module bindings, which it does not fold) they cost mode 5 about 20%.
const { ERROR_WEIGHT_MAX, LMS_WEIGHT_MAX, SHORT_INITIAL, SHORT_INPUTS, STEP_MAX, clamp } = nlms;
/** Sub-predictors blended: the eight fixed ones, the short NLMS predictor (P8) and the long one (P9). */
const PREDICTORS = FIXED_PREDICTORS + 2;
/**
 * The long NLMS predictor's inputs: N, NW, NE, WW, NN, NNE, NNW, NWW, NEE, NNEE (each less W); for R and B, G's
 * steps at the pixel (G less G at W, N, NE, NW); for B, R's (as differences to G) to the same four.
 */
const LONG_INPUTS = 18;
/** The long predictor's step numerator (the short one's is 1024). */
const LONG_RATE = 256;
/** The error stage's inputs: mode 4's eight signed errors, then P8, P9, P2, P0 and P6 less the blend. */
const ERROR_INPUTS = BLEND_ERROR_INPUTS + 5;
const ERROR_INITIAL = [-384, -384, 0, 0, 0, 768, 0, 0, 0, 0, 0, 0, 0];
/** The error stage's weight sets per channel: energy groups bin < 10, < 14, < 18, the rest (mode 4 has three). */
const ERROR_GROUPS = 4;
/** The error stage's step numerator (mode 4's is 65536). */
const ERROR_RATE = 131072;
/** Sign contexts per channel: 27 sign triples times 4 energy levels. */
const SIGN_CONTEXTS = 108;
/** Errors within +-SIGN_DEAD_ZONE (1/256 units) count as sign 0 in the sign context. */
const SIGN_DEAD_ZONE = 128;

function sign3(v: number): number {
  return v > SIGN_DEAD_ZONE ? 2 : v < -SIGN_DEAD_ZONE ? 0 : 1;
}

/**
 * Running state of one plane group (1..4 interleaved channels of one tile) while it is coded or decoded in raster
 * order, with FallbackSampleModel's protocol.
 */
export class FallbackCascadeModel extends FallbackSampleModel {
  private readonly neighbours: CausalNeighbours;
  /** Predictor weights 1 + floor(weightNumerator / (1 + e)^2), from the table below WEIGHT_TABLE_SIZE. */
  private readonly weightNumerator: number;
  private readonly weights: Float64Array;
  /** Mode 4's scale and bias contexts. */
  private readonly contexts: BlendContexts;
  /** Sign contexts ((signs * 4 + level) * channels + c): B (blend errors, 1/256 units); A3 and M3 unread. */
  private readonly signStatistics: ContextStatistics;
  /** Per predictor, |2 v - P| of each sample of the rows two up, one up and current, (x * C + c) * PREDICTORS + i. */
  private predictorErrorsUp2: Int32Array;
  private predictorErrorsUp: Int32Array;
  private predictorErrorsRow: Int32Array;
  /** The blend errors of the previous and current row. */
  private readonly errors: BlendErrors;
  private row = 0;
  /** Twice each sub-prediction of the sample last predicted (in the channel's own domain). */
  private readonly subPredictions = new Int32Array(PREDICTORS);
  /** The domain value of W of the sample last predicted (what both NLMS predictors predict a difference to). */
  private left = 0;
  /** Short NLMS predictor: weights per channel, the inputs and sum of the sample last predicted. */
  private readonly shortWeights: Float64Array;
  private readonly shortInputs = new Int32Array(SHORT_INPUTS);
  private shortActive = false;
  private shortSum = 0;
  /** Long NLMS predictor: the same. */
  private readonly longWeights: Float64Array;
  private readonly longInputs = new Int32Array(LONG_INPUTS);
  private longActive = false;
  private longSum = 0;
  /** Error stage: weights per channel and energy group, the inputs, the blend before it and its correction. */
  private readonly errorWeights: Float64Array;
  private readonly errorInputs = new Int32Array(ERROR_INPUTS);
  private errorSet = 0;
  private errorBase = 0;
  private errorCorrection = 0;
  private offset = 0;
  private blendQ = 0;
  /** The sign context of the sample last predicted ((signs * 4 + level) * channels + c, 0..108 channels - 1). */
  signContext = 0;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   */
  constructor(width: number, channels: number, maxValue: number) {
    super(width, channels, maxValue);
    this.contexts = new BlendContexts(channels);
    this.signStatistics = new ContextStatistics(SIGN_CONTEXTS * channels);
    this.neighbours = new CausalNeighbours(width, channels, maxValue);
    this.weightNumerator = weightNumerator(maxValue);
    this.weights = weightTable(this.weightNumerator);
    this.shortWeights = Float64Array.from({ length: SHORT_INPUTS * channels }, (_, k) => SHORT_INITIAL[k % SHORT_INPUTS]!);
    this.longWeights = Float64Array.from({ length: LONG_INPUTS * channels }, (_, k) => SHORT_INITIAL[k % LONG_INPUTS] ?? 0);
    this.errorWeights = Float64Array.from({ length: ERROR_INPUTS * ERROR_GROUPS * channels }, (_, k) => ERROR_INITIAL[k % ERROR_INPUTS]!);
    const rowLength = width * channels * PREDICTORS;
    this.predictorErrorsUp2 = new Int32Array(rowLength);
    this.predictorErrorsUp = new Int32Array(rowLength);
    this.predictorErrorsRow = new Int32Array(rowLength);
    this.errors = new BlendErrors(width, channels);
  }

  /** Writes the long predictor's inputs for the sample at index i (x >= 2, x < width - 2, y >= 2). */
  private loadLongInputs(samples: Int32Array, i: number, c: number, a: number): void {
    const C = this.channels;
    const d = this.longInputs;
    const up1 = i - this.width * C;
    const up2 = up1 - this.width * C;
    const useRef = this.neighbours.differences;
    const r = this.neighbours.reference;
    this.neighbours.steps(d, samples);
    d[6] = samples[up2 - C]! - (useRef ? samples[up2 - C + r]! : 0) - a;
    d[7] = samples[up1 - 2 * C]! - (useRef ? samples[up1 - 2 * C + r]! : 0) - a;
    d[8] = samples[up1 + 2 * C]! - (useRef ? samples[up1 + 2 * C + r]! : 0) - a;
    d[9] = samples[up2 + 2 * C]! - (useRef ? samples[up2 + 2 * C + r]! : 0) - a;
    if (useRef) {
      const g = samples[i + r]!;
      d[10] = g - samples[i - C + r]!;
      d[11] = g - samples[up1 + r]!;
      d[12] = g - samples[up1 + C + r]!;
      d[13] = g - samples[up1 - C + r]!;
    } else {
      d[10] = d[11] = d[12] = d[13] = 0;
    }
    if (useRef && c === 2) {
      // R and G of this pixel are at i - 2 and i - 1.
      const red = samples[i - 2]! - samples[i - 1]!;
      d[14] = red - (samples[i - C - 2]! - samples[i - C - 1]!);
      d[15] = red - (samples[up1 - 2]! - samples[up1 - 1]!);
      d[16] = red - (samples[up1 + C - 2]! - samples[up1 + C - 1]!);
      d[17] = red - (samples[up1 - C - 2]! - samples[up1 - C - 1]!);
    } else {
      d[14] = d[15] = d[16] = d[17] = 0;
    }
  }

  /**
   * Computes muQ and scaleIndex for sample (x, y, c). Requires every sample before it in raster order, and G (and
   * R) of the same pixel for R and B, to be final in `samples`.
   * @param samples the group's interleaved samples (width * height * channels)
   */
  override predict(samples: Int32Array, x: number, y: number, c: number): void {
    const C = this.channels;
    const W = this.width;
    if (y !== this.row) {
      this.row = y;
      [this.predictorErrorsUp2, this.predictorErrorsUp, this.predictorErrorsRow] =
        [this.predictorErrorsUp, this.predictorErrorsRow, this.predictorErrorsUp2];
      this.errors.nextRow();
    }
    const nb = this.neighbours;
    nb.load(samples, x, y, c);
    const { a, b, nw, ne, index: i, reference: ref, differences: useRef } = nb;
    const sub = this.subPredictions;
    fixedPredictions(sub, samples, nb, x, y, W, C);
    this.left = a;
    // Short NLMS predictor (mode 4's P8): W plus weighted differences of six neighbours to W.
    this.shortActive = y >= 2 && x >= 2 && x < W - 1;
    if (this.shortActive) {
      const d = this.shortInputs;
      const up2 = i - 2 * W * C;
      d[0] = b - a;
      d[1] = nw - a;
      d[2] = ne - a;
      d[3] = samples[i - 2 * C]! - (useRef ? samples[i - 2 * C + ref]! : 0) - a;
      d[4] = samples[up2]! - (useRef ? samples[up2 + ref]! : 0) - a;
      d[5] = samples[up2 + C]! - (useRef ? samples[up2 + C + ref]! : 0) - a;
      const w = this.shortWeights;
      const o = c * SHORT_INPUTS;
      let sum = 0;
      for (let k = 0; k < SHORT_INPUTS; k++) sum += w[o + k]! * d[k]!;
      this.shortSum = sum;
      sub[8] = clamp(2 * a + Math.floor(sum * 2 ** -11), 2 * this.maxValue);
    } else {
      sub[8] = sub[0]!;
    }
    // Long NLMS predictor: W plus weighted differences of ten neighbours to W and the pixel's G (and R) steps.
    this.longActive = y >= 2 && x >= 2 && x < W - 2;
    if (this.longActive) {
      this.loadLongInputs(samples, i, c, a);
      const d = this.longInputs;
      const w = this.longWeights;
      const o = c * LONG_INPUTS;
      let sum = 0;
      for (let k = 0; k < LONG_INPUTS; k++) sum += w[o + k]! * d[k]!;
      this.longSum = sum;
      sub[9] = clamp(2 * a + Math.floor(sum * 2 ** -11), 2 * this.maxValue);
    } else {
      sub[9] = sub[8]!;
    }
    // Weights from each predictor's errors at N, W, NW, NE, WW, NEE, NWW, NN, NNW, NNE.
    const up2 = this.predictorErrorsUp2;
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
        e += up[s + k]!;
        e += hasLeft ? up[s - sC + k]! : up[s + k]!;
        e += hasRight ? up[s + sC + k]! : up[s + k]!;
        if (x < W - 2) e += up[s + 2 * sC + k]!;
        if (x > 1) e += up[s - 2 * sC + k]!;
        if (y > 1) {
          e += up2[s + k]!;
          if (hasLeft && hasRight) e += up2[s - sC + k]! + up2[s + sC + k]!;
        }
      }
      if (hasLeft) e += cur[s - sC + k]!;
      if (x > 1) e += cur[s - 2 * sC + k]!;
      if (k === 0 || e < minError) minError = e;
      const w = e < WEIGHT_TABLE_SIZE ? table[e]! : 1 + Math.floor(this.weightNumerator / ((1 + e) * (1 + e)));
      weightSum += w;
      weighted += w * sub[k]!;
    }
    let blend = Math.floor((weighted * 128) / weightSum);
    // Scale context: mode 4's error energy; error stage: NLMS over the signed blend errors around the sample and
    // five predictors' offsets from the blend (1/16 units), weights per channel and energy group.
    const errors = this.errors;
    const q2 = this.errorInputs;
    const bin = errors.load(q2, nb, x, y, c, minError);
    q2[8] = (sub[8]! * 128 - blend) >> 4;
    q2[9] = (sub[9]! * 128 - blend) >> 4;
    q2[10] = (sub[2]! * 128 - blend) >> 4;
    q2[11] = (sub[0]! * 128 - blend) >> 4;
    q2[12] = (sub[6]! * 128 - blend) >> 4;
    const group = bin < 10 ? 0 : bin < 14 ? 1 : bin < 18 ? 2 : 3;
    const ew = this.errorWeights;
    const eo = (c * ERROR_GROUPS + group) * ERROR_INPUTS;
    this.errorSet = eo;
    let correction = 0;
    for (let k = 0; k < ERROR_INPUTS; k++) correction += ew[eo + k]! * q2[k]!;
    correction = Math.floor(correction * 2 ** -12) * 16;
    this.errorBase = blend;
    this.errorCorrection = correction;
    blend += correction;
    // Bias contexts: which of W, N, NW, NE lie above the blend; the signs of the errors at N and W and of the long
    // predictor's offset from the corrected blend; both with a coarse error energy.
    const contexts = this.contexts;
    contexts.select(bin, c, a, b, nw, ne, blend);
    const signs = (sign3(errors.north) * 3 + sign3(errors.west)) * 3 + sign3(sub[9]! * 128 - blend);
    if (useRef) blend += samples[i + ref]! * 256;
    const muMax = this.maxValue * 256;
    blend = blend < 0 ? 0 : blend > muMax ? muMax : blend;
    const sq = (signs * 4 + contexts.level) * C + c;
    let mu = blend + ((contexts.bias + this.signStatistics.bias(sq, 1)) >> 1);
    mu = mu < 0 ? 0 : mu > muMax ? muMax : mu;
    this.offset = useRef ? samples[i + ref]! : 0;
    this.blendQ = blend;
    this.signContext = sq;
    this.muQ = mu;
    this.scaleIndex = contexts.scaleIndex;
  }

  /** Records the value of the sample last predicted (x, c as given to predict). */
  override update(value: number, x: number, c: number): void {
    const v = value - this.offset;
    recordPredictorErrors(this.predictorErrorsRow, (x * this.channels + c) * PREDICTORS, this.subPredictions, 2 * v, PREDICTORS);
    const target = (v - this.left) * 4096;
    if (this.shortActive) {
      // w += err d / (16 (16 + |d|^2)), err in 1/4096 units, with one division.
      const d = this.shortInputs;
      let norm = 16;
      for (let k = 0; k < SHORT_INPUTS; k++) norm += d[k]! * d[k]!;
      const step = clamp(Math.trunc(((target - this.shortSum) * 1024) / norm), STEP_MAX);
      const w = this.shortWeights;
      const o = c * SHORT_INPUTS;
      for (let k = 0; k < SHORT_INPUTS; k++) w[o + k] = clamp(w[o + k]! + Math.trunc(step * d[k]! * 2 ** -14), LMS_WEIGHT_MAX);
    }
    if (this.longActive) {
      // The same at a quarter of the rate.
      const d = this.longInputs;
      let norm = 16;
      for (let k = 0; k < LONG_INPUTS; k++) norm += d[k]! * d[k]!;
      const step = clamp(Math.trunc(((target - this.longSum) * LONG_RATE) / norm), STEP_MAX);
      const w = this.longWeights;
      const o = c * LONG_INPUTS;
      for (let k = 0; k < LONG_INPUTS; k++) w[o + k] = clamp(w[o + k]! + Math.trunc(step * d[k]! * 2 ** -14), LMS_WEIGHT_MAX);
    }
    {
      // w += 128 err q / (8192 + |q|^2), err the error after the correction in 1/16 units, with one division.
      const q2 = this.errorInputs;
      let norm = 8192;
      for (let k = 0; k < ERROR_INPUTS; k++) norm += q2[k]! * q2[k]!;
      const err = (v * 256 - this.errorBase - this.errorCorrection) >> 4;
      const step = clamp(Math.trunc((err * ERROR_RATE) / norm), STEP_MAX);
      const w = this.errorWeights;
      const o = this.errorSet;
      for (let k = 0; k < ERROR_INPUTS; k++) w[o + k] = clamp(w[o + k]! + Math.trunc(step * q2[k]! * 2 ** -10), ERROR_WEIGHT_MAX);
    }
    const e = value * 256 - this.blendQ;
    this.errors.record(x, c, e);
    const corrected = value * 256 - this.muQ;
    const absCorrected = corrected < 0 ? -corrected : corrected;
    this.contexts.record(absCorrected, e);
    this.signStatistics.record(this.signContext, absCorrected, e);
  }
}
