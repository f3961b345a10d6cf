/**
 * Fallback mode 8's sample coder: mode 5's prediction (mu, scale index, sign context) with each sample binarised
 * (zero, sign, exponent, mantissa; a decision only where both outcomes are possible) and every decision's
 * probability a logistic mix of the discretised logistic's own split and two adaptive bits. Byte-exact rules in
 * PAYLOAD.md ("The mixed cascade model"). Invariant: integer-only state updated after each decision, and a decoded
 * value always lies in 0..max by construction, so encoder and decoder agree and no value can leave the range.
 */
import {
  AdaptiveBitCoder, edgeBase, logisticBoundary, spreadOf, squash, stretch, windowCenter, windowHalfWidth,
} from '../entropy/index.js';

/** Decision slots: 0 zero, 1 sign, 2 + j exponent bit j (j = 0..14), 17 + e the top mantissa bit of exponent e (1..15). */
const DECISIONS = 33;
/** Scale bins of the adaptive contexts: clamp((k - 51) >> 4, 0, 23). */
const SCALE_BINS = 24;
/** Mixer weight sets: (scale bin >> 2) x decision slot. */
const MIXER_SETS = (SCALE_BINS >> 2) * DECISIONS;
const INPUTS = 4;
/** The mixer's constant input. */
const BIAS_INPUT = 256;
/** Mixer weights have 16 fractional bits and stay in +-WEIGHT_LIMIT. */
const WEIGHT_LIMIT = 1 << 19;
/** Adaptive bits: p1 in 1/65536 starts at a half, steps 1/(n + 2) until n = COUNT_LIMIT (mode 6's rule). */
const COUNT_LIMIT = 30;
const RATE = Int32Array.from({ length: COUNT_LIMIT + 1 }, (_, n) => Math.floor(32768 / (n + 2)));
/** Sign contexts per channel in mode 5's model. */
const SIGN_CONTEXTS = 108;

/**
 * Codes the samples of one plane group (or of its low bytes) in coding order through one AdaptiveBitCoder, one
 * `code` call per sample; the caller supplies mode 5's prediction of each.
 */
export class MixedSampleCoder {
  private readonly adaptiveP: Uint16Array;
  private readonly adaptiveN: Uint8Array;
  private readonly signP: Uint16Array;
  private readonly signN: Uint8Array;
  private readonly weights: Int32Array;
  private readonly channels: number;
  /** Class of the last residual of the pixel (1 zero, 2 |r| < 8, 3 larger). */
  private previousClass = 0;
  // per-sample state shared by the decisions
  private k = 0;
  private contextBase = 0;
  private signBase = 0;
  private setBase = 0;
  /** The current sample's logistic window: first value lo - 1 (the low escape bin), nb bins, edge base, spread. */
  private lo = 0;
  private nb = 0;
  private base = 0;
  private spread = 0;

  /**
   * @param bits the coder (encoder or decoder) the decisions go through
   * @param channels interleaved channels of the group, 1..4
   * @param maxValue largest symbol value, 1..65535
   */
  constructor(private readonly bits: AdaptiveBitCoder, channels: number, private readonly maxValue: number) {
    this.channels = channels;
    this.adaptiveP = new Uint16Array(SCALE_BINS * DECISIONS * channels * 4).fill(32768);
    this.adaptiveN = new Uint8Array(this.adaptiveP.length);
    this.signP = new Uint16Array(SIGN_CONTEXTS * channels * DECISIONS).fill(32768);
    this.signN = new Uint8Array(this.signP.length);
    this.weights = new Int32Array(MIXER_SETS * INPUTS);
    for (let s = 0; s < MIXER_SETS; s++) this.weights[s * INPUTS] = 65536;
  }

  /**
   * P(value < x) in 1/2^24 under the discretised logistic (muQ, k) exactly as mode 5 codes it: the start of x's
   * interval (logisticInterval's), from the window set up by code().
   */
  private below(x: number): number {
    let j = x - this.lo + 1;
    j = j < 0 ? 0 : j > this.nb - 1 ? this.nb - 1 : j;
    return logisticBoundary(j, this.nb, this.base, this.k, this.spread);
  }

  /** Codes one decision in slot d: bit 1 has logistic mass m1, bit 0 mass m0; aux 0..3 picks the adaptive context. */
  private decide(d: number, m1: number, m0: number, aux: number, value: number): number {
    let pl = Math.floor((m1 * 4096) / (m1 + m0));
    pl = pl < 1 ? 1 : pl > 4095 ? 4095 : pl;
    const a = (this.contextBase + d * this.channels * 4) + aux;
    const s = this.signBase + d;
    const s0 = stretch(pl);
    const s1 = stretch(this.adaptiveP[a]! >> 4);
    const s2 = stretch(this.signP[s]! >> 4);
    const w = this.weights;
    const base = this.setBase + d * INPUTS;
    const w0 = w[base]!;
    const w1 = w[base + 1]!;
    const w2 = w[base + 2]!;
    const w3 = w[base + 3]!;
    const p = squash(Math.floor((w0 * s0 + w1 * s1 + w2 * s2 + w3 * BIAS_INPUT) / 65536));
    const bit = this.bits.code(p * 16, value);
    const err = (bit << 12) - p;
    w[base] = clampWeight(w0 + ((s0 * err) >> 13));
    w[base + 1] = clampWeight(w1 + ((s1 * err) >> 13));
    w[base + 2] = clampWeight(w2 + ((s2 * err) >> 13));
    w[base + 3] = clampWeight(w3 + ((BIAS_INPUT * err) >> 13));
    adapt(this.adaptiveP, this.adaptiveN, a, bit);
    adapt(this.signP, this.signN, s, bit);
    return bit;
  }

  /** Codes one decision with the logistic's split alone: bit 1 has mass m1, bit 0 mass m0. */
  private logisticBit(m1: number, m0: number, value: number): number {
    let p = Math.floor((m1 * 65536) / (m1 + m0));
    p = p < 1 ? 1 : p > 65535 ? 65535 : p;
    return this.bits.code(p, value);
  }

  /**
   * Codes (encoder) or decodes one sample.
   * @param value the symbol, 0..maxValue (ignored when decoding)
   * @param muQ mode 5's mu for it, 1/256 units, 0..256 maxValue
   * @param k mode 5's scale index, 0..576
   * @param signContext mode 5's sign context, 0..108 channels - 1
   * @param place the channel's place in the pixel's coding order, 0..channels - 1
   * @returns the symbol (encoded or decoded), 0..maxValue
   * @throws CorruptStreamError (decoder) when the stream runs out
   */
  code(value: number, muQ: number, k: number, signContext: number, place: number): number {
    const max = this.maxValue;
    let c = (muQ + 128) >> 8;
    c = c < 0 ? 0 : c > max ? max : c;
    this.k = k;
    const halfWidth = windowHalfWidth(k);
    this.lo = windowCenter(muQ) - halfWidth;
    this.nb = 2 * halfWidth + 3;
    this.base = edgeBase(this.lo, muQ);
    this.spread = spreadOf(this.nb);
    let kq = (k - 51) >> 4;
    kq = kq < 0 ? 0 : kq > SCALE_BINS - 1 ? SCALE_BINS - 1 : kq;
    this.contextBase = (kq * DECISIONS * this.channels + place) * 4;
    this.signBase = signContext * DECISIONS;
    this.setBase = (kq >> 2) * DECISIONS * INPUTS;
    const cls = place === 0 ? 0 : this.previousClass;
    const wide = cls > 1 ? 1 : 0;
    // zero
    const f0 = this.below(0);
    const fc = this.below(c);
    const fc1 = this.below(c + 1);
    const fEnd = this.below(max + 1);
    const zeroMass = fc1 - fc;
    const total = fEnd - f0;
    const z = this.decide(0, zeroMass < 1 ? 1 : zeroMass, total - zeroMass < 1 ? 1 : total - zeroMass, cls, value === c ? 1 : 0);
    let result = c;
    if (!z) {
      // sign
      let negative: boolean;
      if (c > 0 && c < max) {
        const up = muQ >= c * 256 ? 1 : 0;
        const lower = fc - f0;
        const upper = fEnd - fc1;
        negative = this.decide(1, lower < 1 ? 1 : lower, upper < 1 ? 1 : upper, 2 * up + wide, value < c ? 1 : 0) === 1;
      } else {
        negative = c === max;
      }
      const limit = negative ? c : max - c;
      const m = value < c ? c - value : value - c;
      const aux = (negative ? 2 : 0) + wide;
      // G(t), the logistic's cumulative frequency at the edge below magnitude t on this side: F(c + t), or
      // F(c - t + 1) below c; the mass of magnitudes a..b is |G(b + 1) - G(a)| (at least 1).
      const gEnd = negative ? f0 : fEnd;
      // exponent: e = floor(log2 |r|), unary while a larger one fits; gIn = G(2^e), gOut = G(2^(e + 1))
      let e = 0;
      let gIn = negative ? fc : fc1;
      let gOut = gEnd;
      while (2 << e <= limit) {
        gOut = this.below(negative ? c - (2 << e) + 1 : c + (2 << e));
        const m1 = negative ? gOut - gEnd : gEnd - gOut;
        const m0 = negative ? gIn - gOut : gOut - gIn;
        const more = this.decide(2 + e, m1 < 1 ? 1 : m1, m0 < 1 ? 1 : m0, aux, m >= 2 << e ? 1 : 0);
        if (!more) break;
        gIn = gOut;
        gOut = gEnd;
        e++;
      }
      // mantissa, most significant first, only the bits whose upper half is possible; gLo = G(lo), gHi = G(hi + 1)
      let lo = 1 << e;
      let hi = (2 << e) - 1;
      let gLo = gIn;
      let gHi = gOut;
      if (hi > limit) {
        hi = limit;
        gHi = gEnd;
      }
      for (let j = e - 1; j >= 0; j--) {
        const mid = lo + (1 << j);
        if (mid > hi) continue;
        const gMid = this.below(negative ? c - mid + 1 : c + mid);
        let m1 = negative ? gMid - gHi : gHi - gMid;
        let m0 = negative ? gLo - gMid : gMid - gLo;
        m1 = m1 < 1 ? 1 : m1;
        m0 = m0 < 1 ? 1 : m0;
        const bit = j === e - 1
          ? this.decide(17 + e, m1, m0, aux, m >= mid ? 1 : 0)
          : this.logisticBit(m1, m0, m >= mid ? 1 : 0);
        if (bit) {
          lo = mid;
          gLo = gMid;
        } else {
          hi = mid - 1;
          gHi = gMid;
        }
      }
      result = negative ? c - lo : c + lo;
    }
    const r = result - c;
    this.previousClass = r === 0 ? 1 : r > -8 && r < 8 ? 2 : 3;
    return result;
  }
}

/** A mixer weight clamped to +-WEIGHT_LIMIT. */
function clampWeight(v: number): number {
  return v > WEIGHT_LIMIT ? WEIGHT_LIMIT : v < -WEIGHT_LIMIT ? -WEIGHT_LIMIT : v;
}

/** Mode 6's adaptive-bit update of context i of (p, n) after bit b. */
function adapt(p: Uint16Array, n: Uint8Array, i: number, b: number): void {
  const q = p[i]!;
  const count = n[i]!;
  const next = q + ((((b << 16) - q) * RATE[count]!) >> 15);
  p[i] = next < 1 ? 1 : next > 65535 ? 65535 : next;
  if (count < COUNT_LIMIT) n[i] = count + 1;
}
