/**
 * The format version 2 decoder's search (../mixture-slot-model.ts), for the run loop of kernel-decode.ts: a leak
 * slot names its bin; a component slot names its component (the range that holds it, counted without a branch),
 * whose one logistic is inverted from the table guess with exact boundary pairs inside a bracket; then every
 * component's slots in that bin give the frequency and the slot's rank. Invariant: bin, frequency and rank equal
 * decodeSlotMixtureSymbol's (../mixture-slot-coder.ts) bit for bit for every bin but the escape bins, which it only
 * names (the host decodes them).
 */
import { guessValue } from './kernel-context';
import { foundA, foundB } from './kernel-found';
import { CDF_ONE, musP, scalesP } from './kernel-memory';
import { RANGES, binEdge, lo_, nb_, slotLayout, slotPair } from './kernel-slot-model';

/** Neighbour steps from the guess before the search bisects its bracket (as mixture-slot-coder.ts). */
const STEPS_BEFORE_BISECTION: i32 = 3;

// What findSlot found: the bin, and cl, ch as kernel-found.ts describes them.
let j_ = 0;
let cl_: f64 = 0;
let ch_: f64 = 0;

/**
 * The bin of component c (range of `width` slots) of chunk symbol i whose sub-range holds t, from bin `guess`:
 * boundary(j) <= t < boundary(j + 1) with boundary(0) = 0 and boundary(nb) = width. Writes its lower boundary to
 * cl_. @returns the bin
 */
// @ts-ignore: decorator
@inline function componentBin(i: i32, components: i32, c: i32, width: f64, t: f64, guess: i32): i32 {
  const lo = lo_;
  const nb = nb_;
  let j = guess;
  let jl = 0;
  let jh = nb;
  let below: f64 = 0;
  for (let probes = 0; ; probes++) {
    if (j < jl || j >= jh || probes > STEPS_BEFORE_BISECTION) j = jl + ((jh - jl) >> 1);
    const pair = slotPair(i, components, c, binEdge(lo, j));
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
  cl_ = below;
  return j;
}

/** The search for `slot` of chunk symbol i: sets j_, cl_, ch_ (only j_ for an escape bin), lo_ and nb_. */
// @ts-ignore: decorator
@inline function findSlot(i: i32, components: i32, slot: f64): void {
  slotLayout(i, components);
  const lo = lo_;
  const nb = nb_;
  // The component: how many ranges end at or before the slot (-1 for a leak slot).
  let c = select<i32>(0, -1, slot >= <f64>nb);
  for (let e = 0; e < components; e++) {
    const at = RANGES + (<usize>e << 4);
    c += i32(load<f64>(at) + load<f64>(at, 8) <= slot);
  }
  let j = <i32>slot;
  let t: f64 = 0;
  if (c >= 0) {
    const q = (<usize>i * <usize>components + <usize>c) << 2;
    const width = load<f64>(RANGES + (<usize>c << 4), 8);
    t = slot - load<f64>(RANGES + (<usize>c << 4));
    const level = min<f64>(CDF_ONE - 1, (t + 0.5) / width * CDF_ONE);
    const guess = <i64>guessValue(level, load<i32>(musP + q), load<i32>(scalesP + q)) - <i64>lo + 1;
    j = componentBin(i, components, c, width, t, <i32>max<i64>(0, min<i64>(<i64>nb - 1, guess)));
  }
  j_ = j;
  if (j == 0 || j == nb - 1) return;
  // Every component's slots below and in the interior bin j (no boundary clamps needed), those before c apart.
  const edge = binEdge(lo, j);
  let all = f64x2.splat(0);
  let before = f64x2.splat(0);
  for (let e = 0; e < components; e++) {
    const pair = slotPair(i, components, e, edge);
    all = f64x2.add(all, pair);
    before = f64x2.add(before, v128.and(pair, i64x2.splat(-<i64>(e < c))));
  }
  const f = 1 + f64x2.extract_lane(all, 1) - f64x2.extract_lane(all, 0);
  const rank = c < 0 ? 0 : 1 + t - cl_ + f64x2.extract_lane(before, 1) - f64x2.extract_lane(before, 0);
  cl_ = slot - rank;
  ch_ = cl_ + f;
}

/**
 * The searches for chunk symbol i (slot slotA) and, when `paired`, symbol i + 1 (slotB), results through foundA /
 * foundB (unpaired: B repeats A). The two are independent, so their work overlaps in the CPU.
 */
export function findSlotTwo(i: i32, paired: bool, components: i32, slotA: f64, slotB: f64): void {
  findSlot(i, components, slotA);
  foundA(j_, cl_, ch_, lo_, nb_);
  findSlot(paired ? i + 1 : i, components, slotB);
  foundB(j_, cl_, ch_, lo_, nb_);
}
