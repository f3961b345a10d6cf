/**
 * The format version 2 decoder's search (../mixture-slot-model.ts), for the run loop of kernel-decode.ts, two
 * symbols at a time, stage by stage, so that the independent work of the two overlaps: both slot layouts, both
 * guesses, both searches, both frequency sums. A leak slot names its bin; a component slot names its component
 * (the range that holds it), whose one logistic is inverted from the table guess with exact boundary pairs inside a
 * bracket; then every component's slots in that bin give the frequency and the slot's rank. Invariant: bin,
 * frequency and rank equal decodeSlotMixtureSymbol's (../mixture-slot-coder.ts) bit for bit for every bin but the
 * escape bins, which it only names (the host decodes them).
 */
import { guessValue } from './kernel-context';
import { foundA, foundB } from './kernel-found';
import { CDF_ONE, musP, scalesP } from './kernel-memory';
import {
  RANGES_A, RANGES_B, binEdge, lo_, nb_, slotPair, slotRanges, slotWindow,
} from './kernel-slot-model';

/** Neighbour steps from the guess before the search bisects its bracket (as mixture-slot-coder.ts). */
const STEPS_BEFORE_BISECTION: i32 = 3;

// What the last componentBin and binFrequency found.
let below_: f64 = 0;
let cl_: f64 = 0;
let ch_: f64 = 0;

/**
 * The first bin to probe for `slot` of chunk symbol i, whose component c (>= 0) has its range at `ranges`: that
 * component's quantile at the slot's level in its range, clamped to the window.
 */
// @ts-ignore: decorator
@inline function guessBin(i: i32, components: i32, c: i32, slot: f64, ranges: usize, lo: i32, nb: i32): i32 {
  const q = (<usize>i * <usize>components + <usize>c) << 2;
  const at = ranges + (<usize>c << 4);
  const level = min<f64>(CDF_ONE - 1, (slot - load<f64>(at) + 0.5) / load<f64>(at, 8) * CDF_ONE);
  const guess = <i64>guessValue(level, load<i32>(musP + q), load<i32>(scalesP + q)) - <i64>lo + 1;
  return <i32>max<i64>(0, min<i64>(<i64>nb - 1, guess));
}

/**
 * The bin of component c of chunk symbol i (range at `ranges`) whose sub-range holds `slot`, from bin `guess`:
 * boundary(j) <= t < boundary(j + 1) for t = slot - the range's start, with boundary(0) = 0 and boundary(nb) = W_c.
 * Writes boundary(j) to below_. @returns the bin
 */
// @ts-ignore: decorator
@inline function componentBin(
  i: i32, components: i32, c: i32, slot: f64, ranges: usize, lo: i32, nb: i32, guess: i32,
): i32 {
  const t = slot - load<f64>(ranges + (<usize>c << 4));
  const width = load<f64>(ranges + (<usize>c << 4), 8);
  let j = guess;
  let jl = 0;
  let jh = nb;
  let below: f64 = 0;
  for (let probes = 0; ; probes++) {
    if (j < jl || j >= jh || probes > STEPS_BEFORE_BISECTION) j = jl + ((jh - jl) >> 1);
    const pair = slotPair(i, components, c, binEdge(lo, j), ranges);
    below = j <= 0 ? 0 : f64x2.extract_lane(pair, 0);
    const above = j + 1 >= nb ? width : f64x2.extract_lane(pair, 1);
    if (below > t) {
      jh = j--;
    } else if (above <= t) {
      jl = ++j;
    } else {
      break;
    }
  }
  below_ = below;
  return j;
}

/**
 * Bin j's frequency (interior bins only: no boundary clamps) and the rank of `slot` in it, as cl_ = slot - rank and
 * ch_ = cl_ + frequency: every component's slots below and in the bin, those before c (component c's slot, or none
 * for c = -1, a leak slot) apart; `belowC` is component c's boundary at j.
 */
// @ts-ignore: decorator
@inline function binFrequency(
  i: i32, components: i32, c: i32, slot: f64, ranges: usize, lo: i32, j: i32, belowC: f64,
): void {
  const edge = binEdge(lo, j);
  // Two accumulators each, for two shorter dependency chains.
  let all = f64x2.splat(0);
  let all2 = f64x2.splat(0);
  let before = f64x2.splat(0);
  let before2 = f64x2.splat(0);
  let e = 0;
  for (; e + 1 < components; e += 2) {
    const pair = slotPair(i, components, e, edge, ranges);
    const pair2 = slotPair(i, components, e + 1, edge, ranges);
    all = f64x2.add(all, pair);
    all2 = f64x2.add(all2, pair2);
    before = f64x2.add(before, v128.and(pair, i64x2.splat(-<i64>(e < c))));
    before2 = f64x2.add(before2, v128.and(pair2, i64x2.splat(-<i64>(e + 1 < c))));
  }
  if (e < components) {
    const pair = slotPair(i, components, e, edge, ranges);
    all = f64x2.add(all, pair);
    before = f64x2.add(before, v128.and(pair, i64x2.splat(-<i64>(e < c))));
  }
  all = f64x2.add(all, all2);
  before = f64x2.add(before, before2);
  const f = 1 + f64x2.extract_lane(all, 1) - f64x2.extract_lane(all, 0);
  const t = c < 0 ? 0 : slot - load<f64>(ranges + (<usize>c << 4));
  const rank = c < 0 ? 0 : 1 + t - belowC + f64x2.extract_lane(before, 1) - f64x2.extract_lane(before, 0);
  cl_ = slot - rank;
  ch_ = cl_ + f;
}

/**
 * The searches for chunk symbol i (slot slotA) and, when `paired`, symbol i + 1 (slotB), results through foundA /
 * foundB (unpaired: B repeats A). An escape bin is only named (its cl, ch are not computed).
 */
export function findSlotTwo(i: i32, paired: bool, components: i32, slotA: f64, slotB: f64): void {
  const iB = paired ? i + 1 : i;
  const nbA = slotWindow(i, components);
  const loA = lo_;
  const cA = slotRanges(i, components, nbA, slotA, RANGES_A);
  const nbB = slotWindow(iB, components);
  const loB = lo_;
  const cB = slotRanges(iB, components, nbB, slotB, RANGES_B);
  const nA = <i32>nbA;
  const nB = <i32>nbB;
  let jA = <i32>slotA;
  let jB = <i32>slotB;
  const guessA = cA < 0 ? 0 : guessBin(i, components, cA, slotA, RANGES_A, loA, nA);
  const guessB = cB < 0 ? 0 : guessBin(iB, components, cB, slotB, RANGES_B, loB, nB);
  let belowA: f64 = 0;
  let belowB: f64 = 0;
  if (cA >= 0) {
    jA = componentBin(i, components, cA, slotA, RANGES_A, loA, nA, guessA);
    belowA = below_;
  }
  if (cB >= 0) {
    jB = componentBin(iB, components, cB, slotB, RANGES_B, loB, nB, guessB);
    belowB = below_;
  }
  if (jA != 0 && jA != nA - 1) binFrequency(i, components, cA, slotA, RANGES_A, loA, jA, belowA);
  foundA(jA, cl_, ch_, loA, nA);
  if (jB != 0 && jB != nB - 1) binFrequency(iB, components, cB, slotB, RANGES_B, loB, jB, belowB);
  foundB(jB, cl_, ch_, loB, nB);
}
