/**
 * The rANS encoder the codec uses: queue batches of symbols in decode order (logistic, mixture, uniform), then
 * finish() codes them all in reverse with two interleaved states and returns the stream. Invariant: a RansDecoder
 * making the same calls in the same order with the same parameters gets every symbol back, and its final-state
 * check (states back at their start, which hashes every symbol) passes. Stream layout: the two final states (4 words
 * each), then the words, 16-bit little-endian.
 */
import { InternalError } from '../core/errors.js';
import { checkLogisticParams, checkMixtureParams, checkStreamVersion, checkUniformParams } from './batch-checks.js';
import { encodeLogisticReverse } from './logistic-coder.js';
import type { ScaleIndexArray } from './logistic-params.js';
import { encodeMixtureReverseFast, encodeSlotMixtureReverseFast } from './mixture-coder-wasm.js';
import type { WeightArray } from './mixture-model.js';
import { Lanes, STATE_LOWER, WordStack, flushState, type StreamVersion } from './rans-core.js';
import { HASH0_SEED, HASH1_SEED, hashSymbols } from './symbol-hash.js';
import { encodeUniformReverse, type UniformArray } from './uniform-coder.js';

type Batch =
  | { kind: 'logistic'; symbols: Int32Array; mus: Int32Array; scales: ScaleIndexArray }
  | {
      kind: 'mixture'; symbols: Int32Array; mus: Int32Array; scales: ScaleIndexArray;
      weights: WeightArray; components: number;
    }
  | { kind: 'uniform'; symbols: UniformArray; min: number; max: number };

/**
 * Collects symbols in decode order and codes them in reverse on finish(). The arrays are referenced, not copied
 * (millions of symbols per image): do not modify them between queueing and finish().
 */
export class RansEncoder {
  private readonly batches: Batch[] = [];
  private count = 0;
  private finished = false;

  /**
   * @param version stream version to write: how mixture batches are coded (1 or 2, default 1; new files use
   *   LATEST_STREAM_VERSION)
   * @throws InternalError for another version
   */
  constructor(readonly version: StreamVersion = 1) {
    checkStreamVersion(version);
  }

  /** Symbols queued so far (escapes and raw fields are not counted separately). */
  get symbolCount(): number {
    return this.count;
  }

  /**
   * Queues symbols[i] (any int32) coded under a discretised logistic with fixed-point mu mus[i]
   * (|mu| <= MU_Q_MAX, MU_FRAC_BITS fractional bits) and scale index scales[i] (0..SCALE_COUNT-1). Values outside
   * the model's window are coded through an escape, so every int32 is codable.
   * @throws InternalError when lengths differ, a parameter is out of range, or finish() was called
   */
  encodeLogistic(symbols: Int32Array, mus: Int32Array, scales: ScaleIndexArray): void {
    this.checkOpen();
    checkLogisticParams(symbols.length, mus, scales);
    this.batches.push({ kind: 'logistic', symbols, mus, scales });
    this.count += symbols.length;
  }

  /**
   * Queues symbols[i] (any int32) coded under a mixture of `components` discretised logistics: component c of
   * symbol i has mu mus[i*K+c], scale index scales[i*K+c] and integer weight weights[i*K+c] (>= 0; each symbol's
   * weights sum to 1..MIXTURE_WEIGHT_TOTAL_MAX).
   * @param components K, 1..MIXTURE_MAX_COMPONENTS
   * @throws InternalError when lengths differ, a parameter is out of range, or finish() was called
   */
  encodeMixture(
    symbols: Int32Array, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
  ): void {
    this.checkOpen();
    checkMixtureParams(symbols.length, mus, scales, weights, components);
    this.batches.push({ kind: 'mixture', symbols, mus, scales, weights, components });
    this.count += symbols.length;
  }

  /**
   * Queues symbols uniform over [min, max] (1..UNIFORM_MAX_VALUES values; log2(max - min + 1) bits each when the
   * count is a power of two): the fallback for data the learned model codes badly.
   * @throws InternalError when the range is invalid, a symbol lies outside it, or finish() was called
   */
  encodeUniform(symbols: UniformArray, min: number, max: number): void {
    this.checkOpen();
    checkUniformParams(min, max, symbols);
    this.batches.push({ kind: 'uniform', symbols, min, max });
    this.count += symbols.length;
  }

  /**
   * Codes every queued batch (last symbol first) and returns the stream: 16 bytes for an empty one, and always an
   * even number of bytes.
   * @throws InternalError when called twice
   */
  finish(): Uint8Array {
    this.checkOpen();
    this.finished = true;
    // Lane g & 1 codes symbol g. Each lane starts at STATE_LOWER + its hash of all symbols (symbol-hash.ts); the
    // backward pass begins with the lane of symbol count - 1.
    let h0 = HASH0_SEED;
    let h1 = HASH1_SEED;
    for (const batch of this.batches) [h0, h1] = hashSymbols(h0, h1, batch.symbols);
    const lane0 = STATE_LOWER + (h0 >>> 0);
    const lane1 = STATE_LOWER + (h1 >>> 0);
    const lanes = new Lanes();
    lanes.a = this.count % 2 === 1 ? lane0 : lane1;
    lanes.b = this.count % 2 === 1 ? lane1 : lane0;
    const stack = new WordStack();
    for (let i = this.batches.length - 1; i >= 0; i--) {
      const batch = this.batches[i]!;
      if (batch.kind === 'logistic') {
        encodeLogisticReverse(lanes, stack, batch.symbols, batch.mus, batch.scales);
      } else if (batch.kind === 'mixture') {
        const encode = this.version === 1 ? encodeMixtureReverseFast : encodeSlotMixtureReverseFast;
        encode(lanes, stack, batch.symbols, batch.mus, batch.scales, batch.weights, batch.components);
      } else {
        encodeUniformReverse(lanes, stack, batch.symbols, batch.min, batch.max);
      }
    }
    // Every symbol is followed by a swap, so now lanes.b holds lane 0 (symbol 0's state) and lanes.a lane 1; the
    // decoder reads lane 0 first.
    flushState(lanes.a, stack);
    flushState(lanes.b, stack);
    this.batches.length = 0;
    return stack.toBytes();
  }

  private checkOpen(): void {
    if (this.finished) throw new InternalError('entropy coder: RansEncoder used after finish()');
  }
}
