/**
 * The fast mixture batch coders RansEncoder / RansDecoder use, on the WASM kernel (mixture-wasm.ts) chunk by chunk:
 * it encodes and decodes whole runs of symbols (rANS steps included, the decoder reading a window of the stream);
 * escapes and symbol hashes stay here. Invariant: the streams are bit-identical to the reference loops of mixture-coder.ts (the kernel computes the same boundaries; symbols
 * that escape or have a capped window go through the reference per-symbol code), and test/entropy proves it on
 * randomised and extreme parameters.
 */
import { hashStep0, hashStep1 } from './symbol-hash.js';
import type { ScaleIndexArray } from './logistic-params.js';
import { decodeMixtureSymbol, encodeMixtureSymbol } from './mixture-coder.js';
import { PreparedMixture, prepareMixture, type WeightArray } from './mixture-model.js';
import { MIXTURE_CHUNK_SYMBOLS, mixtureKernel } from './mixture-wasm.js';
import { decodeSlotMixture, encodeSlotMixtureReverse } from './mixture-slot-coder.js';
import type { DecodeCursor, Lanes, WordStack } from './rans-core.js';

/**
 * Encodes symbols[i] under the mixture at components [i*K, i*K+K) for i = n-1 down to 0, exactly as
 * encodeMixtureReverse. Parameters must already be validated (see checkMixtureParams).
 * @throws InternalError when the WASM kernel is not built
 */
export function encodeMixtureReverseFast(
  lanes: Lanes, stack: WordStack, symbols: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  const kernel = mixtureKernel();
  const result = kernel.result;
  const mixture = new PreparedMixture();
  result[4] = lanes.a;
  result[5] = lanes.b;
  for (let end = symbols.length; end > 0; end -= MIXTURE_CHUNK_SYMBOLS) {
    const begin = end > MIXTURE_CHUNK_SYMBOLS ? end - MIXTURE_CHUNK_SYMBOLS : 0;
    kernel.loadChunk(mus, scales, weights, components, begin, end);
    kernel.symbols.set(symbols.subarray(begin, end));
    for (let from = end - begin - 1; from >= 0; from--) {
      from = kernel.encodeChunk(from, components);
      stack.pushAll(kernel.words.subarray(0, result[6]!));
      if (from < 0) break;
      // The reference step for a symbol that escapes or has a capped window, then the lane swap.
      const i = begin + from;
      prepareMixture(mus, scales, weights, i * components, components, mixture);
      const a = encodeMixtureSymbol(result[4]!, symbols[i]!, mixture, stack);
      result[4] = result[5]!;
      result[5] = a;
    }
  }
  lanes.a = result[4]!;
  lanes.b = result[5]!;
}

/**
 * Decodes out[0..n-1] under the mixtures at components [i*K, i*K+K), exactly as decodeMixture.
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32; InternalError when the
 *   WASM kernel is not built
 */
export function decodeMixtureFast(
  lanes: Lanes, cursor: DecodeCursor, out: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  const kernel = mixtureKernel();
  const result = kernel.result;
  const decoded = kernel.symbols;
  const input = kernel.input;
  const reader = cursor.reader;
  const bytes = reader.bytes;
  const mixture = new PreparedMixture();
  let h0 = lanes.h0;
  let h1 = lanes.h1;
  result[4] = lanes.a;
  result[5] = lanes.b;
  const n = out.length;
  for (let begin = 0; begin < n; begin += MIXTURE_CHUNK_SYMBOLS) {
    const count = begin + MIXTURE_CHUNK_SYMBOLS < n ? MIXTURE_CHUNK_SYMBOLS : n - begin;
    kernel.loadChunk(mus, scales, weights, components, begin, begin + count);
    // The kernel reads the stream from a window: enough for two words a symbol, the most a symbol's refill takes.
    let windowStart = reader.pos;
    let windowEnd = Math.min(reader.end, windowStart + input.length);
    input.set(bytes.subarray(windowStart, windowEnd));
    for (let i = 0; i < count;) {
      const stop = kernel.decodeRun(i, count, components, reader.pos - windowStart, windowEnd - windowStart);
      reader.pos = windowStart + result[6]!;
      for (; i < stop; i++) {
        const x = decoded[i]!;
        out[begin + i] = x;
        h0 = hashStep0(h0, x);
        h1 = hashStep1(h1, x);
      }
      if (stop === count) break;
      if (result[7] === 1 && windowEnd < reader.end) {
        // Escapes used up the window before the stream ended: a new window, and the kernel goes on.
        windowStart = reader.pos;
        windowEnd = Math.min(reader.end, windowStart + input.length);
        input.set(bytes.subarray(windowStart, windowEnd));
        continue;
      }
      // An escape, or the end of the stream: the reference step (which throws if the stream is exhausted).
      prepareMixture(mus, scales, weights, (begin + i) * components, components, mixture);
      cursor.x = result[4]!;
      const x = decodeMixtureSymbol(cursor, mixture);
      out[begin + i] = x;
      h0 = hashStep0(h0, x);
      h1 = hashStep1(h1, x);
      result[4] = result[5]!;
      result[5] = cursor.x;
      i++;
    }
  }
  lanes.a = result[4]!;
  lanes.b = result[5]!;
  lanes.h0 = h0;
  lanes.h1 = h1;
}

/** Format version 2's encodeSlotMixtureReverse (mixture-slot-coder.ts), for now through the reference loop. */
export const encodeSlotMixtureReverseFast = encodeSlotMixtureReverse;
/** Format version 2's decodeSlotMixture (mixture-slot-coder.ts), for now through the reference loop. */
export const decodeSlotMixtureFast = decodeSlotMixture;
