/**
 * Batch coding of symbols under a mixture of K discretised logistics each (mixture-model.ts), from typed arrays
 * holding K consecutive components per symbol. Encoding walks the batch backwards, decoding forwards, alternating
 * the two lanes per symbol. The decoder searches with Newton steps guided by the mixture's slope inside an exact
 * bracket (bisection when a step leaves it), so it always ends on the one bin whose interval holds the slot.
 * These loops are the specification; mixture-coder-wasm.ts codes the same bits faster.
 */
import { CorruptStreamError } from '../core/errors.js';
import { decodeEscapeValue, encodeEscapePut } from './escape.js';
import { hashStep0, hashStep1 } from './symbol-hash.js';
import type { ScaleIndexArray } from './logistic-params.js';
import { guessValue, slotLevel } from './logistic-model.js';
import {
  PreparedMixture, mixtureBoundary, mixtureBoundaryWithSlope, prepareMixture, type WeightArray,
} from './mixture-model.js';
import {
  PROBABILITY_ONE, decodeAdvance, decodeSlot, encodePut, type DecodeCursor, type Lanes, type WordStack,
} from './rans-core.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Pushes symbol x under a prepared mixture onto state `a`: its escape value first when x lies outside the window
 * (so that it decodes after the escape bin), then its bin's interval. The reference per-symbol step.
 * @returns the new state
 */
export function encodeMixtureSymbol(a: number, x: number, mixture: PreparedMixture, stack: WordStack): number {
  a = encodeEscapeOutside(a, x, mixture.lo, mixture.nb, stack);
  const j = binOfValue(x, mixture.lo, mixture.nb);
  const start = mixtureBoundary(j, mixture);
  const end = mixtureBoundary(j + 1, mixture);
  return encodePut(a, start, end - start, stack);
}

/** The bin (0..nb-1) of value x in a window from lo of nb bins: an escape bin (0 or nb - 1) when x lies outside. */
export function binOfValue(x: number, lo: number, nb: number): number {
  const j = x - lo + 1;
  return j <= 0 ? 0 : j >= nb - 1 ? nb - 1 : j;
}

/**
 * Pushes x's escape value onto state `a` when x lies outside the window from lo of nb bins (so that it decodes
 * after the escape bin), else nothing. @returns the new state
 */
export function encodeEscapeOutside(a: number, x: number, lo: number, nb: number, stack: WordStack): number {
  const j = x - lo + 1;
  if (j <= 0) return encodeEscapePut(a, lo - 1 - x, stack);
  if (j >= nb - 1) return encodeEscapePut(a, x - (lo + nb - 2), stack);
  return a;
}

/**
 * The symbol of escape bin j (0 or nb - 1) of a window starting at lo with nb bins: reads its escape value from
 * the cursor (whose x is the state, updated in place).
 * @throws CorruptStreamError when the stream runs out or the symbol falls outside int32
 */
export function decodeEscapedValue(cursor: DecodeCursor, j: number, lo: number, nb: number): number {
  const at = cursor.reader.pos;
  const value = decodeEscapeValue(cursor, at);
  const x = j === 0 ? lo - 1 - value : lo + nb - 2 + value;
  if (x < INT32_MIN || x > INT32_MAX) {
    throw new CorruptStreamError(`corrupt stream: escaped symbol ${x} outside int32 near byte ${at}`);
  }
  return x;
}

/**
 * Encodes symbols[i] under the mixture at components [i*K, i*K+K) for i = n-1 down to 0. Parameters must already
 * be validated (see checkMixtureParams).
 */
export function encodeMixtureReverse(
  lanes: Lanes, stack: WordStack, symbols: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  const mixture = new PreparedMixture();
  let a = lanes.a;
  let b = lanes.b;
  for (let i = symbols.length - 1; i >= 0; i--) {
    const x = symbols[i]!;
    const offset = i * components;
    prepareMixture(mus, scales, weights, offset, components, mixture);
    a = encodeMixtureSymbol(a, x, mixture, stack);
    const t = a;
    a = b;
    b = t;
  }
  lanes.a = a;
  lanes.b = b;
}

/**
 * Decodes one symbol under a prepared mixture from the cursor (whose x is the state, updated in place): the bin
 * search, the rANS step and the escape value where the bin is an escape bin. The reference per-symbol step.
 * @returns the symbol
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32
 */
export function decodeMixtureSymbol(cursor: DecodeCursor, mixture: PreparedMixture): number {
  const lo = mixture.lo;
  const nb = mixture.nb;
  const slot = decodeSlot(cursor.x);
  // Newton steps on the cumulative frequency, from the heaviest component's quantile, inside a bracket that
  // always holds the answer: boundary(jl) = cl <= slot < ch = boundary(jh).
  const heaviest = mixture.heaviest;
  let j = guessValue(slotLevel(slot, 0, 0), mixture.mu[heaviest]!, mixture.scale[heaviest]!) - lo + 1;
  let jl = 0;
  let jh = nb;
  let cl = 0;
  let ch = PROBABILITY_ONE;
  while (jh - jl > 1) {
    if (j <= jl || j >= jh) j = jl + ((jh - jl) >> 1);
    const c = mixtureBoundaryWithSlope(j, mixture);
    const slope = mixture.slope;
    if (c <= slot) {
      jl = j;
      cl = c;
      // A step that lands on j itself means the answer is j when boundary(j + 1) > slot: test that next.
      j = slope > 0 ? j + Math.max(1, Math.floor((slot - c) / slope)) : jh;
    } else {
      jh = j;
      ch = c;
      j = slope > 0 ? j - Math.ceil((c - slot) / slope) : jl;
    }
  }
  cursor.x = decodeAdvance(cursor.x, cl, ch - cl, cursor.reader);
  return jl === 0 || jl === nb - 1 ? decodeEscapedValue(cursor, jl, lo, nb) : lo + jl - 1;
}

/**
 * Decodes out[0..n-1] under the mixtures at components [i*K, i*K+K); the inverse of encodeMixtureReverse.
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32
 */
export function decodeMixture(
  lanes: Lanes, cursor: DecodeCursor, out: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  const mixture = new PreparedMixture();
  let b = lanes.b;
  let h0 = lanes.h0;
  let h1 = lanes.h1;
  cursor.x = lanes.a;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    prepareMixture(mus, scales, weights, i * components, components, mixture);
    const x = decodeMixtureSymbol(cursor, mixture);
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
