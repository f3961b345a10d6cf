/**
 * The mixture kernel's memory: format constants, the layout of the shipped table, the per-scale derived arrays, the
 * result block, the decoder's compact component block and the chunk buffers. layout() sets every pointer once;
 * the host (../mixture-wasm.ts) writes the tables and chunk parameters at the addresses address() reports.
 */

// Format version 1 constants (../logistic-params.ts, ../rans-core.ts); the equivalence tests catch a mismatch.
export const TABLE_SIZE: i32 = 2561;
export const SCALE_COUNT: i32 = 577;
/** Buckets of the decoder's guess table over the CDF range (level / 2^16). */
export const GUESS_BUCKETS: i32 = 4096;
export const MU_ONE: i32 = 256;
export const HALF_MU: i32 = 128;
export const POS_ONE: f64 = 268435456; // 2^28
export const INV_POS_ONE: f64 = 1.0 / 268435456;
export const POS_CENTER: f64 = 1280 * 268435456;
export const CDF_ONE: f64 = 268435456;
export const INV_CDF_ONE: f64 = 1.0 / 268435456;
export const ONE: f64 = 16777216; // 2^24
export const HALF_WIDTH_MAX: i32 = 131071;
export const MAX_INT: i32 = 1073741823;

// Set by layout(): the table and per-scale arrays (written once by the host), then the chunk's parameters.
export let cdfP: usize = 0;
export let multP: usize = 0;
export let limitP: usize = 0;
export let halfP: usize = 0;
export let guessP: usize = 0;
export let offsetPerPositionP: usize = 0;
export let musP: usize = 0;
export let scalesP: usize = 0;
export let weightsP: usize = 0;
export let symbolsP: usize = 0;
export let wordsP: usize = 0;
/** The decoder's window of stream bytes (INPUT_BYTES_PER_SYMBOL per chunk symbol plus INPUT_MARGIN). */
export let inputP: usize = 0;
export let resultP: usize = 0;
/**
 * The decoder's symbol contexts (kernel-context.ts lays one out): CONTEXT_SYMBOLS of them from compP, each at most
 * CONTEXT_BYTES_MAX bytes; then rankP, 128 bytes of the preparation's rank keys and weights.
 */
export let compP: usize = 0;
export let rankP: usize = 0;
/** Symbols one preparation pass writes contexts for: even, so that a searched pair never straddles two passes. */
export const CONTEXT_SYMBOLS: i32 = 32;
/** Bytes of a context of MIXTURE_MAX_COMPONENTS (16) components: 80 per component, 4 i32 arrays, the window. */
export const CONTEXT_BYTES_MAX: usize = 1600;

function align(p: usize): usize {
  return (p + 63) & ~(<usize>63);
}

/**
 * Lays the memory out for chunks of `symbols` symbols of at most `components` components each.
 * @returns the first byte past the layout (the host grows the memory to it)
 */
export function layout(symbols: i32, components: i32): usize {
  let p = align(__heap_base);
  cdfP = p;
  p = align(p + 8 * (<usize>TABLE_SIZE + 1));
  multP = p;
  p = align(p + 8 * <usize>SCALE_COUNT);
  limitP = p;
  p = align(p + 4 * <usize>SCALE_COUNT);
  halfP = p;
  p = align(p + 4 * <usize>SCALE_COUNT);
  guessP = p;
  p = align(p + 8 * (<usize>GUESS_BUCKETS + 1));
  offsetPerPositionP = p;
  p = align(p + 8 * <usize>SCALE_COUNT);

  resultP = p;
  p = align(p + 8 * 8); // result[0..7] (see ../mixture-wasm.ts)
  compP = p;
  p = align(p + <usize>CONTEXT_SYMBOLS * CONTEXT_BYTES_MAX);
  rankP = p;
  p = align(p + 128);
  const parameters: usize = (<usize>symbols * <usize>components) << 2;
  musP = p;
  p = align(p + parameters);
  scalesP = p;
  p = align(p + parameters);
  weightsP = p;
  p = align(p + parameters);
  symbolsP = p;
  p = align(p + 4 * <usize>symbols);
  wordsP = p;
  // At most two 16-bit words per symbol: a state below 2^52 drops below freq * 2^28 >= 2^28 after two.
  p = align(p + 4 * <usize>symbols);
  inputP = p;
  return align(p + 4 * <usize>symbols + 64);
}

/**
 * Addresses of the layout, in this order: cdf, multipliers, limits, half-widths, guess positions, offset per
 * position, result, mus, scales, weights, symbols, words, input.
 */
export function address(which: i32): usize {
  switch (which) {
    case 0: return cdfP;
    case 1: return multP;
    case 2: return limitP;
    case 3: return halfP;
    case 4: return guessP;
    case 5: return offsetPerPositionP;
    case 6: return resultP;
    case 7: return musP;
    case 8: return scalesP;
    case 9: return weightsP;
    case 10: return symbolsP;
    case 11: return wordsP;
    default: return inputP;
  }
}
