/**
 * Loads the shipped logistic CDF table (logistic-table-data.ts), checks its sha256 against the pinned constant and
 * its header against logistic-params.ts, and derives the inverse lookup the decoder's search starts from. The
 * table is the only source of CDF values on the coding path, so coded bits never depend on Math.exp.
 */
import { ModelError } from '../core/errors.js';
import { sha256Hex } from '../core/sha256.js';
import {
  CDF_ONE_BITS, HALF_WIDTH_MAX, MU_FRAC_BITS, POSITION_FRAC_BITS, SCALE_COUNT, SCALE_LOG2_MIN,
  SCALE_STEPS_PER_OCTAVE, TABLE_SIZE, TABLE_STEPS_PER_UNIT, TABLE_T_MAX, WINDOW_SCALES,
} from './logistic-params.js';
import { LOGISTIC_TABLE_BASE64 } from './logistic-table-data.js';

/** sha256 of the table bytes of format version 1. Changing it means a new format version. */
export const LOGISTIC_TABLE_SHA256 = 'ecffa0d66657791918139f52614e1739e7d438fb35aa9e049a02e8bd1ba867a7';

/** log2 of the number of buckets of the inverse lookup over the CDF range. */
export const INVERSE_BUCKET_BITS = 12;

/** The decoded table. All arrays are read-only by convention. */
export interface LogisticTable {
  /**
   * CDF samples times 2^CDF_ONE_BITS at t = i / TABLE_STEPS_PER_UNIT - TABLE_T_MAX; non-decreasing from 0 to
   * 2^CDF_ONE_BITS, plus one padding entry equal to the last, so that interpolation at the very end reads in bounds.
   */
  readonly cdf: Float64Array;
  /** Per scale index: position multiplier, 2^POSITION_FRAC_BITS table steps per 2^MU_FRAC_BITS offset unit. */
  readonly positionMultiplier: Float64Array;
  /**
   * Per scale index: floor(table half-length in position units / multiplier), the largest |u| whose table position
   * is inside the table. Offsets beyond it saturate, so the coders clamp u to +-offsetLimit (integers) and need no
   * branch.
   */
  readonly offsetLimit: Int32Array;
  /** Per scale index: half-width of a single logistic's window, 1..HALF_WIDTH_MAX. */
  readonly halfWidth: Int32Array;
  /**
   * Inverse lookup: for bucket b, the largest table index i with cdf[i] <= b * 2^(CDF_ONE_BITS - INVERSE_BUCKET_BITS)
   * (0 if none). Used only to start the decoder's exact search.
   */
  readonly inverseStart: Int32Array;
}

const HEADER_MAGIC = 'IDFZLGT1';
const HEADER_BYTES = 8 + 11 * 4;

/**
 * Decodes and validates table bytes.
 * @throws ModelError when the bytes do not hash to LOGISTIC_TABLE_SHA256 or disagree with logistic-params.ts
 */
export function parseLogisticTable(bytes: Uint8Array): LogisticTable {
  const digest = sha256Hex(bytes);
  if (digest !== LOGISTIC_TABLE_SHA256) {
    throw new ModelError(
      `logistic CDF table: sha256 ${digest} does not match the pinned ${LOGISTIC_TABLE_SHA256}; ` +
        'reinstall idfz (src/entropy/logistic-table-data.ts is damaged or was regenerated without a format change)',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  const expected = [
    TABLE_SIZE, SCALE_COUNT, CDF_ONE_BITS, POSITION_FRAC_BITS, MU_FRAC_BITS, SCALE_LOG2_MIN, SCALE_STEPS_PER_OCTAVE,
    TABLE_STEPS_PER_UNIT, TABLE_T_MAX, WINDOW_SCALES, HALF_WIDTH_MAX,
  ];
  const header = expected.map((_, i) => view.getInt32(8 + 4 * i, true));
  if (magic !== HEADER_MAGIC || header.some((value, i) => value !== expected[i])
    || bytes.length !== HEADER_BYTES + 4 * (TABLE_SIZE + 2 * SCALE_COUNT)) {
    throw new ModelError(`logistic CDF table: header ${magic} [${header.join(', ')}] disagrees with logistic-params.ts`);
  }
  let offset = HEADER_BYTES;
  const readInt32 = (): number => {
    const value = view.getInt32(offset, true);
    offset += 4;
    return value;
  };
  const cdf = new Float64Array(TABLE_SIZE + 1);
  for (let i = 0; i < TABLE_SIZE; i++) cdf[i] = readInt32();
  cdf[TABLE_SIZE] = cdf[TABLE_SIZE - 1]!;
  const positionMultiplier = new Float64Array(SCALE_COUNT);
  for (let k = 0; k < SCALE_COUNT; k++) positionMultiplier[k] = readInt32();
  const halfWidth = new Int32Array(SCALE_COUNT);
  for (let k = 0; k < SCALE_COUNT; k++) halfWidth[k] = readInt32();
  const halfLength = ((TABLE_SIZE - 1) / 2) * 2 ** POSITION_FRAC_BITS;
  const offsetLimit = new Int32Array(SCALE_COUNT);
  for (let k = 0; k < SCALE_COUNT; k++) offsetLimit[k] = Math.floor(halfLength / positionMultiplier[k]!);
  return { cdf, positionMultiplier, offsetLimit, halfWidth, inverseStart: buildInverseStart(cdf) };
}

function buildInverseStart(cdf: Float64Array): Int32Array {
  const buckets = 2 ** INVERSE_BUCKET_BITS;
  const bucketWidth = 2 ** (CDF_ONE_BITS - INVERSE_BUCKET_BITS);
  const start = new Int32Array(buckets);
  let i = 0;
  for (let b = 0; b < buckets; b++) {
    while (i + 1 < TABLE_SIZE && cdf[i + 1]! <= b * bucketWidth) i++;
    start[b] = i;
  }
  return start;
}

/** The shipped table, decoded and verified once when this module loads. */
export const LOGISTIC_TABLE: LogisticTable = parseLogisticTable(
  new Uint8Array(Buffer.from(LOGISTIC_TABLE_BASE64.join(''), 'base64')),
);
