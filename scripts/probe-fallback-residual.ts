/**
 * Developer probe (ideal code lengths only, floats allowed: nothing here is a format): keeps mode 5's prediction and
 * contexts (FallbackCascadeModel) on the training tiles of tune-fallback (photos-train + usc-sipi-misc, never Kodak)
 * and compares ways of coding each sample: L = mode 5's discretised logistic; A = the residual binarised (zero,
 * sign, exponent, mantissa; a decision only where both outcomes are possible) with adaptive bits in scale contexts;
 * B = the same decisions with the logistic's own probabilities refined by an SSE stage; C = logistic mixing of
 * A's, the logistic's and adaptive bits in mode 5's sign context (C; inputs also, unless NOB / NOR / NON is set,
 * B's output and adaptive bits in (previous channel's residual) and (residuals at W and N) contexts), C2 = C + SSE.
 * Prints bits per sub-pixel of each. Knobs (environment): LR (mixer rate, 0.005), SETS (mixer weight sets: 0 scale bin
 * x decision, 1 decision, 2 scale bin / 4 x decision, 3 decision x channel), SSE_RATE (0.02), SSE_MIX (0.5).
 * Usage: node dist/scripts/probe-fallback-residual.js [--every N] (run tune-fallback once first: it caches the tiles)
 */
import { readFileSync } from 'node:fs';
import { FallbackCascadeModel } from '../src/codec/fallback-cascade-model.js';
import { intervalCodeLengthBits, logisticInterval } from '../src/entropy/index.js';

const TILE = 128;
const CACHE = '/tmp/idfz-tune-fallback-tiles-v1.bin';
const args = process.argv.slice(2);
const every = args.includes('--every') ? Number(args[args.indexOf('--every') + 1]) : 1;
const all = readFileSync(CACHE);
const size = TILE * TILE * 3;
const tiles = Array.from({ length: all.length / size }, (_, k) => new Uint8Array(all.subarray(k * size, (k + 1) * size)))
  .filter((_, k) => k % every === 0);

const stretch = (p: number): number => Math.log(p / (1 - p));
const squash = (x: number): number => 1 / (1 + Math.exp(-x));
const clampP = (p: number): number => Math.min(1 - 1 / 4096, Math.max(1 / 4096, p));

/** An adaptive probability per context, mode 6's rule (1/(n+2) steps down to 1/32). */
class Adaptive {
  p: Float64Array;
  n: Uint8Array;
  constructor(size: number) {
    this.p = new Float64Array(size).fill(0.5);
    this.n = new Uint8Array(size);
  }
  update(ctx: number, bit: number): void {
    const n = this.n[ctx]!;
    this.p[ctx]! += (bit - this.p[ctx]!) / (n + 2);
    if (n < 30) this.n[ctx] = n + 1;
  }
}

/** SSE: per context, 33 buckets over stretch(p) in -8..8, interpolated, updated toward the bit. */
class Sse {
  t: Float64Array;
  constructor(contexts: number) {
    this.t = new Float64Array(contexts * 33);
    for (let c = 0; c < contexts; c++) for (let j = 0; j < 33; j++) this.t[c * 33 + j] = squash((j - 16) / 2);
  }
  private at = 0;
  private w = 0;
  p(ctx: number, p: number): number {
    const s = Math.min(7.999, Math.max(-7.999, stretch(p)));
    const pos = (s + 8) * 2;
    const j = Math.floor(pos);
    this.w = pos - j;
    this.at = ctx * 33 + j;
    return this.t[this.at]! * (1 - this.w) + this.t[this.at + 1]! * this.w;
  }
  update(bit: number, rate: number): void {
    this.t[this.at]! += (bit - this.t[this.at]!) * rate * (1 - this.w);
    this.t[this.at + 1]! += (bit - this.t[this.at + 1]!) * rate * this.w;
  }
}

/** A logistic mixer: weights per context set. */
class Mixer {
  w: Float64Array;
  x: Float64Array;
  private set = 0;
  pr = 0.5;
  constructor(readonly inputs: number, contexts: number, readonly rate: number) {
    this.w = new Float64Array(inputs * contexts);
    for (let c = 0; c < contexts; c++) this.w[c * inputs] = 1;
    this.x = new Float64Array(inputs);
  }
  mix(ctx: number): number {
    this.set = ctx * this.inputs;
    let dot = 0;
    for (let i = 0; i < this.inputs; i++) dot += this.w[this.set + i]! * this.x[i]!;
    this.pr = clampP(squash(dot));
    return this.pr;
  }
  update(bit: number): void {
    const err = bit - this.pr;
    for (let i = 0; i < this.inputs; i++) this.w[this.set + i]! += this.rate * err * this.x[i]!;
  }
}

const DECISIONS = 64; // decision slots: 0 zero, 1 sign, 2 + k exponent bit k, 18 + 2 e (+1 below the top) mantissa
const KQ = 24;
const LR = Number(process.env.LR ?? '0.005');
const SETS = Number(process.env.SETS ?? '0');
const SSE_RATE = Number(process.env.SSE_RATE ?? '0.02');
const SSE_MIX = Number(process.env.SSE_MIX ?? '0.5');
const cost = { L: 0, A: 0, B: 0, C: 0, C2: 0 };
let samples = 0;

for (const tile of tiles) {
  const model = new FallbackCascadeModel(TILE, 3, 255);
  const values = Int32Array.from(tile);
  const adaptiveA = new Adaptive(KQ * DECISIONS * 3 * 4);
  const adaptiveS = new Adaptive(108 * 3 * DECISIONS);
  const sseB = new Sse(KQ * DECISIONS);
  const sseC = new Sse(KQ * DECISIONS);
  const mixer = new Mixer(7, KQ * DECISIONS * 3, LR);
  const adaptiveR = new Adaptive(3 * 9 * 12 * DECISIONS);
  const adaptiveN = new Adaptive(3 * 25 * 6 * DECISIONS);
  const resUp = new Int32Array(TILE * 3);
  const resRow = new Int32Array(TILE * 3);
  let prevR = 0;
  const order = model.channelOrder();
  let prevClass = 0;
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      for (let o = 0; o < 3; o++) {
        const c = order[o]!;
        model.predict(values, x, y, c);
        const v = values[(y * TILE + x) * 3 + c]!;
        const muQ = model.muQ;
        const k = model.scaleIndex;
        cost.L += intervalCodeLengthBits(logisticInterval(v, muQ, k));
        /** Logistic mass of values [a, b] (inclusive), at least 1. */
        const mass = (a: number, b: number): number => Math.max(1, logisticInterval(b + 1, muQ, k).start - logisticInterval(a, muQ, k).start);
        const center = Math.min(255, Math.max(0, (muQ + 128) >> 8));
        const kq = Math.min(KQ - 1, Math.max(0, (k - 51) >> 4));
        const fracUp = muQ >= center * 256 ? 1 : 0;
        const cls = o === 0 ? 0 : prevClass;
        const signCtx = model.signContext;
        const clip = (q: number, m: number): number => (q < -m ? -m : q > m ? m : q);
        const rPrev = o === 0 ? 4 : clip(prevR, 3) + 4 + (o === 2 ? 0 : 0);
        const rW = x > 0 ? clip(resRow[(x - 1) * 3 + c]!, 2) + 2 : 2;
        const rN = y > 0 ? clip(resUp[x * 3 + c]!, 2) + 2 : 2;
        const bitsOf = (p: number, bit: number): number => -Math.log2(bit ? p : 1 - p);
        /** Codes one decision in slot d: bit 1 has logistic mass m1, bit 0 mass m0; aux 0..3 refines A's context. */
        const decide = (d: number, m1: number, m0: number, aux: number, bit: number): void => {
          const pL = clampP(m1 / (m1 + m0));
          const ctxA = ((kq * DECISIONS + d) * 3 + o) * 4 + aux;
          const pA = clampP(adaptiveA.p[ctxA]!);
          const ctxS = signCtx * DECISIONS + d;
          const pS = clampP(adaptiveS.p[ctxS]!);
          cost.A += bitsOf(pA, bit);
          const pB = clampP(sseB.p(kq * DECISIONS + d, pL));
          cost.B += bitsOf(clampP(SSE_MIX * pB + (1 - SSE_MIX) * pL), bit);
          mixer.x[0] = stretch(pL);
          mixer.x[1] = stretch(pA);
          mixer.x[2] = stretch(pS);
          mixer.x[3] = 0.3;
          mixer.x[4] = process.env.NOB ? 0 : stretch(pB);
          const ctxR = ((o * 9 + rPrev) * 12 + (kq >> 1)) * DECISIONS + d;
          const ctxN = ((c * 25 + rW * 5 + rN) * 6 + (kq >> 2)) * DECISIONS + d;
          mixer.x[5] = process.env.NOR ? 0 : stretch(clampP(adaptiveR.p[ctxR]!));
          mixer.x[6] = process.env.NON ? 0 : stretch(clampP(adaptiveN.p[ctxN]!));
          adaptiveR.update(ctxR, bit);
          adaptiveN.update(ctxN, bit);
          const pC = mixer.mix(SETS === 0 ? kq * DECISIONS + d : SETS === 1 ? d : SETS === 3 ? d * 3 + o : (kq >> 2) * DECISIONS + d);
          cost.C += bitsOf(pC, bit);
          const pC2 = clampP(sseC.p(kq * DECISIONS + d, pC));
          cost.C2 += bitsOf(clampP((1 - SSE_MIX) * pC + SSE_MIX * pC2), bit);
          adaptiveA.update(ctxA, bit);
          adaptiveS.update(ctxS, bit);
          sseB.update(bit, SSE_RATE);
          sseC.update(bit, SSE_RATE);
          mixer.update(bit);
        };
        const r = v - center;
        const max = 255;
        const zeroMass = mass(center, center);
        decide(0, zeroMass, Math.max(1, mass(0, max) - zeroMass), cls, r === 0 ? 1 : 0);
        if (r !== 0) {
          const negative = r < 0;
          if (center > 0 && center < max) decide(1, mass(0, center - 1), mass(center + 1, max), fracUp * 2 + (cls > 1 ? 1 : 0), negative ? 1 : 0);
          const limit = negative ? center : max - center;
          const side = (a: number, b: number): number => (negative ? mass(center - b, center - a) : mass(center + a, center + b));
          const m = Math.abs(r);
          const aux = (negative ? 2 : 0) + (cls > 1 ? 1 : 0);
          let e = 0;
          while (2 ** (e + 1) <= limit) {
            const more = m >= 2 ** (e + 1) ? 1 : 0;
            decide(2 + e, side(2 ** (e + 1), limit), side(2 ** e, 2 ** (e + 1) - 1), aux, more);
            if (!more) break;
            e++;
          }
          let lo = 2 ** e;
          let hi = Math.min(2 ** (e + 1) - 1, limit);
          for (let j = e - 1; j >= 0; j--) {
            const mid = lo + 2 ** j;
            if (mid > hi) continue;
            const up = m >= mid ? 1 : 0;
            decide(18 + 2 * e + (j === e - 1 ? 0 : 1), side(mid, hi), side(lo, mid - 1), aux, up);
            if (up) lo = mid;
            else hi = mid - 1;
          }
        }
        prevR = r;
        resRow[x * 3 + c] = r;
        if (x === TILE - 1 && o === 2) resUp.set(resRow);
        prevClass = r === 0 ? 1 : Math.abs(r) < 8 ? 2 : 3;
        model.update(v, x, c);
        samples++;
      }
    }
  }
}
for (const [name, bits] of Object.entries(cost)) console.log(`${name}: ${(bits / samples).toFixed(4)} bits/sub-pixel`);
