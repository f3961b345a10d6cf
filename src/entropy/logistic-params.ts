/**
 * The integer parameterisation of the discretised-logistic models: mu in fixed point, log-scale as an index on a
 * fixed grid, and the geometry of the shipped logistic CDF table. These numbers are part of format version 1: the
 * table (logistic-table-data.ts) is generated from them and every coded stream depends on them, so never edit one
 * without a new format version.
 */

/** Fractional bits of a fixed-point mu: the integer `muQ` means `muQ / 2^MU_FRAC_BITS` pixel units. */
export const MU_FRAC_BITS = 8;
/**
 * Largest |muQ| accepted: 2^28, i.e. mu within +-1,048,576 pixel units. Keeps every window offset an int32, so the
 * coders clamp with integer operations. Symbols themselves may be any int32 (far ones go through the escape).
 */
export const MU_Q_MAX = 2 ** 28;

/** Scale indices as the batch APIs take them: any integer typed array holding values 0..SCALE_COUNT-1. */
export type ScaleIndexArray = Uint16Array | Int32Array | Uint8Array;

/** log2 of the smallest scale on the grid: index 0 means scale 2^-4 = 0.0625. */
export const SCALE_LOG2_MIN = -4;
/** Grid points per octave: index k means scale 2^(SCALE_LOG2_MIN + k / SCALE_STEPS_PER_OCTAVE). */
export const SCALE_STEPS_PER_OCTAVE = 32;
/** Number of grid points: indices 0..576 span scales 2^-4 .. 2^14 (0.0625 .. 16384). */
export const SCALE_COUNT = 18 * SCALE_STEPS_PER_OCTAVE + 1;

/** Table sampling: the CDF is tabulated at t = i / TABLE_STEPS_PER_UNIT - TABLE_T_MAX (t in scale units). */
export const TABLE_STEPS_PER_UNIT = 64;
/** The table covers t in [-TABLE_T_MAX, TABLE_T_MAX]; beyond it the CDF is 0 or 1 at the table's resolution. */
export const TABLE_T_MAX = 20;
/** Number of table entries (2 * 20 * 64 + 1). */
export const TABLE_SIZE = 2 * TABLE_T_MAX * TABLE_STEPS_PER_UNIT + 1;
/** Table values are the logistic CDF times 2^CDF_ONE_BITS, rounded. */
export const CDF_ONE_BITS = 28;
/** Fractional bits of the per-scale multiplier that maps a fixed-point offset to a table position. */
export const POSITION_FRAC_BITS = 28;

/** A single logistic's window is round(mu) +- halfWidth with halfWidth = min(ceil(WINDOW_SCALES * s) + 1, ...). */
export const WINDOW_SCALES = 16;
/** Largest window half-width: any window holds at most 2 * HALF_WIDTH_MAX + 1 values. */
export const HALF_WIDTH_MAX = 2 ** 17 - 1;

/**
 * The scale (pixel units) that grid index `k` stands for. Float, for exporters and benchmarks only: coding uses the
 * shipped table, never this value.
 * @param k grid index, 0..SCALE_COUNT-1
 */
export function scaleOfIndex(k: number): number {
  return 2 ** (SCALE_LOG2_MIN + k / SCALE_STEPS_PER_OCTAVE);
}

/**
 * The grid index nearest (in log scale) to `scale`, clamped to 0..SCALE_COUNT-1. Uses Math.log2, so call it when
 * exporting a model or drawing benchmark data, never on the coding path. NaN maps to index 0.
 * @param scale a positive scale in pixel units
 */
export function scaleIndexOf(scale: number): number {
  const k = Math.round((Math.log2(scale) - SCALE_LOG2_MIN) * SCALE_STEPS_PER_OCTAVE);
  if (!(k > 0)) return 0;
  return k >= SCALE_COUNT ? SCALE_COUNT - 1 : k;
}

/**
 * The fixed-point mu nearest to `mu` (pixel units), clamped to +-MU_Q_MAX; NaN maps to 0. For exporters and
 * benchmarks.
 * @param mu location in pixel units
 */
export function muToQ(mu: number): number {
  const q = Math.round(mu * 2 ** MU_FRAC_BITS);
  if (Number.isNaN(q)) return 0;
  return Math.min(MU_Q_MAX, Math.max(-MU_Q_MAX, q)) + 0; // + 0 turns -0 into 0
}
