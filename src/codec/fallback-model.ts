/**
 * The fallback coder's mode-1 model, which files written before mode 3 hold and which must decode forever (the
 * encoder now writes mode 4, fallback-lms-model.ts). LOCO-I / JPEG-LS style: a median edge detector predicts each
 * sample from its causal neighbours, three-channel groups predict R and B as differences to G, and the residual is
 * coded under the entropy layer's integer discretised logistic whose mu (prediction plus a bias) and scale come
 * from running per-context statistics. Everything is integer arithmetic in raster order, so an encoder and a
 * decoder that see the same samples compute the same parameters on every machine (the invariant this file keeps).
 */
import { ContextStatistics } from './fallback-context-statistics.js';
import { logBin } from './fallback-log-scale.js';
import { CausalNeighbours } from './fallback-neighbours.js';
import { FallbackSampleModel } from './fallback-sample-model.js';

/** log2Times32 lives with the other integer logarithms; it is re-exported where mode 1 first defined it. */
export { log2Times32 } from './fallback-log-scale.js';

/** Half-octave activity bins: 0 for a flat neighbourhood, then 1 + floor(2 log2(activity)), up to 2^17. */
const CONTEXT_BINS = 36;
/** Scale index = 32 log2(mean |residual|) + SCALE_OFFSET (measured on Kodak tiles; 113 is the logistic's own). */
const SCALE_OFFSET = 117;

/**
 * Running state of one plane group (1..4 interleaved channels of one tile) while it is coded or decoded in raster
 * order, with FallbackSampleModel's protocol.
 */
export class FallbackModel extends FallbackSampleModel {
  private readonly neighbours: CausalNeighbours;
  /** Per context (bin * channels + c): A and N, and B summing residuals in sample units. */
  private readonly statistics: ContextStatistics;
  /** Residuals of the previous row (from x on) and of the current row (before x), per channel. */
  private readonly rowErrors: Int32Array;
  private prediction = 0;
  private context = 0;
  private referenceResidual = 0;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   */
  constructor(width: number, channels: number, maxValue: number) {
    super(width, channels, maxValue);
    this.neighbours = new CausalNeighbours(width, channels, maxValue);
    this.statistics = new ContextStatistics(CONTEXT_BINS * channels);
    this.rowErrors = new Int32Array(width * channels);
  }

  /**
   * Computes muQ and scaleIndex for sample (x, y, c). Requires every sample before it in raster order, and the
   * reference channel of the same pixel, to be final in `samples`.
   * @param samples the group's interleaved samples (width * height * channels), widened to int32 so that this hot
   *   loop sees one array type
   */
  override predict(samples: Int32Array, x: number, y: number, c: number): void {
    const C = this.channels;
    const nb = this.neighbours;
    nb.load(samples, x, y, c);
    let p = nb.median() + nb.referenceValue(samples);
    p = p < 0 ? 0 : p > this.maxValue ? this.maxValue : p;
    const errors = this.rowErrors;
    const errorWest = x > 0 ? errors[(x - 1) * C + c]! : 0;
    const errorNorth = y > 0 ? errors[x * C + c]! : 0;
    let activity = nb.gradients() + Math.abs(errorWest) + Math.abs(errorNorth);
    if (nb.differences) activity += Math.abs(this.referenceResidual);
    const q = logBin(activity, CONTEXT_BINS) * C + c;
    let mu = p * 256 + this.statistics.bias(q, 256);
    const muMax = this.maxValue * 256;
    mu = mu < 0 ? 0 : mu > muMax ? muMax : mu;
    this.prediction = p;
    this.context = q;
    this.muQ = mu;
    this.scaleIndex = this.statistics.scaleIndex(q, SCALE_OFFSET);
  }

  /** Records the value of the sample last predicted (x, c as given to predict). */
  override update(value: number, x: number, c: number): void {
    const e = value - this.prediction;
    this.rowErrors[x * this.channels + c] = e;
    if (this.colourDifferences && c === 1) this.referenceResidual = e;
    const corrected = value * 256 - this.muQ;
    this.statistics.record(this.context, corrected < 0 ? -corrected : corrected, e);
  }

  /** The prediction (sample units, clamped to 0..maxValue) of the sample last predicted. */
  get predicted(): number {
    return this.prediction;
  }
}
