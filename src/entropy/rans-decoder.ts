/**
 * The rANS decoder: reads the stream RansEncoder wrote and hands back batches in the order they were queued, given
 * the same parameters. finish() checks that both states came back to their initial value, which hashes every symbol
 * (symbol-hash.ts), and that every byte was used: a damaged or truncated stream fails that check (or an earlier one)
 * with CorruptStreamError, never a hang.
 */
import { CorruptStreamError, InternalError } from '../core/errors.js';
import { checkLogisticParams, checkMixtureParams, checkStreamVersion, checkUniformParams } from './batch-checks.js';
import { decodeLogistic } from './logistic-coder.js';
import type { ScaleIndexArray } from './logistic-params.js';
import { decodeMixtureFast, decodeSlotMixtureFast } from './mixture-coder-wasm.js';
import type { WeightArray } from './mixture-model.js';
import {
  DecodeCursor, Lanes, STATE_LOWER, WordReader, readState, type StreamVersion,
} from './rans-core.js';
import { decodeUniform, type UniformArray } from './uniform-coder.js';

/** Decodes one stream, batch by batch. */
export class RansDecoder {
  private readonly lanes = new Lanes();
  private readonly cursor: DecodeCursor;
  private readonly start: number;
  private readonly end: number;
  private count = 0;

  /**
   * Reads the stream's two initial states.
   * @param bytes buffer holding the stream (a whole container file is fine: errors name offsets in it)
   * @param start first byte of the stream, default 0
   * @param end one past its last byte, default bytes.length
   * @param version the stream version it was written in (1 or 2, default 1; new files use LATEST_STREAM_VERSION)
   * @throws CorruptStreamError when the range is shorter than 16 bytes, odd in length, or a state is invalid;
   *   InternalError for an unknown version
   */
  constructor(
    bytes: Uint8Array, start = 0, end = bytes.length, readonly version: StreamVersion = 1,
  ) {
    checkStreamVersion(version);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > bytes.length || start > end) {
      throw new InternalError(`entropy coder: stream range [${start}, ${end}) outside a buffer of ${bytes.length} bytes`);
    }
    if ((end - start) % 2 !== 0) {
      throw new CorruptStreamError(`corrupt stream: rANS data at byte ${start} has odd length ${end - start}`);
    }
    this.start = start;
    this.end = end;
    const reader = new WordReader(bytes, start, end);
    this.cursor = new DecodeCursor(reader);
    this.lanes.a = readState(reader);
    this.lanes.b = readState(reader);
  }

  /**
   * Decodes out.length symbols coded by RansEncoder.encodeLogistic with the same mus and scales.
   * @throws CorruptStreamError when the stream is damaged; InternalError when parameters are invalid
   */
  decodeLogistic(out: Int32Array, mus: Int32Array, scales: ScaleIndexArray): void {
    checkLogisticParams(out.length, mus, scales);
    decodeLogistic(this.lanes, this.cursor, out, mus, scales);
    this.count += out.length;
  }

  /**
   * Decodes out.length symbols coded by RansEncoder.encodeMixture with the same parameters.
   * @throws CorruptStreamError when the stream is damaged; InternalError when parameters are invalid
   */
  decodeMixture(
    out: Int32Array, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
  ): void {
    checkMixtureParams(out.length, mus, scales, weights, components);
    const decode = this.version === 1 ? decodeMixtureFast : decodeSlotMixtureFast;
    decode(this.lanes, this.cursor, out, mus, scales, weights, components);
    this.count += out.length;
  }

  /**
   * Decodes out.length symbols coded by RansEncoder.encodeUniform with the same range; [min, max] must fit out's
   * element type.
   * @throws CorruptStreamError when the stream is damaged; InternalError when the range is invalid
   */
  decodeUniform(out: UniformArray, min: number, max: number): void {
    checkUniformParams(min, max);
    const bits = out instanceof Uint8Array ? 8 : out instanceof Uint16Array ? 16 : 0;
    if (bits > 0 && (min < 0 || max >= 2 ** bits)) {
      throw new InternalError(`entropy coder: uniform range [${min}, ${max}] does not fit a ${bits}-bit array`);
    }
    decodeUniform(this.lanes, this.cursor, out, min, max);
    this.count += out.length;
  }

  /**
   * Checks the end of the stream: both states back at their initial value (STATE_LOWER + the hashes of the decoded
   * symbols) and no bytes left over. Call it before trusting any decoded symbol.
   * @throws CorruptStreamError when either check fails (the stream is damaged, or was decoded with other
   *   parameters than it was encoded with)
   */
  finish(): void {
    const pos = this.cursor.reader.pos;
    const lanes = this.lanes;
    // After an even number of symbols lanes.a is lane 0 again; after an odd number the lanes are swapped.
    const lane0 = this.count % 2 === 0 ? lanes.a : lanes.b;
    const lane1 = this.count % 2 === 0 ? lanes.b : lanes.a;
    if (lane0 !== STATE_LOWER + (lanes.h0 >>> 0) || lane1 !== STATE_LOWER + (lanes.h1 >>> 0)) {
      throw new CorruptStreamError(
        `corrupt stream: rANS final state check failed for the stream at bytes ${this.start}..${this.end} ` +
          '(damaged data, or decoded with different model parameters)',
      );
    }
    if (pos !== this.end) {
      throw new CorruptStreamError(`corrupt stream: ${this.end - pos} unused bytes after the rANS data at byte ${pos}`);
    }
  }
}
