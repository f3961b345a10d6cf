/**
 * What a decoder search found for the two symbols of a pair (A on lane a, B on lane b), in one form for both
 * mixture definitions, so that one run loop (kernel-decode.ts) serves both: the bin j, the window's lo and nb, and
 * cl, ch with ch - cl the bin's frequency and slot - cl the slot's rank within the bin (format version 1: the bin's
 * boundaries; version 2: any pair with that difference and offset). Invariant: set only by foundA / foundB.
 */

export let jA_ = 0;
export let clA_: f64 = 0;
export let chA_: f64 = 0;
export let loA_ = 0;
export let nbA_ = 0;
export let jB_ = 0;
export let clB_: f64 = 0;
export let chB_: f64 = 0;
export let loB_ = 0;
export let nbB_ = 0;

/** Records symbol A's result. */
// @ts-ignore: decorator
@inline export function foundA(j: i32, cl: f64, ch: f64, lo: i32, nb: i32): void {
  jA_ = j;
  clA_ = cl;
  chA_ = ch;
  loA_ = lo;
  nbA_ = nb;
}

/** Records symbol B's result. */
// @ts-ignore: decorator
@inline export function foundB(j: i32, cl: f64, ch: f64, lo: i32, nb: i32): void {
  jB_ = j;
  clB_ = cl;
  chB_ = ch;
  loB_ = lo;
  nbB_ = nb;
}
