/**
 * The causal neighbourhood every fallback mode (1, 3 and 4) predicts a sample from: a (W), b (N), nw and ne of
 * sample (x, y, c) in the channel's coding domain (for R and B of a three-channel group, the difference to G at the
 * neighbour's own pixel), with PAYLOAD.md's rules at the tile's edges, and the median edge detector. Invariant:
 * integer-only, and reads only samples before (x, y, c) in coding order.
 */

/** The median edge detector (LOCO-I): min(a, b) if nw >= max(a, b), max(a, b) if nw <= min(a, b), else a + b - nw. */
export function medianEdge(a: number, b: number, nw: number): number {
  const high = a > b ? a : b;
  const low = a > b ? b : a;
  return nw >= high ? low : nw <= low ? high : a + b - nw;
}

/**
 * The neighbours of the sample last loaded, reused from sample to sample (no allocation in the per-sample loop).
 * Call `load` for sample (x, y, c), then read its fields.
 */
export class CausalNeighbours {
  /** Left (W) neighbour, in the channel's domain. */
  a = 0;
  /** Up (N) neighbour. */
  b = 0;
  /** Up-left (NW) neighbour. */
  nw = 0;
  /** Up-right (NE) neighbour. */
  ne = 0;
  /** Whether channels 0 and 2 are coded as differences to channel 1 (three-channel groups). */
  readonly colourDifferences: boolean;
  /** Whether the sample is coded as a difference to G (R and B of a three-channel group). */
  differences = false;
  /** Offset from the sample's index to G of the same pixel (0 when not `differences`). */
  reference = 0;
  /** Index of the sample in the interleaved samples. */
  index = 0;

  /**
   * @param width samples per row, >= 1
   * @param channels interleaved channels, 1..4
   * @param maxValue largest sample value (255 or 65535)
   */
  constructor(
    private readonly width: number,
    private readonly channels: number,
    private readonly maxValue: number,
  ) {
    this.colourDifferences = channels === 3;
  }

  /**
   * Loads the neighbours of sample (x, y, c). Outside the tile: on row 0 all four are a (at pixel (0, 0),
   * (maxValue + 1) / 2 for a plain channel, 0 for a difference); on later rows a missing a, nw or ne is b.
   * @param samples the group's interleaved samples (width * height * channels), every sample before (x, y, c) in
   *   coding order final
   */
  load(samples: Int32Array, x: number, y: number, c: number): void {
    const C = this.channels;
    const W = this.width;
    const useRef = this.colourDifferences && c !== 1;
    const ref = useRef ? 1 - c : 0;
    const i = (y * W + x) * C + c;
    let a: number;
    let b: number;
    let nw: number;
    let ne: number;
    if (y === 0) {
      if (x === 0) a = useRef ? 0 : (this.maxValue + 1) >> 1;
      else a = samples[i - C]! - (useRef ? samples[i - C + ref]! : 0);
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
    this.a = a;
    this.b = b;
    this.nw = nw;
    this.ne = ne;
    this.index = i;
    this.differences = useRef;
    this.reference = ref;
  }

  /**
   * Writes the differences to a of N, NW, NE, WW, NN and NNE of the loaded sample, in its domain, into d[0..5]
   * (the first inputs of mode 5's long NLMS predictor). Requires x >= 2, y >= 2 and x < width - 1.
   * @param samples as given to load
   */
  steps(d: Int32Array, samples: Int32Array): void {
    const C = this.channels;
    const { a, index: i, reference: r, differences: useRef } = this;
    const up2 = i - 2 * this.width * C;
    d[0] = this.b - a;
    d[1] = this.nw - a;
    d[2] = this.ne - a;
    d[3] = samples[i - 2 * C]! - (useRef ? samples[i - 2 * C + r]! : 0) - a;
    d[4] = samples[up2]! - (useRef ? samples[up2 + r]! : 0) - a;
    d[5] = samples[up2 + C]! - (useRef ? samples[up2 + C + r]! : 0) - a;
  }

  /** G of the loaded sample's pixel for R and B of a three-channel group (what its domain subtracts), else 0. */
  referenceValue(samples: Int32Array): number {
    return this.differences ? samples[this.index + this.reference]! : 0;
  }

  /** The median edge detector's prediction of the loaded sample, in its domain. */
  median(): number {
    return medianEdge(this.a, this.b, this.nw);
  }

  /** |ne - b| + |b - nw| + |nw - a| of the loaded sample, its local gradient activity. */
  gradients(): number {
    return Math.abs(this.ne - this.b) + Math.abs(this.b - this.nw) + Math.abs(this.nw - this.a);
  }
}
