/**
 * The fallback coder's mode-3 model, which files written before mode 4 hold and which decodes forever: the blend of
 * eight predictors weighted by their recent errors (fallback-predictor-blend.ts), moved against its own errors at N
 * and W (and by R's at the pixel for B), colour differences to G for R and B, per-context bias cancellation, and a
 * scale from per-context mean residuals where the context is the local error energy. Integer arithmetic in raster
 * order, so an encoder and a decoder that see the same samples compute the same parameters everywhere.
 */
import { ContextStatistics } from './fallback-context-statistics.js';
import { logBin } from './fallback-log-scale.js';
import { FallbackSampleModel } from './fallback-sample-model.js';
import { FIXED_PREDICTORS, PredictorBlend } from './fallback-predictor-blend.js';

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
  private readonly blender: PredictorBlend;
  /** Per context (bin * channels + c): A, N, and B summing blend errors in 1/256 units. */
  private readonly statistics: ContextStatistics;
  private blendQ = 0;
  private context = 0;
  /** |d| of G and d of R at the pixel being coded (three-channel groups). */
  private referenceError = 0;
  private redError = 0;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   */
  constructor(width: number, channels: number, maxValue: number) {
    super(width, channels, maxValue);
    this.blender = new PredictorBlend(width, channels, maxValue, FIXED_PREDICTORS);
    this.statistics = new ContextStatistics(CONTEXT_BINS * channels);
  }

  /**
   * Computes muQ and scaleIndex for sample (x, y, c). Requires every sample before it in raster order, and G of the
   * same pixel for R and B, to be final in `samples`.
   * @param samples the group's interleaved samples (width * height * channels)
   */
  override predict(samples: Int32Array, x: number, y: number, c: number): void {
    const C = this.channels;
    const blender = this.blender;
    blender.start(samples, x, y, c);
    const nb = blender.neighbours;
    let blend = blender.blend(x, y, c);
    const t = x * C + c;
    blend -= (((y > 0 ? blender.signedUp[t]! : 0) + (x > 0 ? blender.signedRow[t - C]! : 0)) * ERROR_FEEDBACK) >> 5;
    blend += blender.offset * 256;
    if (c === 2 && this.colourDifferences) blend += (this.redError * RED_WEIGHT) >> 4;
    const muMax = this.maxValue * 256;
    blend = blend < 0 ? 0 : blend > muMax ? muMax : blend;
    // Context: error energy of the blend at the causal neighbours (plus the G error for R and B) and the gradients.
    let energy = blender.neighbourErrorEnergy(x, y, c);
    if (nb.differences) energy += this.referenceError;
    energy += nb.gradients() * 128;
    const q = logBin((energy + 64) >> 7, CONTEXT_BINS) * C + c;
    let mu = blend + this.statistics.bias(q, 1);
    mu = mu < 0 ? 0 : mu > muMax ? muMax : mu;
    this.blendQ = blend;
    this.context = q;
    this.muQ = mu;
    this.scaleIndex = this.statistics.scaleIndex(q, SCALE_OFFSET);
  }

  /** Records the value of the sample last predicted (x, c as given to predict). */
  override update(value: number, x: number, c: number): void {
    const e = this.blender.record(value, this.blendQ, x, c);
    if (this.colourDifferences && c === 1) this.referenceError = e < 0 ? -e : e;
    if (this.colourDifferences && c === 0) this.redError = e;
    const corrected = value * 256 - this.muQ;
    this.statistics.record(this.context, corrected < 0 ? -corrected : corrected, e);
  }
}
