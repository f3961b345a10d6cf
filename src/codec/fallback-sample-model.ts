/**
 * What every predictive fallback model (modes 1, 3 and 4) is to fallback-coder.ts: the running state of one plane
 * group (1..4 interleaved channels of one tile) coded or decoded in coding order, which gives each sample's
 * logistic parameters. Protocol: `predict` for sample (x, y, c), code the sample under `muQ` and `scaleIndex`, then
 * `update` with its value. Invariant: the parameters depend only on samples before (x, y, c) in coding order.
 */

/** The shared protocol and geometry of the predictive fallback models. */
export abstract class FallbackSampleModel {
  /** Fixed-point mu of the sample last predicted (8 fractional bits). */
  muQ = 0;
  /** Scale index of the sample last predicted. */
  scaleIndex = 0;
  /** Whether channels 0 and 2 are coded as differences to channel 1 (three-channel groups). */
  readonly colourDifferences: boolean;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   */
  constructor(
    protected readonly width: number,
    protected readonly channels: number,
    readonly maxValue: number,
  ) {
    this.colourDifferences = channels === 3;
  }

  /** Channel coding order within a pixel: G, R, B for three-channel groups (G is R's and B's reference), else 0..3. */
  channelOrder(): Int32Array {
    return this.colourDifferences ? Int32Array.of(1, 0, 2) : Int32Array.from({ length: this.channels }, (_, c) => c);
  }

  /**
   * Computes muQ and scaleIndex for sample (x, y, c). Requires every sample before it in coding order (raster
   * order, and G of the same pixel before R and B) to be final in `samples`.
   * @param samples the group's interleaved samples (width * height * channels), widened to int32 so that the hot
   *   loop sees one array type
   */
  abstract predict(samples: Int32Array, x: number, y: number, c: number): void;

  /** Records the value of the sample last predicted (x, c as given to predict). */
  abstract update(value: number, x: number, c: number): void;
}
