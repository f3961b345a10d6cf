/**
 * The constants and the clamp of the NLMS stages of fallback mode 5 and later modes (PAYLOAD.md, modes 4 and 5;
 * mode 4's model keeps its own copies): the short predictor's inputs and initial weights, and the bounds of
 * weights and steps. The dot products and updates stay inline in each model's predict and update: in a shared
 * filter class they cost modes 4 and 5 15-30% (V8 stops inlining them). Importers copy these into module-level
 * constants (see fallback-cascade-model.ts). Invariant: with these bounds every weight, sum and step is an integer
 * below 2^53, so both ends of a stream agree everywhere.
 */

/** The short NLMS predictor's inputs (N, NW, NE, WW, NN, NNE, each less W: CausalNeighbours.steps). */
export const SHORT_INPUTS = 6;
/** Its initial weights (1/4096 units); a longer predictor's inputs past these start at 0. */
export const SHORT_INITIAL: readonly number[] = [2048, -1024, 1024, 0, 0, 0];
/** Bound of an NLMS predictor weight (1/4096 units). */
export const LMS_WEIGHT_MAX = 2 ** 17;
/** Bound of an error-stage weight (1/4096 units). */
export const ERROR_WEIGHT_MAX = 2 ** 16;
/** Bound of an NLMS step factor, so that step * input stays below 2^53. */
export const STEP_MAX = 2 ** 31;

/** v clamped to -max..max. */
export function clamp(v: number, max: number): number {
  return v < -max ? -max : v > max ? max : v;
}
