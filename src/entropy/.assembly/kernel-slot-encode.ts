/**
 * The format version 2 encoder's job of the mixture kernel (../mixture-slot-model.ts): runs of symbols, each one's
 * slot layout (kernel-slot-model.ts), its frequency from one pair evaluation per component, and its rANS put to the
 * slot of rank (state mod frequency). Invariant: words and states
 * equal encodeSlotMixtureReverse's (../mixture-slot-coder.ts) bit for bit; a symbol that escapes stops the run, and
 * the host codes it.
 */
import { ONE, resultP, symbolsP, wordsP } from './kernel-memory';
import { RANGES, binEdge, lo_, nb_, slotLayout, slotPair } from './kernel-slot-model';

const WORD: f64 = 65536;
const INV_WORD: f64 = 1.0 / 65536;
/** A state must be below freq * XMAX_PER_FREQ before a symbol of frequency freq is pushed (2^36 / 2^24 * 2^16). */
const XMAX_PER_FREQ: f64 = 268435456;
/** Per component (16 at most): its slots below the symbol's bin and in it (two f64). */
const SCRATCH: usize = memory.data(16 * 16, 16);

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
  let top: usize = wordsP;
  let i = from;
  for (; i >= 0; i--) {
    slotLayout(i, components);
    const lo = lo_;
    const nb = nb_;
    const x = load<i32>(symbolsP + (<usize>i << 2));
    // Clamped so that the bin stays an int32; a clamped symbol lies outside every window anyway.
    const j = (x < -2097152 ? -2097152 : x > 2097152 ? 2097152 : x) - lo + 1;
    if (j <= 0 || j >= nb - 1) break;
    const edge = binEdge(lo, j);
    let f: f64 = 1;
    for (let e = 0; e < components; e++) {
      const pair = slotPair(i, components, e, edge);
      const below = f64x2.extract_lane(pair, 0);
      const fe = f64x2.extract_lane(pair, 1) - below;
      store<f64>(SCRATCH + (<usize>e << 4), below);
      store<f64>(SCRATCH + (<usize>e << 4), fe, 8);
      f += fe;
    }
    // encodeRenormalize (../rans-core.ts), then the slot of rank r: the leak slot j, then each component's slots.
    const xmax = f * XMAX_PER_FREQ;
    while (a >= xmax) {
      const high = Math.floor(a * INV_WORD);
      store<u16>(top, <u16>(<i32>(a - high * WORD)));
      top += 2;
      a = high;
    }
    const q = Math.floor(a / f);
    let r = a - q * f;
    let slot = <f64>j;
    if (r > 0) {
      r -= 1;
      let e: usize = 0;
      while (r >= load<f64>(SCRATCH + (e << 4), 8)) r -= load<f64>(SCRATCH + (e++ << 4), 8);
      slot = load<f64>(RANGES + (e << 4)) + load<f64>(SCRATCH + (e << 4)) + r;
    }
    const t = q * ONE + slot;
    a = b;
    b = t;
  }
  store<f64>(resultP, a, 32);
  store<f64>(resultP, b, 40);
  store<f64>(resultP, <f64>((top - wordsP) >> 1), 48);
  return i;
}
