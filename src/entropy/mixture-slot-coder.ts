/**
 * Batch coding of symbols under format version 2's component-slot mixtures (mixture-slot-model.ts), K consecutive
 * components per symbol, on the same two alternating lanes, escapes and symbol hashes as format version 1's
 * mixture-coder.ts. A symbol's slots are not one interval: the encoder maps the rANS remainder to the slot of that
 * rank, the decoder maps the slot back to its bin (the leak slot names it; a component slot names the component,
 * whose one logistic is inverted) and its rank. These loops are the specification; mixture-coder-wasm.ts codes the
 * same bits faster.
 */
import type { ScaleIndexArray } from './logistic-params.js';
import { guessValue } from './logistic-model.js';
import { binOfValue, decodeEscapedValue, encodeEscapeOutside } from './mixture-coder.js';
import type { WeightArray } from './mixture-model.js';
import { SlotMixture, prepareSlotMixture, slotBinFrequency, slotBoundary, slotOfRank } from './mixture-slot-model.js';
import {
  PROBABILITY_ONE, decodeAdvance, decodeSlot, encodeRenormalize, type DecodeCursor, type Lanes, type WordStack,
} from './rans-core.js';
import { hashStep0, hashStep1 } from './symbol-hash.js';

const CDF_ONE = 2 ** 28;
/** Neighbour steps from the guess before the search bisects its bracket (bounds the work of a bad guess). */
const STEPS_BEFORE_BISECTION = 3;

/**
 * Pushes symbol x under a prepared slot mixture onto state `a`: its escape value first when x lies outside the
 * window, then the slot of rank (state mod frequency) among its bin's slots. The reference per-symbol step.
 * @returns the new state
 */
export function encodeSlotMixtureSymbol(a: number, x: number, s: SlotMixture, stack: WordStack): number {
  const m = s.mixture;
  a = encodeEscapeOutside(a, x, m.lo, m.nb, stack);
  const j = binOfValue(x, m.lo, m.nb);
  const f = slotBinFrequency(s, j);
  a = encodeRenormalize(a, f, stack);
  const q = Math.floor(a / f);
  return q * PROBABILITY_ONE + slotOfRank(s, j, a - q * f);
}

/**
 * The bin j of component c holding t (0 <= t < W_c) of its range: slotBoundary(c, j) <= t < slotBoundary(c, j + 1),
 * unique since the boundaries are non-decreasing in j. Starts from the table's inverse at t's level.
 */
function componentBin(s: SlotMixture, c: number, t: number): number {
  const m = s.mixture;
  const level = Math.min(CDF_ONE - 1, ((t + 0.5) / s.width[c]!) * CDF_ONE);
  let j = guessValue(level, m.mu[c]!, m.scale[c]!) - m.lo + 1;
  let jl = 0;
  let jh = m.nb;
  for (let probes = 0; ; probes++) {
    if (j < jl || j >= jh || probes > STEPS_BEFORE_BISECTION) j = jl + ((jh - jl) >> 1);
    if (slotBoundary(s, c, j) > t) {
      jh = j--;
    } else if (slotBoundary(s, c, j + 1) <= t) {
      jl = ++j;
    } else {
      return j;
    }
  }
}

/**
 * Decodes one symbol under a prepared slot mixture from the cursor (whose x is the state, updated in place): the
 * slot's bin and rank, the rANS step and the escape value where the bin is an escape bin. The reference step.
 * @returns the symbol
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32
 */
export function decodeSlotMixtureSymbol(cursor: DecodeCursor, s: SlotMixture): number {
  const m = s.mixture;
  const slot = decodeSlot(cursor.x);
  // A leak slot is bin j's rank 0; a slot of component c's range lies in the bin that inverting c gives.
  let c = -1;
  let j = slot;
  if (slot >= m.nb) {
    c = 0;
    while (slot >= s.start[c]! + s.width[c]!) c++;
    j = componentBin(s, c, slot - s.start[c]!);
  }
  const f = slotBinFrequency(s, j);
  let rank = 0;
  if (c >= 0) {
    rank = 1 + slot - s.start[c]! - s.below[c]!;
    for (let e = 0; e < c; e++) rank += s.freq[e]!;
  }
  cursor.x = decodeAdvance(cursor.x, slot - rank, f, cursor.reader);
  return j === 0 || j === m.nb - 1 ? decodeEscapedValue(cursor, j, m.lo, m.nb) : m.lo + j - 1;
}

/**
 * Encodes symbols[i] under the slot mixture at components [i*K, i*K+K) for i = n-1 down to 0. Parameters must
 * already be validated (see checkMixtureParams).
 */
export function encodeSlotMixtureReverse(
  lanes: Lanes, stack: WordStack, symbols: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  const s = new SlotMixture();
  let a = lanes.a;
  let b = lanes.b;
  for (let i = symbols.length - 1; i >= 0; i--) {
    prepareSlotMixture(mus, scales, weights, i * components, components, s);
    const t = encodeSlotMixtureSymbol(a, symbols[i]!, s, stack);
    a = b;
    b = t;
  }
  lanes.a = a;
  lanes.b = b;
}

/**
 * Decodes out[0..n-1] under the slot mixtures at components [i*K, i*K+K); the inverse of encodeSlotMixtureReverse.
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32
 */
export function decodeSlotMixture(
  lanes: Lanes, cursor: DecodeCursor, out: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  const s = new SlotMixture();
  let b = lanes.b;
  let h0 = lanes.h0;
  let h1 = lanes.h1;
  cursor.x = lanes.a;
  for (let i = 0; i < out.length; i++) {
    prepareSlotMixture(mus, scales, weights, i * components, components, s);
    const x = decodeSlotMixtureSymbol(cursor, s);
    out[i] = x;
    h0 = hashStep0(h0, x);
    h1 = hashStep1(h1, x);
    const t = cursor.x;
    cursor.x = b;
    b = t;
  }
  lanes.a = cursor.x;
  lanes.b = b;
  lanes.h0 = h0;
  lanes.h1 = h1;
}
