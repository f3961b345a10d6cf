/**
 * WASM kernel (AssemblyScript) of the mixture coder (host: ../mixture-wasm.ts): the encoder's runs of symbols (their
 * intervals and rANS puts), the decoder's bin search for one symbol, and a parameter screen, over component
 * parameters the host copied into this module's memory.
 * Invariant: every cumulative frequency equals mixtureBoundary (../mixture-model.ts) bit for bit: the same int32
 * clamp and the same IEEE double operations in the same order (WASM, like JS, rounds every operation and never
 * fuses). Lives in a dot-folder so that tsc skips it; `npm run build:wasm` compiles it to mixture-kernel.wasm.
 */

// Format version 1 constants (../logistic-params.ts, ../rans-core.ts); the equivalence tests catch a mismatch.
const TABLE_SIZE: i32 = 2561;
const SCALE_COUNT: i32 = 577;
/** Buckets of the decoder's guess table over the CDF range (level / 2^16). */
const GUESS_BUCKETS: i32 = 4096;
const CENTER_POSITION: f64 = 1280;
const MU_ONE: i32 = 256;
const HALF_MU: i32 = 128;
const INV_MU_ONE: f64 = 1.0 / 256;
const POS_ONE: f64 = 268435456; // 2^28
const INV_POS_ONE: f64 = 1.0 / 268435456;
const POS_CENTER: f64 = 1280 * 268435456;
const CDF_ONE: f64 = 268435456;
const INV_CDF_ONE: f64 = 1.0 / 268435456;
const LEVEL_TO_BUCKET: f64 = 1.0 / 65536; // 2^(12 - 28)
const ONE: f64 = 16777216; // 2^24
const HALF_WIDTH_MAX: i32 = 131071;
const MAX_INT: i32 = 1073741823;
const SLOPE_UNIT: f64 = 256.0 / 268435456;
const WORD: f64 = 65536;
const INV_WORD: f64 = 1.0 / 65536;
/** A state must be below freq * XMAX_PER_FREQ before a symbol of frequency freq is pushed (2^36 / 2^24 * 2^16). */
const XMAX_PER_FREQ: f64 = 268435456;
/** Pair evaluations before the search falls back to bisection (bounds the work per symbol). */
const BISECT_AFTER: i32 = 8;

// Layout, set by layout(): the table (written once by the host), then the current chunk's parameters.
let cdfP: usize = 0;
let multP: usize = 0;
let limitP: usize = 0;
let halfP: usize = 0;
let guessP: usize = 0;
let offsetPerPositionP: usize = 0;
let musP: usize = 0;
let scalesP: usize = 0;
let weightsP: usize = 0;
let symbolsP: usize = 0;
let wordsP: usize = 0;
let resultP: usize = 0;
// The decoder's compact copy of one symbol's components (16 slots each): mu, offset limit, scale index (i32),
// multiplier and weight (f64), and the weight again as i32 (zero past the last component, for the SIMD rank).
let compMuP: usize = 0;
let compLimitP: usize = 0;
let compScaleP: usize = 0;
let compMultP: usize = 0;
let compWeightP: usize = 0;
let compWeightIP: usize = 0;

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
  p = align(p + 8 * 16); // result[0..6] (see mixture-wasm.ts), then 16 bytes of SIMD scratch at byte 64
  compMuP = p;
  compLimitP = p + 64;
  compScaleP = p + 128;
  compMultP = p + 192;
  compWeightP = p + 320;
  compWeightIP = p + 448;
  p = align(p + 512);
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
  return align(p + 4 * <usize>symbols);
}

/**
 * Addresses of the layout, in this order: cdf, multipliers, limits, half-widths, guess positions, offset per
 * position, result, mus, scales, weights, symbols, words.
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
    default: return wordsP;
  }
}

/** The table CDF (times 2^28) at offset u from mu for a component with offset limit `limit`, multiplier `m`. */
// @ts-ignore: decorator
@inline function cdfAt(u: i32, limit: i32, m: f64): f64 {
  u = select<i32>(limit, u, u > limit);
  u = select<i32>(-limit, u, u < -limit);
  const p = <f64>u * m + POS_CENTER;
  const t = Math.floor(p * INV_POS_ONE);
  const q = cdfP + (<usize>(<i32>t) << 3);
  const a = load<f64>(q);
  return a + Math.floor((load<f64>(q, 8) - a) * (p - t * POS_ONE) * INV_POS_ONE);
}

/**
 * cdfAt at offsets u0 and u0 + MU_ONE in the two lanes of an f64x2: the same lane-wise IEEE operations in the same
 * order as the scalar code.
 */
// @ts-ignore: decorator
@inline function cdfPair(u0: i32, limit: i32, m: f64): v128 {
  let u = i32x4.add(i32x4.splat(u0), i32x4(0, MU_ONE, 0, 0));
  u = i32x4.max_s(i32x4.min_s(u, i32x4.splat(limit)), i32x4.splat(-limit));
  const p = f64x2.add(f64x2.mul(f64x2.convert_low_i32x4_s(u), f64x2.splat(m)), f64x2.splat(POS_CENTER));
  const t = f64x2.floor(f64x2.mul(p, f64x2.splat(INV_POS_ONE)));
  const index = i32x4.trunc_sat_f64x2_s_zero(t);
  const r0 = cdfP + (<usize>i32x4.extract_lane(index, 0) << 3);
  const r1 = cdfP + (<usize>i32x4.extract_lane(index, 1) << 3);
  const a = v128.load64_lane(r1, v128.load64_zero(r0), 1);
  const b = v128.load64_lane(r1, v128.load64_zero(r0, 8), 1, 8);
  const fraction = f64x2.sub(p, f64x2.mul(t, f64x2.splat(POS_ONE)));
  return f64x2.add(a, f64x2.floor(f64x2.mul(f64x2.mul(f64x2.sub(b, a), fraction), f64x2.splat(INV_POS_ONE))));
}

// The interval interval() found.
let start_: f64 = 0;
let freq_: f64 = 0;

/**
 * The encoder's interval of chunk symbol i into start_ and freq_; false where the symbol escapes or its window is
 * capped (the host codes those with the reference model).
 */
// @ts-ignore: decorator
@inline function interval(i: i32, components: i32): bool {
  const x = load<i32>(symbolsP + (<usize>i << 2));
  // Clamped so that every offset below stays an int32; a clamped symbol lies outside every window anyway.
  const xc = x < -2097152 ? -2097152 : x > 2097152 ? 2097152 : x;
  const e0 = xc * MU_ONE - HALF_MU;
  let lo = MAX_INT;
  let hi = -MAX_INT;
  let total: f64 = 0;
  let sums = f64x2.splat(0);
  const first = <usize>i * <usize>components;
  for (let c = 0; c < components; c++) {
    const q = (first + <usize>c) << 2;
    const muQ = load<i32>(musP + q);
    const k = <usize>load<i32>(scalesP + q) << 2;
    const w = <f64>load<i32>(weightsP + q);
    const center = (muQ + HALF_MU) >> 8;
    const halfWidth = load<i32>(halfP + k);
    lo = min(lo, center - halfWidth);
    hi = max(hi, center + halfWidth);
    total += w;
    sums = f64x2.add(sums, f64x2.mul(f64x2.splat(w), cdfPair(e0 - muQ, load<i32>(limitP + k), load<f64>(multP + (k << 1)))));
  }
  if (x < lo || x > hi || hi - lo > 2 * HALF_WIDTH_MAX) return false;
  const spread = (ONE - <f64>(hi - lo + 3)) * INV_CDF_ONE;
  const j = <f64>(x - lo + 1);
  const start = Math.floor(Math.floor(f64x2.extract_lane(sums, 0) / total) * spread) + j;
  start_ = start;
  freq_ = Math.floor(Math.floor(f64x2.extract_lane(sums, 1) / total) * spread) + j + 1 - start;
  return true;
}

/**
 * The encoder's interval of chunk symbol i: returns its frequency and writes its start to result[0], or returns 0
 * where the reference model must code the symbol.
 */
export function symbolInterval(i: i32, components: i32): f64 {
  if (!interval(i, components)) return 0;
  store<f64>(resultP, start_);
  return freq_;
}

/**
 * Encodes chunk symbols from, from - 1, ..., 0 with the rANS states in result[4] (a, the lane of symbol `from`)
 * and result[5] (b), swapping them after every symbol as the reference loop does, and appends the words it emits
 * to the word buffer (result[6] words, counted from this call). Stops before a symbol the reference model must code.
 * @returns that symbol's index, or -1 when the chunk is done; the states are back in result[4], result[5]
 */
export function encodeChunk(from: i32, components: i32): i32 {
  let a = load<f64>(resultP, 32);
  let b = load<f64>(resultP, 40);
  let top: usize = wordsP;
  let i = from;
  for (; i >= 0; i--) {
    if (!interval(i, components)) break;
    // encodePut (../rans-core.ts).
    const freq = freq_;
    const xmax = freq * XMAX_PER_FREQ;
    while (a >= xmax) {
      const high = Math.floor(a * INV_WORD);
      store<u16>(top, <u16>(<i32>(a - high * WORD)));
      top += 2;
      a = high;
    }
    const q = Math.floor(a / freq);
    a = q * ONE + (a - q * freq) + start_;
    const t = a;
    a = b;
    b = t;
  }
  store<f64>(resultP, a, 32);
  store<f64>(resultP, b, 40);
  store<f64>(resultP, <f64>((top - wordsP) >> 1), 48);
  return i;
}

// The decoder's per-symbol state (one symbol at a time).
let components_ = 0;
let total_: f64 = 1;
let spread_: f64 = 0;
let lo_ = 0;
let sum0_: f64 = 0;
let sum1_: f64 = 0;
let slope_: f64 = 0;

/** Sums w_c F_c at the lower edges of bins j and j + 1 (boundaries j and j + 1), and the slope at boundary j. */
function evaluatePair(j: i32): void {
  const e0 = (lo_ + j - 1) * MU_ONE - HALF_MU;
  let sums = f64x2.splat(0);
  let slope: f64 = 0;
  for (let c = 0; c < components_; c++) {
    const q4 = <usize>c << 2;
    const q8 = <usize>c << 3;
    const muQ = load<i32>(compMuP + q4);
    const limit = load<i32>(compLimitP + q4);
    const m = load<f64>(compMultP + q8);
    const w = load<f64>(compWeightP + q8);
    // Slope from the table step at boundary j (a guide only, not part of any frequency).
    let u = e0 - muQ;
    u = select<i32>(limit, u, u > limit);
    u = select<i32>(-limit, u, u < -limit);
    const r = cdfP + (<usize>(<i32>Math.floor((<f64>u * m + POS_CENTER) * INV_POS_ONE)) << 3);
    slope += w * (load<f64>(r, 8) - load<f64>(r)) * m;
    sums = f64x2.add(sums, f64x2.mul(f64x2.splat(w), cdfPair(e0 - muQ, limit, m)));
  }
  sum0_ = f64x2.extract_lane(sums, 0);
  sum1_ = f64x2.extract_lane(sums, 1);
  slope_ = (slope / total_) * SLOPE_UNIT * spread_ + 1;
}

/**
 * A first guess of the value whose interval holds CDF level `level` (0..2^28-1) of logistic(muQ, scale k): the
 * table position interpolated from the guess table, mapped back to pixel units.
 */
function guessValue(level: f64, muQ: i32, k: i32): i32 {
  const f = level * LEVEL_TO_BUCKET;
  const bucket = Math.floor(f);
  const g = guessP + (<usize>(<i32>bucket) << 3);
  const low = load<f64>(g);
  const position = low + (load<f64>(g, 8) - low) * (f - bucket);
  const value = Math.floor((<f64>(muQ + HALF_MU) + (position - CENTER_POSITION) * load<f64>(offsetPerPositionP + (<usize>k << 3)))
    * INV_MU_ONE);
  return <i32>max<f64>(-1073741824, min<f64>(1073741823, value));
}

/**
 * The decoder's search for symbol i of the chunk: the bin j whose interval [boundary(j), boundary(j + 1)) holds
 * `slot` (0..2^24-1). Writes boundary(j), boundary(j + 1), the window's lo and nb to the result block.
 * @returns j (0 and nb - 1 are the escape bins)
 */
export function decodeFind(i: i32, components: i32, slot: f64): i32 {
  const first = <usize>i * <usize>components;
  // The window (as prepareMixture), the heaviest component and the compact component block.
  let lo = MAX_INT;
  let hi = -MAX_INT;
  let total: f64 = 0;
  let heaviest = 0;
  let heaviestWeight = -1;
  for (let c = 0; c < components; c++) {
    const q = (first + <usize>c) << 2;
    const muQ = load<i32>(musP + q);
    const k = load<i32>(scalesP + q);
    const w = load<i32>(weightsP + q);
    const k4 = <usize>k << 2;
    const center = (muQ + HALF_MU) >> 8;
    const halfWidth = load<i32>(halfP + k4);
    lo = min(lo, center - halfWidth);
    hi = max(hi, center + halfWidth);
    total += <f64>w;
    const heavier = w > heaviestWeight;
    heaviestWeight = select<i32>(w, heaviestWeight, heavier);
    heaviest = select<i32>(c, heaviest, heavier);
    const c4 = <usize>c << 2;
    const c8 = <usize>c << 3;
    store<i32>(compMuP + c4, muQ);
    store<i32>(compLimitP + c4, load<i32>(limitP + k4));
    store<i32>(compScaleP + c4, k);
    store<f64>(compMultP + c8, load<f64>(multP + (k4 << 1)));
    store<f64>(compWeightP + c8, <f64>w);
    store<i32>(compWeightIP + c4, w);
  }
  for (let c = components; (c & 3) != 0; c++) store<i32>(compWeightIP + (<usize>c << 2), 0);
  if (hi - lo > 2 * HALF_WIDTH_MAX) {
    lo = ((load<i32>(compMuP + (<usize>heaviest << 2)) + HALF_MU) >> 8) - HALF_WIDTH_MAX;
    hi = lo + 2 * HALF_WIDTH_MAX;
  }
  const nb = hi - lo + 3;
  const spread = (ONE - <f64>nb) * INV_CDF_ONE;
  components_ = components;
  total_ = total;
  spread_ = spread;
  lo_ = lo;

  // First guess: the component whose share of the weight, taking components in order of mu (ties by index), holds
  // the slot's level; then that component's quantile at the level within its share.
  // Four components c at a time: before_c = sum of w_e over the components e that come first (smaller mu, or equal
  // mu and smaller index); c is picked when before_c <= target < before_c + w_c (integers, so floor(target) works).
  const target = slot * (1.0 / ONE) * total;
  const floorTarget = i32x4.splat(<i32>target);
  let pick = heaviest;
  let pickBefore: f64 = 0;
  for (let block = 0; block < components; block += 4) {
    const muC = v128.load(compMuP + (<usize>block << 2));
    const indexC = i32x4.add(i32x4.splat(block), i32x4(0, 1, 2, 3));
    let before = i32x4.splat(0);
    for (let e = 0; e < components; e++) {
      const muE = i32x4.splat(load<i32>(compMuP + (<usize>e << 2)));
      const first = v128.or(i32x4.lt_s(muE, muC), v128.and(i32x4.eq(muE, muC), i32x4.lt_s(i32x4.splat(e), indexC)));
      before = i32x4.add(before, v128.and(first, i32x4.splat(load<i32>(compWeightIP + (<usize>e << 2)))));
    }
    const end = i32x4.add(before, v128.load(compWeightIP + (<usize>block << 2)));
    const hits = i32x4.bitmask(v128.and(i32x4.le_s(before, floorTarget), i32x4.lt_s(floorTarget, end)));
    if (hits != 0) {
      const lane = ctz(hits);
      v128.store(resultP, before, 64);
      pick = block + lane;
      pickBefore = <f64>load<i32>(resultP + 64 + (<usize>lane << 2));
    }
  }
  let level = (target - pickBefore) / load<f64>(compWeightP + (<usize>pick << 3)) * CDF_ONE;
  level = max<f64>(0, min<f64>(CDF_ONE - 1, level));
  const guess = <i64>guessValue(level, load<i32>(compMuP + (<usize>pick << 2)), load<i32>(compScaleP + (<usize>pick << 2)))
    - <i64>lo + 1;

  // Pair evaluations (boundaries j and j + 1) inside an exact bracket boundary(jl) = cl <= slot < ch = boundary(jh),
  // which always holds the answer, so any sequence of probes ends on the one right bin.
  let j = <i32>max<i64>(0, min<i64>(<i64>nb - 1, guess));
  let jl = 0;
  let jh = nb;
  let cl: f64 = 0;
  let ch: f64 = ONE;
  let pairs = 0;
  // Until both ends of the bracket come from evaluations, Newton steps of at least `run` bins, doubling while they
  // keep going the same way; then interpolation between the ends; bisection after BISECT_AFTER pairs.
  let lowKnown = false;
  let highKnown = false;
  let run = 1;
  let direction = 0;
  while (jh - jl > 1) {
    if (pairs >= BISECT_AFTER) j = jl + ((jh - jl) >> 1);
    j = min(max(j, jl), jh - 1);
    pairs++;
    evaluatePair(j);
    const b0 = j <= 0 ? 0 : Math.floor(Math.floor(sum0_ / total) * spread) + <f64>j;
    const b1 = j + 1 >= nb ? ONE : Math.floor(Math.floor(sum1_ / total) * spread) + <f64>(j + 1);
    if (slot < b0) {
      jh = j;
      ch = b0;
      highKnown = true;
      run = direction < 0 ? run << 1 : 1;
      direction = -1;
      j = lowKnown ? jl + <i32>Math.floor((slot - cl) / (ch - cl) * <f64>(jh - jl))
        : <i32>max<f64>(<f64>jl, <f64>j - max<f64>(<f64>run, Math.ceil((b0 - slot) / slope_)));
    } else if (slot >= b1) {
      jl = j + 1;
      cl = b1;
      lowKnown = true;
      run = direction > 0 ? run << 1 : 1;
      direction = 1;
      j = highKnown ? jl + <i32>Math.floor((slot - cl) / (ch - cl) * <f64>(jh - jl))
        : <i32>min<f64>(<f64>jh, <f64>(j + 1) + max<f64>(<f64>(run - 1), Math.floor((slot - b1) / slope_)));
    } else {
      jl = j;
      jh = j + 1;
      cl = b0;
      ch = b1;
    }
  }
  store<f64>(resultP, cl);
  store<f64>(resultP, ch, 8);
  store<f64>(resultP, <f64>lo, 16);
  store<f64>(resultP, <f64>nb, 24);
  return jl;
}

/**
 * Whether the chunk's n symbols have valid parameters (as checkMixtureParams): mus within +-2^28, scale indices
 * 0..576, weights 0..2^24 and each symbol's weights summing to 1..2^24. Returns 1 or 0.
 */
export function checkChunk(n: i32, components: i32): i32 {
  const count = n * components;
  let muLow = i32x4.splat(0);
  let muHigh = i32x4.splat(0);
  let scaleLow = i32x4.splat(0);
  let scaleHigh = i32x4.splat(0);
  let weightLow = i32x4.splat(0);
  let weightHigh = i32x4.splat(0);
  let q = 0;
  for (; q + 4 <= count; q += 4) {
    const at = <usize>q << 2;
    const mu = v128.load(musP + at);
    const scale = v128.load(scalesP + at);
    const weight = v128.load(weightsP + at);
    muLow = i32x4.min_s(muLow, mu);
    muHigh = i32x4.max_s(muHigh, mu);
    scaleLow = i32x4.min_s(scaleLow, scale);
    scaleHigh = i32x4.max_s(scaleHigh, scale);
    weightLow = i32x4.min_s(weightLow, weight);
    weightHigh = i32x4.max_s(weightHigh, weight);
  }
  let bad = lanesOutside(muLow, muHigh, -268435456, 268435456) | lanesOutside(scaleLow, scaleHigh, 0, SCALE_COUNT - 1)
    | lanesOutside(weightLow, weightHigh, 0, 16777216);
  for (; q < count; q++) {
    const at = <usize>q << 2;
    const mu = load<i32>(musP + at);
    const scale = load<i32>(scalesP + at);
    const weight = load<i32>(weightsP + at);
    bad |= i32(mu < -268435456) | i32(mu > 268435456) | i32(scale < 0) | i32(scale >= SCALE_COUNT) | i32(weight < 0)
      | i32(weight > 16777216);
  }
  if (bad != 0) return 0;
  // Weights are now known to be 0..2^24, so a sum of at most 16 cannot overflow int32.
  let totalLow = 16777216;
  let totalHigh = 1;
  for (let i = 0, r = 0; i < n; i++) {
    let total = 0;
    for (let c = 0; c < components; c++, r++) total += load<i32>(weightsP + (<usize>r << 2));
    totalLow = min(totalLow, total);
    totalHigh = max(totalHigh, total);
  }
  return i32(totalLow >= 1 && totalHigh <= 16777216);
}

/** 1 when a lane of `low` is below `min` or a lane of `high` above `max`. */
function lanesOutside(low: v128, high: v128, min: i32, max: i32): i32 {
  const outside = v128.or(i32x4.lt_s(low, i32x4.splat(min)), i32x4.gt_s(high, i32x4.splat(max)));
  return i32(v128.any_true(outside));
}
