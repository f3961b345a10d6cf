/**
 * Widened 16-bit samples: 16-bit images that hold b-bit content (b < 16) widened by bit replication (8-bit v as
 * v * 257, 10-bit v as (v << 6) | (v >> 4)), by zero fill (v << (16 - b)) or by rounded scaling
 * (round(v * 65535 / (2^b - 1)), what ImageMagick-style converters write), and groups where some bits never change
 * (a mask: 8-bit content plus 4 noisy low bits, v * 256 + n, leaves bits 4..7 at 0). Finds the smallest b a plane
 * group fits, narrows it to its b-bit values and widens them back, and reads and writes the descriptor of PAYLOAD.md.
 * Invariant: widen(narrow(x)) === x for every group findWidening or findBitMask accepts; a descriptor outside the
 * defined values is a CorruptStreamError.
 */
import { CorruptStreamError } from '../core/errors.js';

/**
 * How b-bit values become 16-bit samples: bit replication, zero fill, rounded scaling to 0..65535, or a mask (the
 * value's bits deposited, lowest first, in the `varying` bits; every other bit as in `fixed`).
 */
export type WideningFill = 'replicate' | 'zero' | 'scale' | 'mask';

/** How a group's 16-bit samples were made from b-bit values. */
export type Widening =
  | { readonly bits: number; readonly fill: 'replicate' | 'zero' | 'scale' }
  | {
    /** popcount(varying), 1..15. */
    readonly bits: number;
    readonly fill: 'mask';
    /** The bits that hold the value (a 16-bit mask). */
    readonly varying: number;
    /** The other bits' values (fixed & varying === 0). */
    readonly fixed: number;
  };

/** Descriptor bits 6..7 of each fill; bits 0..3 hold `bits`, bits 4..5 are 0. */
const FILL_BITS: Readonly<Record<WideningFill, number>> = { replicate: 0x00, zero: 0x80, scale: 0x40, mask: 0xc0 };

/** The value's bits placed, lowest first, at the set bits of `mask`. */
function deposit(value: number, mask: number): number {
  let out = 0;
  for (let bit = 1; mask !== 0; mask &= mask - 1, bit <<= 1) if (value & bit) out |= mask & -mask;
  return out;
}

/** The bits of `sample` at the set bits of `mask`, packed lowest first. */
function extract(sample: number, mask: number): number {
  let out = 0;
  for (let bit = 1; mask !== 0; mask &= mask - 1, bit <<= 1) if (sample & mask & -mask) out |= bit;
  return out;
}

function popcount(mask: number): number {
  let count = 0;
  for (; mask !== 0; mask &= mask - 1) count++;
  return count;
}

/**
 * The 16-bit sample of a b-bit value: zero fill; the value's bits repeated from the top down (the last copy cut
 * short), which is what v * 257 does for 8 bits and (v << 6) | (v >> 4) for 10; or round(v * 65535 / (2^b - 1)),
 * halves up; or, for a mask, v's bits at the varying bits. Every fill but the mask keeps v as the sample's top b bits.
 * @param value 0..2^bits - 1
 */
export function widenValue(value: number, widening: Widening): number {
  const { bits } = widening;
  let shift = 16 - bits;
  if (widening.fill === 'mask') return deposit(value, widening.varying) | widening.fixed;
  if (widening.fill === 'zero') return value << shift;
  if (widening.fill === 'scale') {
    const max = 2 ** bits - 1;
    return Math.floor((value * 131070 + max) / (2 * max));
  }
  let out = 0;
  for (; shift > 0; shift -= bits) out |= value << shift;
  return out | (value >>> -shift);
}

function fits(samples: Uint16Array, widening: Widening): boolean {
  const shift = 16 - widening.bits;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (widenValue(s >>> shift, widening) !== s) return false;
  }
  return true;
}

/**
 * The smallest widening every sample of the group fits; for that b, zero fill before replication before scaling.
 * @param maxBits largest b to accept, 1..15 (default 15)
 * @returns null when no b <= maxBits fits (genuine 16-bit content)
 */
export function findWidening(samples: Uint16Array, maxBits = 15): Widening | null {
  let all = 0;
  for (let i = 0; i < samples.length; i++) all |= samples[i]!;
  let zeroBits = 16;
  while (zeroBits > 1 && (all & (1 << (16 - zeroBits))) === 0) zeroBits--;
  for (let bits = 1; bits <= maxBits; bits++) {
    if (bits >= zeroBits) return { bits, fill: 'zero' };
    for (const fill of ['replicate', 'scale'] as const) if (fits(samples, { bits, fill })) return { bits, fill };
  }
  return null;
}

/**
 * The mask of the group's varying bits, when some bit below a varying one never changes; the values keep the
 * samples' order, so the predictive models code them as they would the samples.
 * @returns null when every bit varies, only top bits are fixed (a dark group, whose values are its samples), or the
 *   group is constant
 */
export function findBitMask(samples: Uint16Array): Widening | null {
  let or = 0;
  let and = 0xffff;
  for (let i = 0; i < samples.length; i++) {
    or |= samples[i]!;
    and &= samples[i]!;
  }
  const varying = or ^ and;
  const bits = popcount(varying);
  return bits >= 1 && varying !== 2 ** bits - 1 ? { bits, fill: 'mask', varying, fixed: and } : null;
}

/**
 * The group's b-bit values (each sample's top `bits` bits; for a mask, its varying bits).
 * @returns a Uint8Array for bits <= 8, else a Uint16Array
 */
export function narrowSamples(samples: Uint16Array, widening: Widening): Uint8Array | Uint16Array {
  const out = widening.bits <= 8 ? new Uint8Array(samples.length) : new Uint16Array(samples.length);
  if (widening.fill === 'mask') {
    for (let i = 0; i < samples.length; i++) out[i] = extract(samples[i]!, widening.varying);
    return out;
  }
  const shift = 16 - widening.bits;
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! >>> shift;
  return out;
}

/** The 16-bit samples of b-bit values (values assumed in 0..2^bits - 1). */
export function widenSamples(values: Uint8Array | Uint16Array, widening: Widening): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = widenValue(values[i]!, widening);
  return out;
}

/** The descriptor: one byte (bits in bits 0..3, the fill in bits 6..7), then for a mask varying and fixed (LE16). */
export function wideningHeader(widening: Widening): Uint8Array {
  const first = widening.bits | FILL_BITS[widening.fill];
  if (widening.fill !== 'mask') return Uint8Array.of(first);
  const { varying, fixed } = widening;
  return Uint8Array.of(first, varying & 0xff, varying >>> 8, fixed & 0xff, fixed >>> 8);
}

/**
 * Reads a descriptor at bytes[at].
 * @param maxBits largest b the stream may hold here: 15, or 8 in a low-byte stream (which holds no mask)
 * @returns the widening and the descriptor's length in bytes
 * @throws CorruptStreamError when bytes are missing, undefined bits are set, bits is outside 1..maxBits, or a mask's
 *   varying bits are not `bits` many or overlap its fixed bits
 */
export function readWideningHeader(bytes: Uint8Array, at: number, maxBits: number, what: string): { widening: Widening; length: number } {
  if (at >= bytes.length) throw new CorruptStreamError(`corrupt stream: ${what} has no widening byte`);
  const byte = bytes[at]!;
  const bits = byte & 0x0f;
  const fill = (Object.keys(FILL_BITS) as WideningFill[]).find((f) => FILL_BITS[f] === (byte & 0xf0));
  if (fill === undefined || bits < 1 || bits > maxBits || (fill === 'mask' && maxBits < 15)) {
    const hex = byte.toString(16);
    throw new CorruptStreamError(`corrupt stream: ${what} has widening byte 0x${hex}, not 1..${maxBits} bits of a known fill`);
  }
  if (fill !== 'mask') return { widening: { bits, fill }, length: 1 };
  if (at + 5 > bytes.length) throw new CorruptStreamError(`corrupt stream: ${what} ends inside its bit mask`);
  const varying = bytes[at + 1]! | (bytes[at + 2]! << 8);
  const fixed = bytes[at + 3]! | (bytes[at + 4]! << 8);
  if (popcount(varying) !== bits || (fixed & varying) !== 0) {
    throw new CorruptStreamError(`corrupt stream: ${what} has a bit mask of ${popcount(varying)} varying bits for ${bits}, or fixed bits among them`);
  }
  return { widening: { bits, fill, varying, fixed }, length: 5 };
}
