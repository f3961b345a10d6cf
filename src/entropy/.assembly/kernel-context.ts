/**
 * The format version 1 decoder's symbol contexts: everything about a symbol's mixture that does not depend on its
 * slot (window, the probe's operands, the mu-ordered weight ranges of the guess), prepared for CONTEXT_SYMBOLS
 * symbols in one pass ahead of the serial search, where it costs no latency and no mispredicted branch; the window
 * itself (mixtureWindow, which format version 2's coders use per symbol) and the table guess. Invariant: a window
 * equals prepareMixture's (../mixture-model.ts); a guess only starts an exact search, so it never decides a
 * frequency.
 */
import {
  CDF_ONE, HALF_MU, HALF_WIDTH_MAX, INV_CDF_ONE, MAX_INT, MU_ONE, ONE, compP, guessP, halfP, limitP, multP, musP,
  offsetPerPositionP, rankP, scalesP, weightsP,
} from './kernel-memory';

const CENTER_POSITION: f64 = 1280;
const INV_MU_ONE: f64 = 1.0 / 256;
const LEVEL_TO_BUCKET: f64 = 1.0 / 65536; // 2^(12 - 28)

// A context of K components (K4: K rounded up to 4) from its address: per component c, at 80c, the probe's
// operands: (-mu, MU_ONE - mu, 0, 0) and the offset limit and its negation splatted (i32x4), the position multiplier
// and the weight splatted (f64x2). Then, from 80K, four i32 arrays of K4 entries: the start and end of each
// component's range of the mu-ordered weights (empty past the last component), its mu and its scale index. Then the
// window's lo, nb (i32), the weight total and the spread (f64).
export const OP_NEG_MU: usize = 0;
export const OP_LIMIT: usize = 16;
export const OP_NEG_LIMIT: usize = 32;
export const OP_MULT: usize = 48;
export const OP_WEIGHT: usize = 64;
export const OP_BYTES: usize = 80;

/** Bytes between consecutive contexts; set by setContextShape. */
export let stride_: usize = 0;
/** Offset of the four i32 arrays. */
let arrays_: usize = 0;
/** Bytes of one i32 array (4 * K4). */
let arrayBytes_: usize = 0;
/** Offset of lo, nb, total, spread. */
export let fields_: usize = 0;

/** Sets the context layout for `components` (1..16) components. */
export function setContextShape(components: i32): void {
  const k4 = (<usize>components + 3) & ~(<usize>3);
  arrays_ = OP_BYTES * <usize>components;
  arrayBytes_ = k4 << 2;
  fields_ = arrays_ + 4 * arrayBytes_;
  stride_ = (fields_ + 24 + 15) & ~(<usize>15);
}

/** The address of the context of the n-th symbol of the last preparation pass. */
// @ts-ignore: decorator
@inline export function contextAt(n: i32): usize {
  return compP + <usize>n * stride_;
}

/** The weight total of the last mixtureWindow. */
export let windowTotal_: f64 = 0;

/**
 * The window of the mixture whose parameters start at component index `params` of the chunk: the union of its
 * components' windows, capped around the heaviest (the first on ties) as prepareMixture (../mixture-model.ts) does;
 * sets windowTotal_ to the weight total.
 * @returns lo in the low 32 bits and nb in the high 32 bits
 */
// @ts-ignore: decorator
@inline export function mixtureWindow(params: usize, components: i32): i64 {
  let lo = MAX_INT;
  let hi = -MAX_INT;
  let total: f64 = 0;
  let heaviestMu = 0;
  let heaviestWeight = -1;
  for (let c = 0; c < components; c++) {
    const q = (params + <usize>c) << 2;
    const muQ = load<i32>(musP + q);
    const w = load<i32>(weightsP + q);
    const center = (muQ + HALF_MU) >> 8;
    const halfWidth = load<i32>(halfP + (<usize>load<i32>(scalesP + q) << 2));
    lo = min(lo, center - halfWidth);
    hi = max(hi, center + halfWidth);
    total += <f64>w;
    // Branch-free argmax: parameters are random-looking, a branch would mispredict.
    const heavier = w > heaviestWeight;
    heaviestWeight = select<i32>(w, heaviestWeight, heavier);
    heaviestMu = select<i32>(muQ, heaviestMu, heavier);
  }
  if (hi - lo > 2 * HALF_WIDTH_MAX) {
    lo = ((heaviestMu + HALF_MU) >> 8) - HALF_WIDTH_MAX;
    hi = lo + 2 * HALF_WIDTH_MAX;
  }
  windowTotal_ = total;
  return (<i64>(hi - lo + 3) << 32) | <i64>(<u32>lo);
}

/**
 * Prepares the contexts of chunk symbols first..first+count-1 (count <= CONTEXT_SYMBOLS) at contextAt(0..count-1);
 * setContextShape(components) must have been called.
 */
export function prepareContexts(first: i32, count: i32, components: i32): void {
  const k4 = (components + 3) & ~3;
  for (let n = 0; n < count; n++) {
    const ctx = contextAt(n);
    const params = <usize>(first + n) * <usize>components;
    const window = mixtureWindow(params, components);
    const nb = <i32>(window >> 32);
    store<i32>(ctx + fields_, <i32>window);
    store<i32>(ctx + fields_, nb, 4);
    store<f64>(ctx + fields_, windowTotal_, 8);
    store<f64>(ctx + fields_, (ONE - <f64>nb) * INV_CDF_ONE, 16);
    for (let c = 0; c < components; c++) {
      const q = (params + <usize>c) << 2;
      const muQ = load<i32>(musP + q);
      const k = load<i32>(scalesP + q);
      const w = load<i32>(weightsP + q);
      const k4b = <usize>k << 2;
      const op = ctx + OP_BYTES * <usize>c;
      const limit = load<i32>(limitP + k4b);
      v128.store(op + OP_NEG_MU, i32x4.sub(i32x4(0, MU_ONE, 0, 0), i32x4.splat(muQ)));
      v128.store(op + OP_LIMIT, i32x4.splat(limit));
      v128.store(op + OP_NEG_LIMIT, i32x4.splat(-limit));
      v128.store(op + OP_MULT, f64x2.splat(load<f64>(multP + (k4b << 1))));
      v128.store(op + OP_WEIGHT, f64x2.splat(<f64>w));
      const c4 = <usize>c << 2;
      store<i32>(ctx + arrays_ + 2 * arrayBytes_ + c4, muQ);
      store<i32>(ctx + arrays_ + 3 * arrayBytes_ + c4, k);
      // Rank key: mu to 1/16 pixel, then the index (distinct keys; only the guess depends on this order).
      store<i32>(rankP + c4, ((muQ >> 4) << 4) | c);
      store<i32>(rankP + 64 + c4, w);
    }
    for (let c = components; c < k4; c++) store<i32>(rankP + 64 + (<usize>c << 2), 0);
    // Four components c at a time: start_c = sum of w_e over the components e with a smaller key, end_c = start_c +
    // w_c. The ranges tile [0, total) in key order; past the last component they are empty (weight 0).
    for (let block = 0; block < k4; block += 4) {
      const b4 = <usize>block << 2;
      const keyC = v128.load(rankP + b4);
      let start = i32x4.splat(0);
      for (let e = 0; e < components; e++) {
        const first = i32x4.lt_s(i32x4.splat(load<i32>(rankP + (<usize>e << 2))), keyC);
        start = i32x4.add(start, v128.and(first, i32x4.splat(load<i32>(rankP + 64 + (<usize>e << 2)))));
      }
      v128.store(ctx + arrays_ + b4, start);
      v128.store(ctx + arrays_ + arrayBytes_ + b4, i32x4.add(start, v128.load(rankP + 64 + b4)));
    }
  }
}

/**
 * A first guess of the value whose interval holds CDF level `level` (0..2^28-1) of logistic(muQ, scale k): the
 * table position interpolated from the guess table, mapped back to pixel units.
 */
// @ts-ignore: decorator
@inline export function guessValue(level: f64, muQ: i32, k: i32): i32 {
  const f = level * LEVEL_TO_BUCKET;
  const bucket = Math.floor(f);
  const g = guessP + (<usize>(<i32>bucket) << 3);
  const low = load<f64>(g);
  const position = low + (load<f64>(g, 8) - low) * (f - bucket);
  const offset = (position - CENTER_POSITION) * load<f64>(offsetPerPositionP + (<usize>k << 3));
  const value = Math.floor((<f64>(muQ + HALF_MU) + offset) * INV_MU_ONE);
  return <i32>max<f64>(-1073741824, min<f64>(1073741823, value));
}

/** The sum of the four lanes of an i32x4. */
// @ts-ignore: decorator
@inline function laneSum(v: v128): i32 {
  const half = i32x4.add(v, i8x16.shuffle(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  const swapped = i8x16.shuffle(half, half, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3);
  return i32x4.extract_lane(i32x4.add(half, swapped), 0);
}

/**
 * The first bin (0..nb-1) to probe for `slot` in the context at `ctx`: the component whose range of the
 * mu-ordered weights holds the slot's level (the ranges tile [0, total), so exactly one does: its lanes are the
 * only ones the masks keep), then that component's quantile at the level within its range.
 */
// @ts-ignore: decorator
@inline export function guessBin(ctx: usize, components: i32, slot: f64): i32 {
  const total = load<f64>(ctx + fields_, 8);
  const target = slot * (1.0 / ONE) * total;
  const floorTarget = i32x4.splat(<i32>target);
  let pickStart = i32x4.splat(0);
  let pickEnd = i32x4.splat(0);
  let pickMu = i32x4.splat(0);
  let pickScale = i32x4.splat(0);
  const arrays = ctx + arrays_;
  for (let block = 0; block < components; block += 4) {
    const b4 = <usize>block << 2;
    const start = v128.load(arrays + b4);
    const end = v128.load(arrays + arrayBytes_ + b4);
    const hit = v128.and(i32x4.le_s(start, floorTarget), i32x4.lt_s(floorTarget, end));
    pickStart = v128.or(pickStart, v128.and(hit, start));
    pickEnd = v128.or(pickEnd, v128.and(hit, end));
    pickMu = v128.or(pickMu, v128.and(hit, v128.load(arrays + 2 * arrayBytes_ + b4)));
    pickScale = v128.or(pickScale, v128.and(hit, v128.load(arrays + 3 * arrayBytes_ + b4)));
  }
  const before = <f64>laneSum(pickStart);
  let level = (target - before) / (<f64>laneSum(pickEnd) - before) * CDF_ONE;
  level = max<f64>(0, min<f64>(CDF_ONE - 1, level));
  const lo = load<i32>(ctx + fields_);
  const nb = load<i32>(ctx + fields_, 4);
  const guess = <i64>guessValue(level, laneSum(pickMu), laneSum(pickScale)) - <i64>lo + 1;
  return <i32>max<i64>(0, min<i64>(<i64>nb - 1, guess));
}

