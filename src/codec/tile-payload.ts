/**
 * One tile's payload: the tile's colour planes (learned or fallback, the tile flag says which), the low bytes of
 * learned 16-bit colour, and the alpha plane, as sections with length prefixes (src/codec/PAYLOAD.md). 16-bit groups
 * that are widened b-bit content cost what b bits cost (fallback mode 7: sixteen-widening.ts). The encoder
 * codes the colour both ways when a learned coder fits and keeps the smaller (big 8-bit tiles first probe the model
 * on a crop, learned-probe.ts, and keep the fallback without the full run when the model clearly loses; constant
 * colour planes never run the model, which cannot beat their fallback stream). Invariant:
 * a payload depends only on the tile's samples, the image format and the learned model, never on the thread or
 * kernel that coded it.
 */
import { CorruptStreamError } from '../core/errors.js';
import type { IdfFormatVersion } from '../container/index.js';
import { decodeFallback, decodeLowBytes, encodeFallback, encodeLowBytes, FALLBACK_MODE, type Samples } from './fallback-coder.js';
import { learnedCoderLikelyLoses } from './learned-probe.js';
import type { LearnedTileCoder } from './learned-tile-coder.js';
import { cropTile, type TileShape } from './tile-layout.js';

/** The sample format of an image's tiles. */
export interface TileFormat {
  /** Channels per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  readonly channels: number;
  /** Bits per sample. */
  readonly bitDepth: 8 | 16;
  /** The .idf format version the learned tiles are coded in (default the container's IDF_FORMAT_VERSION, 2). */
  readonly formatVersion?: IdfFormatVersion;
}

/** A coded tile, as the container's tile table takes it. */
export interface CodedTile {
  readonly payload: Uint8Array;
  /** True when the colour planes are coded with the fallback coder. */
  readonly fallback: boolean;
}

/** Colour channels of a format: 3 for RGB(A), 1 for grey (+ alpha). */
export function colourChannels(format: TileFormat): number {
  return format.channels >= 3 ? 3 : 1;
}

/** Whether a learned coder can code this format's colour planes (same channel count). */
export function learnedCoderFits(learned: LearnedTileCoder | null, format: TileFormat): learned is LearnedTileCoder {
  return learned !== null && learned.channels === colourChannels(format);
}

/** Largest bytes of a section length prefix (LEB128 of a value below 2^32). */
const MAX_VARINT_BYTES = 5;

function frame(sections: readonly Uint8Array[]): Uint8Array {
  const prefixes = sections.slice(0, -1).map((section) => {
    const bytes: number[] = [];
    let value = section.length;
    do {
      bytes.push((value & 0x7f) | (value >= 0x80 ? 0x80 : 0));
      value = Math.floor(value / 128);
    } while (value > 0);
    return bytes;
  });
  const total = sections.reduce((sum, section, i) => sum + section.length + (prefixes[i]?.length ?? 0), 0);
  const out = new Uint8Array(total);
  let at = 0;
  sections.forEach((section, i) => {
    for (const byte of prefixes[i] ?? []) out[at++] = byte;
    out.set(section, at);
    at += section.length;
  });
  return out;
}

function unframe(payload: Uint8Array, count: number): Uint8Array[] {
  const sections: Uint8Array[] = [];
  let at = 0;
  for (let s = 0; s < count - 1; s++) {
    let length = 0;
    let shift = 1;
    for (let i = 0; ; i++) {
      if (at >= payload.length || i === MAX_VARINT_BYTES) {
        throw new CorruptStreamError(`corrupt stream: section ${s} length prefix at payload byte ${at} is damaged`);
      }
      const byte = payload[at++]!;
      if (byte === 0 && i > 0) throw new CorruptStreamError(`corrupt stream: section ${s} length prefix is overlong`);
      length += (byte & 0x7f) * shift;
      shift *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (length > payload.length - at) {
      throw new CorruptStreamError(`corrupt stream: section ${s} of ${length} bytes runs past the payload end`);
    }
    sections.push(payload.subarray(at, at + length));
    at += length;
  }
  sections.push(payload.subarray(at));
  return sections;
}

/** Splits interleaved tile samples into the colour group and the alpha plane (null without alpha). */
function splitAlpha(tile: Samples, format: TileFormat): { colour: Samples; alpha: Samples | null } {
  if (format.channels === 1 || format.channels === 3) return { colour: tile, alpha: null };
  const cc = format.channels - 1;
  const pixels = tile.length / format.channels;
  const colour: Samples = tile instanceof Uint8Array ? new Uint8Array(pixels * cc) : new Uint16Array(pixels * cc);
  const alpha: Samples = tile instanceof Uint8Array ? new Uint8Array(pixels) : new Uint16Array(pixels);
  for (let p = 0, i = 0, o = 0; p < pixels; p++) {
    for (let c = 0; c < cc; c++) colour[o++] = tile[i++]!;
    alpha[p] = tile[i++]!;
  }
  return { colour, alpha };
}

function joinAlpha(colour: Samples, alpha: Samples | null, format: TileFormat): Samples {
  if (!alpha) return colour;
  const cc = format.channels - 1;
  const out: Samples = colour instanceof Uint8Array ? new Uint8Array(alpha.length * format.channels) : new Uint16Array(alpha.length * format.channels);
  for (let p = 0, i = 0, o = 0; p < alpha.length; p++) {
    for (let c = 0; c < cc; c++) out[o++] = colour[i++]!;
    out[o++] = alpha[p]!;
  }
  return out;
}

function varintLength(value: number): number {
  let bytes = 1;
  for (; value >= 128; bytes++) value = Math.floor(value / 128);
  return bytes;
}

/** Payload bytes of sections once framed, without building the payload. */
function framedLength(sections: readonly Uint8Array[]): number {
  return sections.reduce((sum, section, i) => sum + section.length + (i < sections.length - 1 ? varintLength(section.length) : 0), 0);
}

/**
 * Codes one tile. The learned coder sees the whole (padded) tile; everything else codes only the part inside the
 * image, so padding costs nothing on fallback tiles.
 * @param tile shape.width * shape.height * format.channels interleaved samples (Uint8Array for 8-bit, Uint16Array
 *   for 16-bit), the padding replicated
 * @param learned the learned coder, or null; used only when it fits the format (learnedCoderFits)
 */
export function encodeTilePayload(tile: Samples, shape: TileShape, format: TileFormat, learned: LearnedTileCoder | null): CodedTile {
  const { width, height, insideWidth, insideHeight } = shape;
  const cc = colourChannels(format);
  const { colour: inside, alpha } = splitAlpha(cropTile(tile, width, format.channels, insideWidth, insideHeight), format);
  const tail = alpha ? [encodeFallback(alpha, insideWidth, insideHeight, 1)] : [];
  const viaFallback = [encodeFallback(inside, insideWidth, insideHeight, cc), ...tail];
  // A constant colour group's fallback stream is a mode byte and one value per channel (at most 7 bytes); a learned
  // stream is an rANS stream of at least 16 bytes (RansEncoder.finish), so the model cannot win and is not run.
  const constant = viaFallback[0]![0] === FALLBACK_MODE.constant;
  if (constant || !learnedCoderFits(learned, format)) return { payload: frame(viaFallback), fallback: true };
  const { colour } = splitAlpha(tile, format);
  let viaLearned: Uint8Array[];
  if (colour instanceof Uint8Array) {
    if (learnedCoderLikelyLoses(learned, colour, width, insideWidth, insideHeight, viaFallback[0]!.length)) {
      return { payload: frame(viaFallback), fallback: true };
    }
    viaLearned = [learned.encodeTile(colour, width, height, format.formatVersion), ...tail];
  } else {
    const high = new Uint8Array(colour.length);
    for (let i = 0; i < colour.length; i++) high[i] = colour[i]! >>> 8;
    const low = encodeLowBytes(inside as Uint16Array, insideWidth, insideHeight, cc);
    // Content of 8 bits or fewer, widened (the low bytes follow from the high bytes): to the model it is an 8-bit
    // tile, and its fallback stream is the 8-bit one plus two bytes, so the 8-bit probe applies unchanged.
    if (low[0] === FALLBACK_MODE.widened
      && learnedCoderLikelyLoses(learned, high, width, insideWidth, insideHeight, viaFallback[0]!.length)) {
      return { payload: frame(viaFallback), fallback: true };
    }
    viaLearned = [learned.encodeTile(high, width, height, format.formatVersion), low, ...tail];
  }
  return framedLength(viaLearned) < framedLength(viaFallback)
    ? { payload: frame(viaLearned), fallback: false }
    : { payload: frame(viaFallback), fallback: true };
}

/**
 * Decodes one tile written by encodeTilePayload with the same shape, format and learned model.
 * @returns the tile's inside part: shape.insideWidth * shape.insideHeight * format.channels interleaved samples
 * @throws CorruptStreamError when the payload is damaged, or needs a learned coder that is not given
 */
export function decodeTilePayload(
  payload: Uint8Array, fallback: boolean, shape: TileShape, format: TileFormat, learned: LearnedTileCoder | null,
): Samples {
  const { width, height, insideWidth, insideHeight } = shape;
  const cc = colourChannels(format);
  const hasAlpha = format.channels === 2 || format.channels === 4;
  const sixteen = format.bitDepth === 16;
  if (!fallback && !learnedCoderFits(learned, format)) {
    throw new CorruptStreamError('corrupt stream: the tile is marked as coded by the learned model, but the file names no model that fits it');
  }
  const sections = unframe(payload, 1 + (!fallback && sixteen ? 1 : 0) + (hasAlpha ? 1 : 0));
  let colour: Samples;
  if (fallback) {
    colour = decodeFallback(sections[0]!, insideWidth, insideHeight, cc, format.bitDepth);
  } else {
    const high = learned!.decodeTile(sections[0]!, width, height, format.formatVersion);
    if (high.length !== width * height * cc) {
      throw new CorruptStreamError(`corrupt stream: the learned model decoded ${high.length} samples for a ${width}x${height} tile`);
    }
    const insideHigh = cropTile(high, width, cc, insideWidth, insideHeight) as Uint8Array;
    colour = sixteen ? decodeLowBytes(sections[1]!, insideHigh, insideWidth, insideHeight, cc) : insideHigh;
  }
  const alpha = hasAlpha ? decodeFallback(sections[sections.length - 1]!, insideWidth, insideHeight, 1, format.bitDepth) : null;
  return joinAlpha(colour, alpha, format);
}
