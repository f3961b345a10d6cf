/**
 * Widened 16-bit samples: 16-bit images that hold b-bit content (b < 16) widened by bit replication (8-bit v as
 * v * 257, 10-bit v as (v << 6) | (v >> 4)), by zero fill (v << (16 - b)) or by rounded scaling
 * (round(v * 65535 / (2^b - 1)), what ImageMagick-style converters write). Finds the smallest b a plane group fits,
 * narrows it to its b-bit values and widens them back, and reads and writes the one-byte descriptor of PAYLOAD.md.
 * Invariant: widen(narrow(x)) === x for every group findWidening accepts; a descriptor byte outside the defined
 * values is a CorruptStreamError.
 */
import { CorruptStreamError } from '../core/errors.js';

/** How b-bit values become 16-bit samples: bit replication, zero fill, or rounded scaling to 0..65535. */
export type WideningFill = 'replicate' | 'zero' | 'scale';

/** How a group's 16-bit samples were made from b-bit values. */
export interface Widening {
  /** Bits of the values, 1..15. */
  readonly bits: number;
  readonly fill: WideningFill;
}

/** Descriptor bits 6..7 of each fill; bits 0..3 hold `bits`, bits 4..5 are 0. */
const FILL_BITS: Readonly<Record<WideningFill, number>> = { replicate: 0x00, zero: 0x80, scale: 0x40 };

/**
 * The 16-bit sample of a b-bit value: zero fill; the value's bits repeated from the top down (the last copy cut
 * short), which is what v * 257 does for 8 bits and (v << 6) | (v >> 4) for 10; or round(v * 65535 / (2^b - 1)),
 * halves up. Every fill keeps v as the sample's top b bits.
 * @param value 0..2^bits - 1
 */
export function widenValue(value: number, widening: Widening): number {
  const { bits } = widening;
  let shift = 16 - bits;
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
 * The group's b-bit values (each sample's top `bits` bits).
 * @returns a Uint8Array for bits <= 8, else a Uint16Array
 */
export function narrowSamples(samples: Uint16Array, widening: Widening): Uint8Array | Uint16Array {
  const out = widening.bits <= 8 ? new Uint8Array(samples.length) : new Uint16Array(samples.length);
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

/** The descriptor byte: bits in bits 0..3; 0x00 for replication, 0x80 for zero fill, 0x40 for scaling. */
export function wideningByte(widening: Widening): number {
  return widening.bits | FILL_BITS[widening.fill];
}

/**
 * Reads a descriptor byte.
 * @param maxBits largest b the stream may hold here (15, or 8 in a low-byte stream)
 * @throws CorruptStreamError when undefined bits are set or bits is outside 1..maxBits
 */
export function parseWideningByte(byte: number, maxBits: number, what: string): Widening {
  const bits = byte & 0x0f;
  const fill = (Object.keys(FILL_BITS) as WideningFill[]).find((f) => FILL_BITS[f] === (byte & 0xf0));
  if (fill === undefined || bits < 1 || bits > maxBits) {
    const hex = byte.toString(16);
    throw new CorruptStreamError(`corrupt stream: ${what} has widening byte 0x${hex}, not 1..${maxBits} bits of a known fill`);
  }
  return { bits, fill };
}
