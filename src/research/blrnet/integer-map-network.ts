/**
 * The MAP (or ternary) PBNet as a deterministic integer network, and its runner on the project's integer engine.
 * Export: weights become int8 +-1 (or 0); each hidden channel's batch norm and sign fold into one integer threshold
 * (h = +1 iff acc >= T, the channel's weights negated where the batch-norm scale is negative); the output layer's
 * batch norm becomes a per-class table of integer ranks (non-decreasing, weights negated likewise). Thresholds and ranks are found by evaluating the float32
 * ops of fixed-network.ts exactly (Math.fround), so the integer network makes the same predictions as the tfjs
 * network bit for bit. Invariant: every value the runner computes is an integer; no float touches a prediction.
 */
import { ModelError } from '../../core/errors.js';
import { proveAccumulatorBound, tensor16, type ConvLayer, type DenseLayer, type Engine, type Tensor16 } from '../../engine/index.js';
import { INT32_MAX, INT32_MIN } from '../../engine/index.js';
import type { FixedNetwork, FoldedNorm } from './fixed-network.js';
import { PIXEL_CENTRE } from './blrnet-graph.js';
import { resolveLayers, type BlrnetSpec, type ResolvedLayer } from './blrnet-spec.js';

/** Largest |centred pixel| the first layer sees (pixels 0..255 minus 128). */
export const INPUT_BOUND = PIXEL_CENTRE;
/** Largest output-layer rank table (classes x (2 bound + 1) entries). */
const MAX_RANK_ENTRIES = 2 ** 24;

/** A hidden layer: acc = W x (int32, exact); h = +1 where acc >= threshold[channel], else -1; then 2x2 max-pool. */
export interface IntegerHiddenLayer {
  /** Weights in {-1, 0, +1}, theta's layout ([k][k][in][out] or [in][out]). */
  readonly weights: Int8Array;
  /** Per output channel, an integer in [-bound, bound + 1] (bound + 1: never +1). */
  readonly thresholds: Int32Array;
}

/**
 * The output layer: acc = W x; logit[c] = ranks[c * (2 bound + 1) + acc + bound], non-decreasing in acc (a class
 * whose batch-norm scale is negative has its weights negated); prediction = first argmax.
 */
export interface IntegerOutputLayer {
  readonly weights: Int8Array;
  /** Largest |acc|: fan-in times the input bound. */
  readonly bound: number;
  /** classes * (2 bound + 1) ranks, monotone in acc per class (order-equal to the float32 logits). */
  readonly ranks: Int32Array;
}

/** A whole integer network. */
export interface IntegerMapNetwork {
  readonly spec: BlrnetSpec;
  readonly hidden: readonly IntegerHiddenLayer[];
  readonly output: IntegerOutputLayer;
}

/** Largest |acc| of a layer: fan-in times the largest |input| (pixels for the first layer, 1 after). */
export function accumulatorBound(r: ResolvedLayer): number {
  return r.fanIn * (r.index === 0 ? INPUT_BOUND : 1);
}

/** The float32 value fixed-network.ts computes from an integer pre-activation: ((a - mean) * scale) + shift. */
function foldedValue(norm: FoldedNorm, channel: number, a: number): number {
  return Math.fround(Math.fround(Math.fround(a - norm.mean[channel]!) * norm.scale[channel]!) + norm.shift[channel]!);
}

/**
 * The smallest a' in [-bound, bound] with f(sign * a') >= 0, or bound + 1 when there is none. f is weakly monotone
 * (each float32 op rounds monotonically), so g(a') = f(sign * a') is non-decreasing for the chosen sign and binary
 * search is exact.
 */
function thresholdOf(norm: FoldedNorm, channel: number, sign: number, bound: number): number {
  let lo = -bound;
  let hi = bound + 1;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (foldedValue(norm, channel, sign * mid) >= 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function int8Weights(weights: Float32Array, layer: number): Int8Array {
  const out = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w !== 1 && w !== -1 && w !== 0) throw new ModelError(`layer ${layer}: weight ${i} is ${w}; an integer network needs weights in {-1, 0, +1}`);
    out[i] = w;
  }
  return out;
}

/**
 * Exports a fixed network (MAP or ternary weights, folded batch norm) as an integer network.
 * @throws ModelError when a weight is not -1, 0 or +1, or the output layer's rank table would be too large
 */
export function exportIntegerNetwork(network: FixedNetwork): IntegerMapNetwork {
  const layers = resolveLayers(network.spec);
  const hidden: IntegerHiddenLayer[] = [];
  for (const r of layers.slice(0, -1)) {
    const weights = int8Weights(network.weights[r.index]!, r.index);
    const norm = network.norms[r.index]!;
    const bound = accumulatorBound(r);
    const thresholds = new Int32Array(r.outChannels);
    for (let o = 0; o < r.outChannels; o++) {
      const sign = norm.scale[o]! < 0 ? -1 : 1;
      thresholds[o] = thresholdOf(norm, o, sign, bound);
      if (sign < 0) for (let i = o; i < weights.length; i += r.outChannels) weights[i] = -weights[i]!;
    }
    hidden.push({ weights, thresholds });
  }
  const last = layers[layers.length - 1]!;
  const bound = accumulatorBound(last);
  const classes = last.outChannels;
  const span = 2 * bound + 1;
  if (span * classes > MAX_RANK_ENTRIES) throw new ModelError(`output layer: a rank table of ${span * classes} entries is too large; add a hidden layer before the output`);
  const norm = network.norms[last.index]!;
  const outputWeights = int8Weights(network.weights[last.index]!, last.index);
  const values = new Float32Array(span * classes);
  for (let c = 0; c < classes; c++) {
    // As for hidden channels, a negative scale negates the class's weights, so every rank row is non-decreasing.
    const sign = norm.scale[c]! < 0 ? -1 : 1;
    if (sign < 0) for (let i = c; i < outputWeights.length; i += classes) outputWeights[i] = -outputWeights[i]!;
    for (let a = -bound; a <= bound; a++) values[c * span + a + bound] = foldedValue(norm, c, sign * a);
  }
  const sorted = Float32Array.from(new Set(values)).sort();
  const rankOf = new Map<number, number>();
  sorted.forEach((value, rank) => rankOf.set(value, rank));
  const ranks = Int32Array.from(values, (value) => rankOf.get(value)!);
  return { spec: network.spec, hidden, output: { weights: outputWeights, bound, ranks } };
}

const WIDE = { multipliers: [1], shifts: [0], lo: INT32_MIN, hi: INT32_MAX, output: 'int32' as const };

function wideRequant(channels: number) {
  return { ...WIDE, multipliers: new Int32Array(channels).fill(1), shifts: new Int32Array(channels) };
}

/** Runs an integer network on the engine, one image at a time. */
export class IntegerMapRunner {
  private readonly resolved: ResolvedLayer[];
  private readonly prepared: (ConvLayer<'int32'> | DenseLayer<'int32'>)[];

  /**
   * Prepares every layer on `engine` after proving that no accumulator can overflow int32.
   * @throws ModelError when a layer does not fit the engine or its accumulator bound
   */
  constructor(readonly network: IntegerMapNetwork, private readonly engine: Engine) {
    this.resolved = resolveLayers(network.spec);
    const allWeights = [...network.hidden.map((h) => h.weights), network.output.weights];
    this.prepared = this.resolved.map((r) => {
      const weights = allWeights[r.index]!;
      const name = `blrnet layer ${r.index}`;
      const requant = wideRequant(r.outChannels);
      if (r.layer.kind === 'conv') {
        const spec = { name, kernelSize: r.layer.kernelSize, inChannels: r.inChannels, outChannels: r.outChannels, weights, requant };
        proveAccumulatorBound(spec, r.index === 0 ? INPUT_BOUND : 1);
        return engine.prepareConv(spec);
      }
      const spec = { name, inputs: r.inChannels, outputs: r.outChannels, weights, requant };
      proveAccumulatorBound(spec, r.index === 0 ? INPUT_BOUND : 1);
      return engine.prepareDense(spec);
    });
  }

  /**
   * Integer logits (ranks) of one image.
   * @param image H x W x C uint8 pixels, HWC
   * @throws ModelError when the image does not have the network's geometry
   */
  logits(image: Uint8Array): Int32Array {
    const { height, width, channels } = this.network.spec;
    if (image.length !== height * width * channels) throw new ModelError(`expected a ${height}x${width}x${channels} image (${height * width * channels} bytes) but received ${image.length} bytes`);
    let x: Tensor16 = tensor16(height, width, channels, Int16Array.from(image, (p) => p - PIXEL_CENTRE));
    for (const r of this.resolved) {
      const layer = this.prepared[r.index]!;
      const acc = 'kernelSize' in layer ? this.engine.conv2d(layer, x) : this.engine.dense(layer, x);
      if (r.isOutput) {
        const { bound, ranks } = this.network.output;
        const span = 2 * bound + 1;
        return Int32Array.from(acc.data, (a, c) => ranks[c * span + a + bound]!);
      }
      const thresholds = this.network.hidden[r.index]!.thresholds;
      const c = r.outChannels;
      const h = new Int16Array(acc.data.length);
      for (let i = 0; i < h.length; i++) h[i] = acc.data[i]! >= thresholds[i % c]! ? 1 : -1;
      x = r.layer.kind === 'conv' && r.layer.pool ? maxPool2x2(tensor16(acc.height, acc.width, c, h)) : tensor16(acc.height, acc.width, c, h);
    }
    throw new ModelError('the integer network has no output layer');
  }

  /** The predicted class of one image: the first index of the largest integer logit. */
  predict(image: Uint8Array): number {
    const logits = this.logits(image);
    let best = 0;
    for (let c = 1; c < logits.length; c++) if (logits[c]! > logits[best]!) best = c;
    return best;
  }
}

/** 2x2 stride-2 max-pool of an int16 HWC map with even height and width. */
export function maxPool2x2(x: Tensor16): Tensor16 {
  const [ho, wo, c] = [x.height / 2, x.width / 2, x.channels];
  const out = new Int16Array(ho * wo * c);
  const row = x.width * c;
  for (let y = 0; y < ho; y++) {
    for (let xx = 0; xx < wo; xx++) {
      const base = 2 * y * row + 2 * xx * c;
      for (let k = 0; k < c; k++) {
        const i = base + k;
        out[(y * wo + xx) * c + k] = Math.max(x.data[i]!, x.data[i + c]!, x.data[i + row]!, x.data[i + row + c]!);
      }
    }
  }
  return tensor16(ho, wo, c, out);
}
