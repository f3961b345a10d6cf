/**
 * The fallback coder's mode-1 model, which files written before mode 3 hold and which must decode forever (the
 * encoder now writes mode 4, fallback-lms-model.ts). LOCO-I / JPEG-LS style: a median edge detector predicts each
 * sample from its causal neighbours, three-channel groups predict R and B as differences to G, and the residual is
 * coded under the entropy layer's integer discretised logistic whose mu (prediction plus a bias) and scale come
 * from running per-context statistics. Everything is integer arithmetic in raster order, so an encoder and a
 * decoder that see the same samples compute the same parameters on every machine (the invariant this file keeps).
 */
import { SCALE_COUNT } from '../entropy/index.js';

/** Half-octave activity bins: 0 for a flat neighbourhood, then 1 + floor(2 log2(activity)), up to 2^17. */
const CONTEXT_BINS = 36;
/** Scale index = 32 log2(mean |residual|) + SCALE_OFFSET (measured on Kodak tiles; 113 is the logistic's own). */
const SCALE_OFFSET = 117;
/** Statistics halve when a context has seen this many samples, so they follow the image. */
const HALVE_AT = 128;
/** Initial statistics of a context: a mean |residual| of 4 from one pretend sample. */
const INITIAL_ABS = 4;

/**
 * 32 * log2(value) for an integer value >= 1, with Mitchell's linear approximation of the fraction (exact at powers
 * of two; integer-only, so identical everywhere).
 */
export function log2Times32(value: number): number {
  const p = 31 - Math.clz32(value);
  const fraction = p >= 5 ? (value >>> (p - 5)) & 31 : (value << (5 - p)) & 31;
  return 32 * p + fraction;
}

/**
 * Running state of one plane group (1..4 interleaved channels of one tile) while it is coded or decoded in raster
 * order. Call `predict` for sample (x, y, c) once every earlier sample is known, code the sample under `muQ` and
 * `scaleIndex`, then call `update` with the sample's value.
 */
export class FallbackModel {
  /** Fixed-point mu of the sample last predicted (MU_FRAC_BITS = 8 fractional bits). */
  muQ = 0;
  /** Scale index of the sample last predicted. */
  scaleIndex = 0;
  /** Whether channels 0 and 2 are coded as differences to channel 1 (three-channel groups). */
  readonly colourDifferences: boolean;
  /** Largest sample value (255 or 65535). */
  readonly maxValue: number;

  /** Per context: sum of |value - mu| in 1/256 units (doubles hold these integers exactly). */
  private readonly sumAbs: Float64Array;
  private readonly sumSigned: Int32Array;
  private readonly count: Int32Array;
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
  constructor(
    private readonly width: number,
    private readonly channels: number,
    maxValue: number,
  ) {
    this.maxValue = maxValue;
    this.colourDifferences = channels === 3;
    const contexts = CONTEXT_BINS * channels;
    this.sumAbs = new Float64Array(contexts).fill(INITIAL_ABS * 256);
    this.sumSigned = new Int32Array(contexts);
    this.count = new Int32Array(contexts).fill(1);
    this.rowErrors = new Int32Array(width * channels);
  }

  /** Channel coding order within a pixel: G first for three-channel groups (the reference of R and B). */
  channelOrder(): Int32Array {
    return this.colourDifferences ? Int32Array.of(1, 0, 2) : Int32Array.from({ length: this.channels }, (_, c) => c);
  }

  /**
   * Computes muQ and scaleIndex for sample (x, y, c). Requires every sample before it in raster order, and the
   * reference channel of the same pixel, to be final in `samples`.
   * @param samples the group's interleaved samples (width * height * channels), widened to int32 so that this hot
   *   loop sees one array type
   */
  predict(samples: Int32Array, x: number, y: number, c: number): void {
    const C = this.channels;
    const W = this.width;
    const ref = this.colourDifferences && c !== 1 ? 1 - c : 0; // offset from channel c to its reference (G)
    const useRef = this.colourDifferences && c !== 1;
    const i = (y * W + x) * C + c;
    let a: number;
    let b: number;
    let nw: number;
    let ne: number;
    if (y === 0) {
      if (x === 0) {
        a = useRef ? 0 : (this.maxValue + 1) >> 1;
      } else {
        a = samples[i - C]! - (useRef ? samples[i - C + ref]! : 0);
      }
      b = a;
      nw = a;
      ne = a;
    } else {
      const up = i - W * C;
      b = samples[up]! - (useRef ? samples[up + ref]! : 0);
      a = x > 0 ? samples[i - C]! - (useRef ? samples[i - C + ref]! : 0) : b;
      nw = x > 0 ? samples[up - C]! - (useRef ? samples[up - C + ref]! : 0) : b;
      ne = x < W - 1 ? samples[up + C]! - (useRef ? samples[up + C + ref]! : 0) : b;
    }
    // Median edge detector.
    let p: number;
    const high = a > b ? a : b;
    const low = a > b ? b : a;
    if (nw >= high) p = low;
    else if (nw <= low) p = high;
    else p = a + b - nw;
    if (useRef) p += samples[i + ref]!;
    p = p < 0 ? 0 : p > this.maxValue ? this.maxValue : p;
    const errors = this.rowErrors;
    const errorWest = x > 0 ? errors[(x - 1) * C + c]! : 0;
    const errorNorth = y > 0 ? errors[x * C + c]! : 0;
    let activity = Math.abs(ne - b) + Math.abs(b - nw) + Math.abs(nw - a) + Math.abs(errorWest) + Math.abs(errorNorth);
    if (useRef) activity += Math.abs(this.referenceResidual);
    let bin = activity === 0 ? 0 : 1 + ((log2Times32(activity) * 2) >> 5);
    if (bin >= CONTEXT_BINS) bin = CONTEXT_BINS - 1;
    const q = bin * C + c;
    const n = this.count[q]!;
    const meanAbs256 = Math.floor(this.sumAbs[q]! / n);
    let k = meanAbs256 === 0 ? 0 : log2Times32(meanAbs256) - 256 + SCALE_OFFSET;
    k = k < 0 ? 0 : k >= SCALE_COUNT ? SCALE_COUNT - 1 : k;
    const bias = Math.floor((this.sumSigned[q]! * 256) / n);
    let mu = p * 256 + bias;
    const muMax = this.maxValue * 256;
    mu = mu < 0 ? 0 : mu > muMax ? muMax : mu;
    this.prediction = p;
    this.context = q;
    this.muQ = mu;
    this.scaleIndex = k;
  }

  /** Records the value of the sample last predicted (x, c as given to predict). */
  update(value: number, x: number, c: number): void {
    const e = value - this.prediction;
    const q = this.context;
    this.rowErrors[x * this.channels + c] = e;
    if (this.colourDifferences && c === 1) this.referenceResidual = e;
    const corrected = value * 256 - this.muQ;
    this.sumAbs[q]! += corrected < 0 ? -corrected : corrected;
    this.sumSigned[q]! += e;
    if (++this.count[q]! >= HALVE_AT) {
      this.sumAbs[q] = Math.floor(this.sumAbs[q]! / 2);
      const s = this.sumSigned[q]!;
      this.sumSigned[q] = s >= 0 ? s >> 1 : -(-s >> 1);
      this.count[q]! >>= 1;
    }
  }

  /** The prediction (sample units, clamped to 0..maxValue) of the sample last predicted. */
  get predicted(): number {
    return this.prediction;
  }
}
