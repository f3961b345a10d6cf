/**
 * Fallback mode 9's palette: a group's distinct colours (whole tuples, at most 256), the order their indices take
 * (by luminance, so that the index tree's top bits split dark from light), and the palette's coding as gaps between
 * the colours' packed keys in ascending order, with adaptive bits. Layout in src/codec/PAYLOAD.md.
 * Invariant: the decoder rebuilds the same order from the decoded colours alone; integer-only.
 */
import { CorruptStreamError } from '../core/errors.js';
import type { AdaptiveBitCoder } from '../entropy/index.js';

/** Most colours a palette holds. */
export const PALETTE_MAX_COLOURS = 256;
/** Largest packed key width in bits (channels x bits per value), so that keys stay exact in a double. */
export const PALETTE_MAX_KEY_BITS = 48;
/** Contexts the palette coding uses, from context 0 (the coder may use more above them). */
export const PALETTE_CONTEXTS = 256 + PALETTE_MAX_KEY_BITS + (PALETTE_MAX_KEY_BITS + 1) * PALETTE_MAX_KEY_BITS;
const SIZE_BASE = 0;
const LENGTH_BASE = 256;
const MANTISSA_BASE = LENGTH_BASE + PALETTE_MAX_KEY_BITS;

/** A palette: colours' packed keys in index order, and every pixel's index. */
export interface Palette {
  /** Packed keys (sum of value_c x (max + 1)^(C - 1 - c)) in index order. */
  readonly keys: readonly number[];
  /** width * height indices into keys. */
  readonly indices: Uint8Array;
}

/** Bits of a value in 0..maxValue. */
function valueBits(maxValue: number): number {
  let bits = 1;
  while (2 ** bits <= maxValue) bits++;
  return bits;
}

/** Whether a group of `channels` channels of values in 0..maxValue may use a palette (its keys fit 48 bits). */
export function paletteApplies(channels: number, maxValue: number): boolean {
  return channels * valueBits(maxValue) <= PALETTE_MAX_KEY_BITS;
}

/** The order key of a colour: 77 R + 150 G + 29 B for three channels, else the sum of the channels; ties by key. */
function luminance(key: number, channels: number, radix: number): number {
  let rest = key;
  const values: number[] = [];
  for (let c = 0; c < channels; c++) {
    values.unshift(rest % radix);
    rest = Math.floor(rest / radix);
  }
  return channels === 3 ? 77 * values[0]! + 150 * values[1]! + 29 * values[2]! : values.reduce((a, b) => a + b, 0);
}

/** Sorts ascending keys into index order (luminance, then key). */
function indexOrder(sortedKeys: number[], channels: number, radix: number): number[] {
  const lum = sortedKeys.map((key) => luminance(key, channels, radix));
  return sortedKeys.map((key, i) => ({ key, l: lum[i]! })).sort((a, b) => a.l - b.l || a.key - b.key).map((e) => e.key);
}

/**
 * Whether an image's pixels (whole tuples of all `channels` channels) hold at most PALETTE_MAX_COLOURS colours;
 * counting stops at the first colour too many.
 * @param samples pixels * channels values, 8-bit (Uint8Array) or 16-bit
 */
export function fewColours(samples: Uint8Array | Uint16Array, pixels: number, channels: number): boolean {
  const radix = samples instanceof Uint8Array ? 256 : 65536;
  const exact = channels * (radix === 256 ? 8 : 16) <= PALETTE_MAX_KEY_BITS;
  const seen = new Set<number | string>();
  let previous: number | string = -1;
  for (let p = 0; p < pixels; p++) {
    let key: number | string;
    if (exact) {
      key = 0;
      for (let c = 0; c < channels; c++) key = key * radix + samples[p * channels + c]!;
    } else {
      key = samples.subarray(p * channels, (p + 1) * channels).join(',');
    }
    if (key === previous) continue;
    previous = key;
    seen.add(key);
    if (seen.size > PALETTE_MAX_COLOURS) return false;
  }
  return true;
}

/**
 * The group's palette, or null when it holds more than PALETTE_MAX_COLOURS colours (counting stops at the first
 * colour too many) or does not apply (paletteApplies).
 * @param samples width * height * channels values in 0..maxValue
 */
export function findPalette(samples: ArrayLike<number>, pixels: number, channels: number, maxValue: number): Palette | null {
  if (!paletteApplies(channels, maxValue)) return null;
  const radix = maxValue + 1;
  const seen = new Map<number, number>();
  const firstIndex = new Uint8Array(pixels);
  let previous = -1;
  let previousIndex = 0;
  for (let p = 0; p < pixels; p++) {
    let key = 0;
    for (let c = 0; c < channels; c++) key = key * radix + samples[p * channels + c]!;
    if (key !== previous) {
      let index = seen.get(key);
      if (index === undefined) {
        if (seen.size === PALETTE_MAX_COLOURS) return null;
        index = seen.size;
        seen.set(key, index);
      }
      previous = key;
      previousIndex = index;
    }
    firstIndex[p] = previousIndex;
  }
  const keys = indexOrder([...seen.keys()].sort((a, b) => a - b), channels, radix);
  const remap = new Uint8Array(seen.size);
  keys.forEach((key, i) => { remap[seen.get(key)!] = i; });
  for (let p = 0; p < pixels; p++) firstIndex[p] = remap[firstIndex[p]!]!;
  return { keys, indices: firstIndex };
}

/** The samples of a palette's pixels (width * height * channels values). */
export function paletteSamples(keys: readonly number[], indices: Uint8Array, channels: number, maxValue: number, out: { [i: number]: number }): void {
  const radix = maxValue + 1;
  const tuples = keys.map((key) => {
    const values = new Array<number>(channels);
    let rest = key;
    for (let c = channels - 1; c >= 0; c--) {
      values[c] = rest % radix;
      rest = Math.floor(rest / radix);
    }
    return values;
  });
  for (let p = 0; p < indices.length; p++) {
    const tuple = tuples[indices[p]!]!;
    for (let c = 0; c < channels; c++) out[p * channels + c] = tuple[c]!;
  }
}

/**
 * Codes the palette size (1..256, as size - 1 in an 8-bit tree) and its keys in ascending order as gaps (the first
 * key, then each key less the one before less one), each gap as its bit length in unary then the bits below its
 * leading one. Encoder: codes `keys`; decoder: returns them.
 * @param keys encoder: the palette's keys in index order; decoder: ignored
 * @returns the keys in index order (luminance order, rebuilt from the ascending keys)
 * @throws CorruptStreamError (decoder) when a key passes the largest key or the stream runs out
 */
export function codePaletteKeys(coder: AdaptiveBitCoder, keys: readonly number[], channels: number, maxValue: number): number[] {
  const radix = maxValue + 1;
  const keyBits = channels * valueBits(maxValue);
  const largest = radix ** channels - 1;
  const ascending = coder.encoding ? [...keys].sort((a, b) => a - b) : [];
  const size = coder.tree(SIZE_BASE, 8, ascending.length - 1) + 1;
  let previous = -1;
  for (let i = 0; i < size; i++) {
    const gap = coder.encoding ? ascending[i]! - previous - 1 : 0;
    let length = 0;
    while (length < keyBits && coder.bit(LENGTH_BASE + length, 2 ** length <= gap ? 1 : 0)) length++;
    let value = length === 0 ? 0 : 1;
    for (let j = length - 2; j >= 0; j--) {
      const bit = coder.bit(MANTISSA_BASE + length * PALETTE_MAX_KEY_BITS + j, Math.floor(gap / 2 ** j) % 2);
      value = value * 2 + bit;
    }
    const key = previous + 1 + value;
    if (key > largest) throw new CorruptStreamError(`corrupt stream: mode 9 palette colour ${i} of ${size} passes the largest colour`);
    if (!coder.encoding) ascending.push(key);
    previous = key;
  }
  return indexOrder(ascending, channels, radix);
}
