/**
 * Mixture batches for the coder tests: random mixtures with extremes (mixture-coder-wasm.test.ts and
 * mixture-slot-coder.test.ts share them), and encoding / decoding a batch with any of the batch coders from the
 * tests' fixed initial lanes.
 */
import { SeededRandom } from '../../src/core/seeded-random.js';
import { MU_Q_MAX, SCALE_COUNT, scaleOfIndex } from '../../src/entropy/logistic-params.js';
import type { decodeMixture, encodeMixtureReverse } from '../../src/entropy/mixture-coder.js';
import { MIXTURE_WEIGHT_TOTAL_MAX } from '../../src/entropy/mixture-model.js';
import { DecodeCursor, Lanes, WordReader, WordStack } from '../../src/entropy/rans-core.js';

export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;
/** The encoder's initial state of lane a in these tests (lane b starts 12345 above). */
export const START_A = new Lanes().a;

export interface Batch {
  symbols: Int32Array;
  mus: Int32Array;
  scales: Uint16Array;
  weights: Uint32Array;
  components: number;
}

/**
 * Random mixtures with extremes: tiny and huge scales, mus anywhere up to +-MU_Q_MAX (windows far from the symbol,
 * and unions wide enough to be capped), zero weights, weight totals up to 2^24, symbols drawn from a component or
 * anywhere in int32 (escapes).
 */
export function extremeBatch(random: SeededRandom, n: number, components: number): Batch {
  const symbols = new Int32Array(n);
  const mus = new Int32Array(n * components);
  const scales = new Uint16Array(n * components);
  const weights = new Uint32Array(n * components);
  for (let i = 0; i < n; i++) {
    const spread = [64, 1024 * 256, MU_Q_MAX][random.int(0, 2)]!;
    const scaleTop = [40, 300, SCALE_COUNT - 1][random.int(0, 2)]!;
    const weightTop = [1, 50, 40000, Math.floor(MIXTURE_WEIGHT_TOTAL_MAX / components)][random.int(0, 3)]!;
    for (let c = 0; c < components; c++) {
      const q = i * components + c;
      mus[q] = random.int(-spread, spread);
      scales[q] = random.int(0, scaleTop);
      weights[q] = random.next() < 0.25 ? 0 : random.int(0, weightTop);
    }
    if (weights[i * components] === 0) weights[i * components] = 1;
    const c = i * components + random.int(0, components - 1);
    const u = random.next();
    const wild = random.next();
    symbols[i] = wild < 0.03 ? random.int(INT32_MIN, INT32_MAX) : wild < 0.04 ? (wild < 0.035 ? INT32_MIN : INT32_MAX)
      : Math.max(INT32_MIN, Math.min(INT32_MAX, Math.round(mus[c]! / 256 + scaleOfIndex(scales[c]!) * Math.log(u / (1 - u)))));
  }
  return { symbols, mus, scales, weights, components };
}

export function encodeWith(coder: typeof encodeMixtureReverse, batch: Batch): { words: Uint16Array; lanes: Lanes } {
  const lanes = new Lanes();
  lanes.b = START_A + 12345;
  const stack = new WordStack();
  coder(lanes, stack, batch.symbols, batch.mus, batch.scales, batch.weights, batch.components);
  return { words: stack.words.slice(0, stack.top), lanes };
}

/** The stream bytes of pushed words (last pushed first, little-endian). */
export function streamBytes(words: Uint16Array): Uint8Array {
  const bytes = new Uint8Array(2 * words.length);
  for (let i = 0, w = words.length - 1; w >= 0; i += 2, w--) {
    bytes[i] = words[w]! & 0xff;
    bytes[i + 1] = words[w]! >>> 8;
  }
  return bytes;
}

export function decodeWith(coder: typeof decodeMixture, batch: Batch, words: Uint16Array, lanes: Lanes): { out: Int32Array; lanes: Lanes } {
  return decodeBytes(coder, batch, streamBytes(words), lanes);
}

export function decodeBytes(coder: typeof decodeMixture, batch: Batch, bytes: Uint8Array, lanes: Lanes): { out: Int32Array; lanes: Lanes } {
  // Every symbol ends with a lane swap, so the encoder's b is the lane of symbol 0.
  const decoded = new Lanes();
  decoded.a = lanes.b;
  decoded.b = lanes.a;
  const out = new Int32Array(batch.symbols.length);
  coder(decoded, new DecodeCursor(new WordReader(bytes, 0, bytes.length)), out, batch.mus, batch.scales, batch.weights,
    batch.components);
  return { out, lanes: decoded };
}
