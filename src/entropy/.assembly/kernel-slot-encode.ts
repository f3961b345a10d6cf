/**
 * The format version 2 encoder's job of the mixture kernel (../mixture-slot-model.ts): runs of symbols, two at a
 * time (their lanes' states are independent), each one's window, slot ranges and frequency in one pass over its
 * components (one pair evaluation each, at the symbol's edges), then its rANS put to the slot of rank (state mod
 * frequency), picked without a branch. Invariant: words and states equal encodeSlotMixtureReverse's
 * (../mixture-slot-coder.ts) bit for bit; a symbol that escapes stops the run, and the host codes it.
 */
import { windowTotal_ } from './kernel-context';
import { HALF_MU, MU_ONE, ONE, resultP, symbolsP, weightsP } from './kernel-memory';
import { renormalize, startWords, wordsWritten } from './kernel-put';
import { componentPair, lo_, nb_, rangeEnd, slotWindow } from './kernel-slot-model';

/**
 * Per symbol of a pair (A, B): three f64 arrays of 17 (16 components and an empty pad), the first rank of each
 * component's slots in the symbol's bin, one past its last rank, and (first slot - first rank) of its sub-range, so
 * that the slot of rank r is r plus the third entry of the one component whose ranks hold r.
 */
const RANKS_A: usize = memory.data(3 * 17 * 8, 16);
const RANKS_B: usize = memory.data(3 * 17 * 8, 16);
const END: usize = 17 * 8;
const DELTA: usize = 2 * 17 * 8;

// The bin of the last prepared symbol.
let j_ = 0;

/**
 * Chunk symbol i's bin (to j_), frequency and rank table (at `ranks`).
 * @returns the frequency, or 0 when the symbol escapes (its window does not hold it)
 */
// @ts-ignore: decorator
@inline function prepareSymbol(i: i32, components: i32, ranks: usize): f64 {
  const nb = slotWindow(i, components);
  const x = load<i32>(symbolsP + (<usize>i << 2));
  // Clamped so that the bin stays an int32; a clamped symbol lies outside every window anyway.
  const j = (x < -2097152 ? -2097152 : x > 2097152 ? 2097152 : x) - lo_ + 1;
  j_ = j;
  if (j <= 0 || j >= nb_ - 1) return 0;
  // Bin j's lower edge is x's, so each component's pair needs only its range width, not the window.
  const edge = x * MU_ONE - HALF_MU;
  const params = <usize>i * <usize>components;
  const total = windowTotal_;
  let cumulative: f64 = 0;
  let start = nb;
  // Rank 0 is the leak slot; f ends as the bin's frequency.
  let f: f64 = 1;
  for (let e = 0; e < components; e++) {
    const q = (params + <usize>e) << 2;
    cumulative += <f64>load<i32>(weightsP + q);
    const next = rangeEnd(nb, cumulative, total);
    const pair = componentPair(q, next - start, edge);
    const below = f64x2.extract_lane(pair, 0);
    const at = ranks + (<usize>e << 3);
    store<f64>(at, f);
    store<f64>(at + DELTA, start + below - f);
    f += f64x2.extract_lane(pair, 1) - below;
    store<f64>(at + END, f);
    start = next;
  }
  // An empty pad, so that put may read components in pairs.
  store<f64>(ranks + (<usize>components << 3), 0);
  store<f64>(ranks + END + (<usize>components << 3), 0);
  return f;
}

/**
 * encodePut (../rans-core.ts) of a symbol of frequency f in bin j with rank table `ranks` onto state a, words to
 * the word buffer (kernel-put.ts). @returns the new state
 */
// @ts-ignore: decorator
@inline function put(a: f64, f: f64, j: i32, ranks: usize, components: i32): f64 {
  a = renormalize(a, f);
  const q = Math.floor(a / f);
  const r = a - q * f;
  // The slot of rank r: the leak slot j for rank 0, else r + DELTA of the one component whose ranks hold r
  // (masks in pairs of components, summed: no branch and a short dependency chain after r).
  const rv = f64x2.splat(r);
  let offset = f64x2.splat(0);
  for (let e = 0; e < components; e += 2) {
    const at = ranks + (<usize>e << 3);
    const inside = v128.and(f64x2.ge(rv, v128.load(at)), f64x2.lt(rv, v128.load(at + END)));
    offset = f64x2.add(offset, v128.and(inside, v128.load(at + DELTA)));
  }
  const slot = r == 0 ? <f64>j : r + f64x2.extract_lane(offset, 0) + f64x2.extract_lane(offset, 1);
  return q * ONE + slot;
}

/**
 * Encodes chunk symbols from, from - 1, ..., 0 under format version 2 mixtures with the rANS states in result[4]
 * (a, the lane of symbol `from`) and result[5] (b), swapping them after every symbol as the reference loop does,
 * and appends the words it emits to the word buffer (result[6] words, counted from this call). Stops before a
 * symbol that escapes.
 * @returns that symbol's index, or -1 when the chunk is done; the states are back in result[4], result[5]
 */
export function encodeSlotChunk(from: i32, components: i32): i32 {
  let a = load<f64>(resultP, 32);
  let b = load<f64>(resultP, 40);
  startWords();
  let i = from;
  while (i >= 0) {
    // Symbols i (lane a) and i - 1 (lane b) prepared first: their work overlaps.
    const fA = prepareSymbol(i, components, RANKS_A);
    const jA = j_;
    if (fA == 0) break;
    const paired = i >= 1;
    const fB = paired ? prepareSymbol(i - 1, components, RANKS_B) : 0;
    const jB = j_;
    const t = put(a, fA, jA, RANKS_A, components);
    a = b;
    b = t;
    i--;
    // A symbol i - 1 that escapes stops the run at the next round.
    if (fB == 0) continue;
    const u = put(a, fB, jB, RANKS_B, components);
    a = b;
    b = u;
    i--;
  }
  store<f64>(resultP, a, 32);
  store<f64>(resultP, b, 40);
  store<f64>(resultP, wordsWritten(), 48);
  return i;
}
