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
 * The decoder's two symbol contexts (two symbols are searched at once), COMP_BLOCK bytes each from compP: a compact
 * copy of the symbol's components (16 slots each: mu, offset limit, scale index, weight as i32, the weight zero past
 * the last component for the SIMD rank; multiplier and weight as f64), then its window and weight total, then per component its rank key (i32).
 */
export let compP: usize = 0;
export const COMP_MU: usize = 0;
export const COMP_LIMIT: usize = 64;
export const COMP_SCALE: usize = 128;
export const COMP_WEIGHT_I: usize = 192;
export const COMP_MULT: usize = 256;
export const COMP_WEIGHT: usize = 384;
export const CTX_LO: usize = 512;
export const CTX_NB: usize = 516;
export const CTX_TOTAL: usize = 520;
export const CTX_SPREAD: usize = 528;
export const COMP_KEY: usize = 576;
export const COMP_BLOCK: usize = 640;

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
  p = align(p + 8 * 16); // result[0..6] (see ../mixture-wasm.ts), then 16 bytes of SIMD scratch at byte 64
  compP = p;
  p = align(p + 2 * COMP_BLOCK);
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
