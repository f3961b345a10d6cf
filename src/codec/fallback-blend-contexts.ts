/**
 * The residual contexts of mode 4's rules (PAYLOAD.md), which mode 5 and later modes keep through this class (mode
 * 4's model keeps an inline copy, see fallback-blend-errors.ts): a scale context per energy bin and channel, a
 * bias context per texture pattern, energy level and channel, the scale index that gives the bias context's
 * estimate a quarter of the say, and the records after each sample. Invariant: integer-only statistics
 * (ContextStatistics), read before and recorded after each sample, so both ends of a stream agree.
 */
import { ContextStatistics } from './fallback-context-statistics.js';
import { ENERGY_BINS } from './fallback-blend-errors.js';

/** Scale index = 32 log2(mean |residual|) + SCALE_OFFSET. */
const SCALE_OFFSET = 115;
/** Bias contexts per channel: 16 texture patterns times 4 energy levels. */
const BIAS_CONTEXTS = 64;

/** The scale and bias contexts of one plane group: `select` a sample's, read them, then `record` its residual. */
export class BlendContexts {
  /** The coarse energy level 0..3 of the sample last selected: clamp((bin - 5) >> 2, 0, 3). */
  level = 0;
  /** The selected bias context's bias, 1/256 units. */
  bias = 0;
  /** The selected sample's scale index: (3 k1 + k2 + 2) >> 2 of the scale and the bias context's own. */
  scaleIndex = 0;
  private readonly channels: number;
  /** Scale contexts (bin * channels + c): A and N. */
  private readonly scaleStatistics: ContextStatistics;
  /** Bias contexts ((pattern * 4 + level) * channels + c): B (blend errors, 1/256 units), A and N. */
  private readonly biasStatistics: ContextStatistics;
  private scaleContext = 0;
  private biasContext = 0;

  /** @param channels interleaved channels, 1..4 */
  constructor(channels: number) {
    this.channels = channels;
    this.scaleStatistics = new ContextStatistics(ENERGY_BINS * channels);
    this.biasStatistics = new ContextStatistics(BIAS_CONTEXTS * channels);
  }

  /**
   * Selects the contexts of a sample of channel c and reads them into `bias` and `scaleIndex`: the scale context
   * of its energy bin, the bias context of its texture pattern (which of the neighbours a, b, nw, ne lie above the
   * blend z) and energy level. One call per sample on purpose: split in three, V8 stopped inlining the models'
   * other helpers (+6-20%).
   * @param bin its energy bin, 0..ENERGY_BINS - 1
   * @param z the blend, 1/256 units in the sample's domain
   */
  select(bin: number, c: number, a: number, b: number, nw: number, ne: number, z: number): void {
    const pattern = (a * 256 > z ? 1 : 0) | (b * 256 > z ? 2 : 0) | (nw * 256 > z ? 4 : 0) | (ne * 256 > z ? 8 : 0);
    let level = (bin - 5) >> 2;
    level = level < 0 ? 0 : level > 3 ? 3 : level;
    const q = bin * this.channels + c;
    const bq = (pattern * 4 + level) * this.channels + c;
    this.level = level;
    this.scaleContext = q;
    this.biasContext = bq;
    this.bias = this.biasStatistics.bias(bq, 1);
    const k1 = this.scaleStatistics.scaleIndex(q, SCALE_OFFSET);
    const k2 = this.biasStatistics.scaleIndex(bq, SCALE_OFFSET);
    this.scaleIndex = (3 * k1 + k2 + 2) >> 2;
  }

  /**
   * Records the selected sample.
   * @param absResidual |256 v - mu|
   * @param blendError 256 v - z, z the blend the bias corrects
   */
  record(absResidual: number, blendError: number): void {
    this.scaleStatistics.recordAbs(this.scaleContext, absResidual);
    this.biasStatistics.record(this.biasContext, absResidual, blendError);
  }
}
