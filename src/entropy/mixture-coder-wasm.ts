/**
 * The fast mixture batch coders RansEncoder / RansDecoder use, on the WASM kernel (mixture-wasm.ts) chunk by chunk,
 * for both mixture definitions (format version 1: mixture-model.ts, version 2: mixture-slot-model.ts): the kernel
 * encodes and decodes whole runs of symbols (rANS steps included, the decoder reading a window of the stream);
 * escapes, symbols the kernel defers and symbol hashes stay here. Invariant: the streams are bit-identical to the
 * reference loops (mixture-coder.ts, mixture-slot-coder.ts): the kernel computes the same frequencies and the
 * symbols it defers go through the reference per-symbol code; test/entropy proves it on randomised and extreme
 * parameters.
 */
import { hashStep0, hashStep1 } from './symbol-hash.js';
import type { ScaleIndexArray } from './logistic-params.js';
import { decodeMixtureSymbol, encodeMixtureSymbol } from './mixture-coder.js';
import { PreparedMixture, prepareMixture, type WeightArray } from './mixture-model.js';
import { decodeSlotMixtureSymbol, encodeSlotMixtureSymbol } from './mixture-slot-coder.js';
import { SlotMixture, prepareSlotMixture } from './mixture-slot-model.js';
import { MIXTURE_CHUNK_SYMBOLS, mixtureKernel, type MixtureKernel } from './mixture-wasm.js';
import type { DecodeCursor, Lanes, WordStack } from './rans-core.js';

/** The parameter arrays of a batch: K consecutive components per symbol. */
interface Parameters {
  readonly mus: Int32Array;
  readonly scales: ScaleIndexArray;
  readonly weights: WeightArray;
  readonly components: number;
}

/** One mixture definition's kernel runs and reference per-symbol steps. */
interface Definition {
  /** The kernel's encoder run from chunk symbol `from` down (see MixtureKernel.encodeChunk). */
  encodeRun(kernel: MixtureKernel, from: number, components: number): number;
  /** The kernel's decoder run (see MixtureKernel.decodeRun). */
  decodeRun(kernel: MixtureKernel, from: number, to: number, components: number, pos: number, end: number): number;
  /** The reference step that pushes symbol i (value x) onto state a. @returns the new state */
  encodeSymbol(a: number, x: number, i: number, p: Parameters, stack: WordStack): number;
  /** The reference step that decodes symbol i. @returns the symbol */
  decodeSymbol(cursor: DecodeCursor, i: number, p: Parameters): number;
}

/** Format version 1 (mixture-model.ts), with its own prepared mixture. */
function versionOne(): Definition {
  const mixture = new PreparedMixture();
  return {
    encodeRun: (kernel, from, components) => kernel.encodeChunk(from, components),
    decodeRun: (kernel, from, to, components, pos, end) => kernel.decodeRun(from, to, components, pos, end),
    encodeSymbol(a, x, i, p, stack) {
      prepareMixture(p.mus, p.scales, p.weights, i * p.components, p.components, mixture);
      return encodeMixtureSymbol(a, x, mixture, stack);
    },
    decodeSymbol(cursor, i, p) {
      prepareMixture(p.mus, p.scales, p.weights, i * p.components, p.components, mixture);
      return decodeMixtureSymbol(cursor, mixture);
    },
  };
}

/** Format version 2 (mixture-slot-model.ts), with its own prepared slot mixture. */
function versionTwo(): Definition {
  const slots = new SlotMixture();
  return {
    encodeRun: (kernel, from, components) => kernel.encodeSlotChunk(from, components),
    decodeRun: (kernel, from, to, components, pos, end) => kernel.decodeSlotRun(from, to, components, pos, end),
    encodeSymbol(a, x, i, p, stack) {
      prepareSlotMixture(p.mus, p.scales, p.weights, i * p.components, p.components, slots);
      return encodeSlotMixtureSymbol(a, x, slots, stack);
    },
    decodeSymbol(cursor, i, p) {
      prepareSlotMixture(p.mus, p.scales, p.weights, i * p.components, p.components, slots);
      return decodeSlotMixtureSymbol(cursor, slots);
    },
  };
}

/** Encodes symbols[n-1..0] under `definition` with the kernel, the reference coding what it defers. */
function encodeFast(definition: Definition, lanes: Lanes, stack: WordStack, symbols: Int32Array, p: Parameters): void {
  const kernel = mixtureKernel();
  const result = kernel.result;
  const components = p.components;
  result[4] = lanes.a;
  result[5] = lanes.b;
  for (let end = symbols.length; end > 0; end -= MIXTURE_CHUNK_SYMBOLS) {
    const begin = end > MIXTURE_CHUNK_SYMBOLS ? end - MIXTURE_CHUNK_SYMBOLS : 0;
    kernel.loadChunk(p.mus, p.scales, p.weights, components, begin, end);
    kernel.symbols.set(symbols.subarray(begin, end));
    for (let from = end - begin - 1; from >= 0; from--) {
      from = definition.encodeRun(kernel, from, components);
      stack.pushAll(kernel.words.subarray(0, result[6]!));
      if (from < 0) break;
      // The reference step for a symbol the kernel deferred, then the lane swap.
      const i = begin + from;
      const a = definition.encodeSymbol(result[4]!, symbols[i]!, i, p, stack);
      result[4] = result[5]!;
      result[5] = a;
    }
  }
  lanes.a = result[4]!;
  lanes.b = result[5]!;
}

/** Decodes out[0..n-1] under `definition` with the kernel, the reference decoding what it stops at. */
function decodeFast(definition: Definition, lanes: Lanes, cursor: DecodeCursor, out: Int32Array, p: Parameters): void {
  const kernel = mixtureKernel();
  const result = kernel.result;
  const decoded = kernel.symbols;
  const input = kernel.input;
  const reader = cursor.reader;
  const bytes = reader.bytes;
  const components = p.components;
  let h0 = lanes.h0;
  let h1 = lanes.h1;
  result[4] = lanes.a;
  result[5] = lanes.b;
  const n = out.length;
  for (let begin = 0; begin < n; begin += MIXTURE_CHUNK_SYMBOLS) {
    const count = begin + MIXTURE_CHUNK_SYMBOLS < n ? MIXTURE_CHUNK_SYMBOLS : n - begin;
    kernel.loadChunk(p.mus, p.scales, p.weights, components, begin, begin + count);
    // The kernel reads the stream from a window: enough for two words a symbol, the most a symbol's refill takes.
    let windowStart = reader.pos;
    let windowEnd = Math.min(reader.end, windowStart + input.length);
    input.set(bytes.subarray(windowStart, windowEnd));
    for (let i = 0; i < count;) {
      const pos = reader.pos - windowStart;
      const stop = definition.decodeRun(kernel, i, count, components, pos, windowEnd - windowStart);
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
      cursor.x = result[4]!;
      const x = definition.decodeSymbol(cursor, begin + i, p);
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

/**
 * Encodes symbols[i] under the format version 1 mixture at components [i*K, i*K+K) for i = n-1 down to 0, exactly
 * as encodeMixtureReverse. Parameters must already be validated (see checkMixtureParams).
 * @throws InternalError when the WASM kernel is not built
 */
export function encodeMixtureReverseFast(
  lanes: Lanes, stack: WordStack, symbols: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  encodeFast(versionOne(), lanes, stack, symbols, { mus, scales, weights, components });
}

/**
 * Decodes out[0..n-1] under the format version 1 mixtures at components [i*K, i*K+K), exactly as decodeMixture.
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32; InternalError when the
 *   WASM kernel is not built
 */
export function decodeMixtureFast(
  lanes: Lanes, cursor: DecodeCursor, out: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  decodeFast(versionOne(), lanes, cursor, out, { mus, scales, weights, components });
}

/**
 * encodeMixtureReverseFast for format version 2 mixtures, exactly as encodeSlotMixtureReverse.
 * @throws InternalError when the WASM kernel is not built
 */
export function encodeSlotMixtureReverseFast(
  lanes: Lanes, stack: WordStack, symbols: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  encodeFast(versionTwo(), lanes, stack, symbols, { mus, scales, weights, components });
}

/**
 * decodeMixtureFast for format version 2 mixtures, exactly as decodeSlotMixture.
 * @throws CorruptStreamError when the stream runs out or an escape decodes outside int32; InternalError when the
 *   WASM kernel is not built
 */
export function decodeSlotMixtureFast(
  lanes: Lanes, cursor: DecodeCursor, out: Int32Array,
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): void {
  decodeFast(versionTwo(), lanes, cursor, out, { mus, scales, weights, components });
}
