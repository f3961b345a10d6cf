/**
 * Batch coding of symbols under one discretised logistic each (logistic-model.ts), straight from typed arrays.
 * Encoding walks the batch backwards, decoding forwards; both alternate the two lanes per symbol, so a batch coded
 * by encodeLogisticReverse decodes with decodeLogistic given the same parameters, bit for bit.
 */
import { CorruptStreamError } from '../core/errors.js';
import { decodeEscapeValue, encodeEscapePut } from './escape.js';
import { hashStep0, hashStep1 } from './symbol-hash.js';
import type { ScaleIndexArray } from './logistic-params.js';
import {
  edgeBase, guessBin, logisticBoundary, spreadOf, windowCenter, windowHalfWidth,
} from './logistic-model.js';
import {
  decodeAdvance, decodeSlot, encodePut, type DecodeCursor, type Lanes, type WordStack,
} from './rans-core.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Encodes symbols[i] under logistic(mus[i], scales[i]) for i = n-1 down to 0 (so they decode as 0..n-1).
 * Parameters must already be validated (see checkLogisticParams).
 */
export function encodeLogisticReverse(
  lanes: Lanes, stack: WordStack, symbols: Int32Array, mus: Int32Array, scales: ScaleIndexArray,
): void {
  let a = lanes.a;
  let b = lanes.b;
  for (let i = symbols.length - 1; i >= 0; i--) {
    const x = symbols[i]!;
    const muQ = mus[i]!;
    const k = scales[i]!;
    const halfWidth = windowHalfWidth(k);
    const lo = windowCenter(muQ) - halfWidth;
    const nb = 2 * halfWidth + 3;
    const base = edgeBase(lo, muQ);
    const spread = spreadOf(nb);
    let j = x - lo + 1;
    if (j <= 0) {
      a = encodeEscapePut(a, lo - 1 - x, stack);
      j = 0;
    } else if (j >= nb - 1) {
      a = encodeEscapePut(a, x - (lo + nb - 2), stack);
      j = nb - 1;
    }
    const start = logisticBoundary(j, nb, base, k, spread);
    const end = logisticBoundary(j + 1, nb, base, k, spread);
    a = encodePut(a, start, end - start, stack);
    const t = a;
    a = b;
    b = t;
  }
  lanes.a = a;
  lanes.b = b;
}

/**
 * Decodes out[0..n-1] under logistic(mus[i], scales[i]); the inverse of encodeLogisticReverse.
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32
 */
export function decodeLogistic(
  lanes: Lanes, cursor: DecodeCursor, out: Int32Array, mus: Int32Array, scales: ScaleIndexArray,
): void {
  const reader = cursor.reader;
  let a = lanes.a;
  let b = lanes.b;
  let h0 = lanes.h0;
  let h1 = lanes.h1;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const muQ = mus[i]!;
    const k = scales[i]!;
    const halfWidth = windowHalfWidth(k);
    const lo = windowCenter(muQ) - halfWidth;
    const nb = 2 * halfWidth + 3;
    const base = edgeBase(lo, muQ);
    const spread = spreadOf(nb);
    const slot = decodeSlot(a);
    let j = guessBin(slot, muQ, k, lo, nb);
    let c0 = logisticBoundary(j, nb, base, k, spread);
    let c1 = logisticBoundary(j + 1, nb, base, k, spread);
    if (slot < c0 || slot >= c1) {
      // The guess missed (rare): gallop away from it until boundary(jl) = cl <= slot < ch = boundary(jh), then
      // bisect. Terminates because boundary(0) = 0 and boundary(nb) = 2^24.
      let jl: number;
      let jh: number;
      let cl: number;
      let ch: number;
      if (slot < c0) {
        jh = j;
        ch = c0;
        for (let step = 1; ; step *= 2) {
          jl = j - step < 0 ? 0 : j - step;
          cl = logisticBoundary(jl, nb, base, k, spread);
          if (cl <= slot) break;
          jh = jl;
          ch = cl;
        }
      } else {
        jl = j + 1;
        cl = c1;
        for (let step = 1; ; step *= 2) {
          jh = j + 1 + step > nb ? nb : j + 1 + step;
          ch = logisticBoundary(jh, nb, base, k, spread);
          if (ch > slot) break;
          jl = jh;
          cl = ch;
        }
      }
      while (jh - jl > 1) {
        const jm = (jl + jh) >> 1;
        const cm = logisticBoundary(jm, nb, base, k, spread);
        if (cm <= slot) {
          jl = jm;
          cl = cm;
        } else {
          jh = jm;
          ch = cm;
        }
      }
      j = jl;
      c0 = cl;
      c1 = ch;
    }
    a = decodeAdvance(a, c0, c1 - c0, reader);
    let x = lo + j - 1;
    if (j === 0 || j === nb - 1) {
      const at = reader.pos;
      cursor.x = a;
      const value = decodeEscapeValue(cursor, at);
      a = cursor.x;
      x = j === 0 ? lo - 1 - value : lo + nb - 2 + value;
      if (x < INT32_MIN || x > INT32_MAX) {
        throw new CorruptStreamError(`corrupt stream: escaped symbol ${x} outside int32 near byte ${at}`);
      }
    }
    out[i] = x;
    h0 = hashStep0(h0, x);
    h1 = hashStep1(h1, x);
    const t = a;
    a = b;
    b = t;
  }
  lanes.a = a;
  lanes.b = b;
  lanes.h0 = h0;
  lanes.h1 = h1;
}
