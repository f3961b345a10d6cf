/**
 * The fallback coder: what codes the planes and tiles the learned model cannot code, or codes worse (alpha, grey
 * images without a grey model, 16-bit low bytes, noise). A stream is a mode byte and its body: a constant group
 * (one value per channel), an adaptive predictive model through rANS (mode 8, the cascade model of
 * fallback-cascade-model.ts with mixed adaptive bits, fallback-mixed-body.ts, which the encoder writes; modes 5 (the
 * same model under the discretised logistic), 4, 3 and 1, the LMS model of fallback-lms-model.ts, the
 * blend model of fallback-blend-model.ts and the MED model of fallback-model.ts, which old files hold and which
 * decode forever), the copy model for synthetic content (mode 6, fallback-copy-model.ts, tried only where its
 * cheap test passes), the palette model for groups of at most 256 colours (mode 9, fallback-palette-body.ts), or the
 * raw samples; the encoder keeps the smallest, so a group never costs more
 * than its raw size plus one byte. A 16-bit group of widened b-bit content (sixteen-widening.ts) is mode 7: two bytes
 * and the stream of its b-bit values; a low-byte stream that follows from the high bytes is those two bytes alone.
 * Byte layout in src/codec/PAYLOAD.md. Invariant: decode(encode(x)) === x bit for bit, and a damaged stream is a
 * CorruptStreamError, never a wrong image.
 */
import { CorruptStreamError } from '../core/errors.js';
import { RansDecoder, RansEncoder } from '../entropy/index.js';
import { FallbackBlendModel } from './fallback-blend-model.js';
import { FallbackCascadeModel } from './fallback-cascade-model.js';
import { copyModelMayWin, decodeCopyBody, encodeCopyBody } from './fallback-copy-model.js';
import { FallbackLmsModel } from './fallback-lms-model.js';
import { decodeMixedBody, encodeMixedBody } from './fallback-mixed-body.js';
import { FallbackModel } from './fallback-model.js';
import { decodePaletteBody, encodePaletteBody } from './fallback-palette-body.js';
import type { FallbackSampleModel } from './fallback-sample-model.js';
import {
  findBitMask, findWidening, narrowSamples, readWideningHeader, widenSamples, widenValue, wideningHeader, type Widening,
} from './sixteen-widening.js';

/** Interleaved samples of one plane group: 8-bit or 16-bit. */
export type Samples = Uint8Array | Uint16Array;

/**
 * Stream modes (the first byte of a fallback stream); 7 (widened) only in 16-bit and low-byte streams, 6 (copy) and
 * 9 (palette) anywhere but in low-byte streams.
 */
export const FALLBACK_MODE = {
  constant: 0, predictive: 1, raw: 2, blend: 3, lms: 4, cascade: 5, copy: 6, widened: 7, mixed: 8, palette: 9,
} as const;

/** Modes a stream may start with; `widened` only at the top of a 16-bit stream or a low-byte stream. */
const KNOWN_MODES: ReadonlySet<number> = new Set(Object.values(FALLBACK_MODE));

/**
 * A predictive mode: 1 (MED), 3 (blend) or 4 (LMS), kept so that tests can write old streams, 5 (cascade, what the
 * encoder wrote before mode 8) or 8 (mixed cascade: mode 5's prediction, each sample coded as mixed adaptive bits).
 */
export type PredictiveMode =
  | typeof FALLBACK_MODE.predictive | typeof FALLBACK_MODE.blend | typeof FALLBACK_MODE.lms | typeof FALLBACK_MODE.cascade
  | typeof FALLBACK_MODE.mixed;

/**
 * The predictive mode the encoder writes: 8 (mixed cascade), smaller than mode 5 on photos (PAYLOAD.md), which
 * replaced mode 4, which replaced modes 3 and 1; all of them still decode.
 */
export const ENCODER_MODE = FALLBACK_MODE.mixed;

/** Whether the writer of `mode` also tried mode 6 (the writers of modes 1, 3 and 4, tests only, did not). */
function triesCopy(mode: PredictiveMode): boolean {
  return mode === FALLBACK_MODE.cascade || mode === FALLBACK_MODE.mixed;
}

/** The model of predictive mode `mode` (1, 3, 4 or 5; mode 8 runs mode 5's model in fallback-mixed-body.ts). */
function modelFor(mode: number, width: number, channels: number, maxValue: number): FallbackSampleModel {
  if (mode === FALLBACK_MODE.cascade) return new FallbackCascadeModel(width, channels, maxValue);
  if (mode === FALLBACK_MODE.lms) return new FallbackLmsModel(width, channels, maxValue);
  return mode === FALLBACK_MODE.blend
    ? new FallbackBlendModel(width, channels, maxValue)
    : new FallbackModel(width, channels, maxValue);
}

function constantValues(samples: Samples, channels: number): number[] | null {
  const first = Array.from(samples.subarray(0, channels));
  for (let i = channels; i < samples.length; i++) if (samples[i] !== first[i % channels]) return null;
  return first;
}

/** Codes the group with the predictive model; `lowBytes` codes only each sample's low byte, given its high byte. */
function encodePredictive(mode: number, samples: Samples, width: number, height: number, channels: number, maxValue: number, lowBytes: boolean): Uint8Array {
  if (mode === FALLBACK_MODE.mixed) return encodeMixedBody(samples, width, height, channels, maxValue, lowBytes);
  const n = width * height * channels;
  const values = Int32Array.from(samples);
  const symbols = new Int32Array(n);
  const mus = new Int32Array(n);
  const scales = new Uint16Array(n);
  const model = modelFor(mode, width, channels, maxValue);
  const order = model.channelOrder();
  let k = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let o = 0; o < order.length; o++) {
        const c = order[o]!;
        model.predict(values, x, y, c);
        const value = values[(y * width + x) * channels + c]!;
        if (lowBytes) {
          const high = value >>> 8;
          const mu = model.muQ - high * 65536;
          mus[k] = mu < 0 ? 0 : mu > 255 * 256 ? 255 * 256 : mu;
          symbols[k] = value & 0xff;
        } else {
          mus[k] = model.muQ;
          symbols[k] = value;
        }
        scales[k] = model.scaleIndex;
        k++;
        model.update(value, x, c);
      }
    }
  }
  const encoder = new RansEncoder();
  encoder.encodeLogistic(symbols, mus, scales);
  return encoder.finish();
}

/** Decodes a predictive body into `out` (which for `lowBytes` already holds every sample's high byte). */
function decodePredictive(mode: number, body: Uint8Array, samples: Samples, width: number, height: number, channels: number, maxValue: number, lowBytes: boolean): void {
  if (mode === FALLBACK_MODE.mixed) {
    decodeMixedBody(body, samples, width, height, channels, maxValue, lowBytes);
    return;
  }
  const out = Int32Array.from(samples);
  const decoder = new RansDecoder(body);
  const model = modelFor(mode, width, channels, maxValue);
  const order = model.channelOrder();
  const symbol = new Int32Array(1);
  const mu = new Int32Array(1);
  const scale = new Uint16Array(1);
  const symbolMax = lowBytes ? 255 : maxValue;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let o = 0; o < order.length; o++) {
        const c = order[o]!;
        model.predict(out, x, y, c);
        const i = (y * width + x) * channels + c;
        const high = lowBytes ? out[i]! >>> 8 : 0;
        if (lowBytes) {
          const m = model.muQ - high * 65536;
          mu[0] = m < 0 ? 0 : m > 255 * 256 ? 255 * 256 : m;
        } else {
          mu[0] = model.muQ;
        }
        scale[0] = model.scaleIndex;
        decoder.decodeLogistic(symbol, mu, scale);
        const v = symbol[0]!;
        if (v < 0 || v > symbolMax) {
          throw new CorruptStreamError(`corrupt stream: fallback sample ${v} at (${x}, ${y}) outside 0..${symbolMax}`);
        }
        const value = lowBytes ? high * 256 + v : v;
        out[i] = value;
        model.update(value, x, c);
      }
    }
  }
  decoder.finish();
  samples.set(out);
}

function withMode(mode: number, body: Uint8Array): Uint8Array {
  const stream = new Uint8Array(1 + body.length);
  stream[0] = mode;
  stream.set(body, 1);
  return stream;
}

/** The samples as bytes, 16-bit ones little-endian. */
function rawBody(samples: Samples): Uint8Array {
  if (samples instanceof Uint8Array) return samples;
  const body = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    body[2 * i] = samples[i]! & 0xff;
    body[2 * i + 1] = samples[i]! >>> 8;
  }
  return body;
}

function smallest(
  mode: number, constant: number[] | null, samples: Samples, bytesPerValue: number, predictive: () => Uint8Array, raw: () => Uint8Array,
  copy: (() => Uint8Array) | null = null, palette: (() => Uint8Array | null) | null = null,
): Uint8Array {
  if (constant) {
    const body = new Uint8Array(constant.length * bytesPerValue);
    constant.forEach((value, c) => {
      body[c * bytesPerValue] = value & 0xff;
      if (bytesPerValue === 2) body[c * 2 + 1] = value >>> 8;
    });
    return withMode(FALLBACK_MODE.constant, body);
  }
  const coded = predictive();
  const rawLength = samples.length * bytesPerValue;
  const copied = copy ? copy() : null;
  const paletted = palette ? palette() : null;
  if (paletted && paletted.length < Math.min(coded.length, rawLength, copied ? copied.length : Infinity)) {
    return withMode(FALLBACK_MODE.palette, paletted);
  }
  if (copied && copied.length < Math.min(coded.length, rawLength)) return withMode(FALLBACK_MODE.copy, copied);
  return coded.length < rawLength ? withMode(mode, coded) : withMode(FALLBACK_MODE.raw, raw());
}

/**
 * Codes a plane group: `channels` interleaved channels (3 = RGB, coded with colour differences; any other count
 * channel by channel). A 16-bit group whose samples all widen b-bit values (b < 16) codes those values (mode 7).
 * @param samples width * height * channels samples, Uint8Array for bitDepth 8, Uint16Array for 16
 * @param mode the predictive mode to try (default ENCODER_MODE, 8, beside mode 6; 5 also beside it; 1, 3 and 4 only to write old-style
 *   streams in tests, without mode 6)
 * @returns the stream: 1 byte more than the smallest of the constant, predictive and raw bodies (mode 7: 2 bytes more
 *   than that of the b-bit values)
 */
export function encodeFallback(samples: Samples, width: number, height: number, channels: number, mode: PredictiveMode = ENCODER_MODE): Uint8Array {
  const constant = constantValues(samples, channels);
  if (samples instanceof Uint8Array || constant) return encodeGroup(samples, width, height, channels, samples instanceof Uint8Array ? 255 : 65535, constant, mode);
  const widening = findWidening(samples);
  if (widening) return encodeWidened(samples, widening, width, height, channels, mode);
  const plain = encodeGroup(samples, width, height, channels, 65535, null, mode);
  // Bits that never change cost little in the plain stream when they are the top bits of a dark group (no mask
  // then), much when they sit below varying ones (v * 256 + n, n < 16); keep whichever is smaller.
  const mask = findBitMask(samples);
  const masked = mask ? encodeWidened(samples, mask, width, height, channels, mode) : null;
  return masked && masked.length < plain.length ? masked : plain;
}

/** A mode 7 stream: mode, descriptor, and the stream of the group's b-bit values. */
function encodeWidened(samples: Uint16Array, widening: Widening, width: number, height: number, channels: number, mode: PredictiveMode): Uint8Array {
  const header = wideningHeader(widening);
  const inner = encodeGroup(narrowSamples(samples, widening), width, height, channels, 2 ** widening.bits - 1, null, mode);
  const stream = new Uint8Array(1 + header.length + inner.length);
  stream[0] = FALLBACK_MODE.widened;
  stream.set(header, 1);
  stream.set(inner, 1 + header.length);
  return stream;
}

/**
 * Codes a group of values in 0..maxValue (Uint8Array when maxValue <= 255) as a constant, predictive, copy or raw
 * stream; the copy model (mode 6) is tried only beside modes 5 and 8 and where its cheap test says it can win (copyModelMayWin).
 */
function encodeGroup(samples: Samples, width: number, height: number, channels: number, maxValue: number, constant: number[] | null, mode: PredictiveMode): Uint8Array {
  return smallest(
    mode, constant, samples, samples instanceof Uint8Array ? 1 : 2,
    () => encodePredictive(mode, samples, width, height, channels, maxValue, false),
    () => rawBody(samples),
    // The writers of modes 1, 3 and 4 (old-style streams, for tests) had no mode 6.
    !constant && triesCopy(mode) && copyModelMayWin(samples, width, height, channels)
      ? () => encodeCopyBody(samples, width, height, channels, maxValue)
      : null,
    // The palette model (mode 9) where the group has at most 256 colours (it says null otherwise, counting stops at 257).
    !constant && mode === ENCODER_MODE ? () => encodePaletteBody(samples, width, height, channels, maxValue) : null,
  );
}

function bodyOf(stream: Uint8Array, what: string, widenedAllowed: boolean): { mode: number; body: Uint8Array } {
  if (stream.length === 0) throw new CorruptStreamError(`corrupt stream: empty ${what}`);
  const mode = stream[0]!;
  if (!KNOWN_MODES.has(mode) || (mode === FALLBACK_MODE.widened && !widenedAllowed)) {
    throw new CorruptStreamError(`corrupt stream: unknown ${what} mode ${mode}`);
  }
  return { mode, body: stream.subarray(1) };
}

function checkLength(body: Uint8Array, expected: number, what: string): void {
  if (body.length !== expected) {
    throw new CorruptStreamError(`corrupt stream: ${what} has ${body.length} bytes, expected ${expected}`);
  }
}

/**
 * Decodes a stream written by encodeFallback with the same geometry.
 * @param bitDepth 8 (returns a Uint8Array) or 16 (a Uint16Array)
 * @throws CorruptStreamError when the stream is damaged or does not fit the geometry
 */
export function decodeFallback(stream: Uint8Array, width: number, height: number, channels: number, bitDepth: 8 | 16): Samples {
  if (bitDepth === 16 && stream.length > 0 && stream[0] === FALLBACK_MODE.widened) {
    const { widening, length } = readWideningHeader(stream, 1, 15, 'widened fallback stream');
    return widenSamples(decodeGroup(stream.subarray(1 + length), width, height, channels, widening.bits), widening);
  }
  return decodeGroup(stream, width, height, channels, bitDepth);
}

/** Decodes a constant, predictive or raw stream of `bits`-bit values (a Uint8Array for bits <= 8). */
function decodeGroup(stream: Uint8Array, width: number, height: number, channels: number, bits: number): Samples {
  const { mode, body } = bodyOf(stream, 'fallback stream', false);
  const n = width * height * channels;
  const out: Samples = bits <= 8 ? new Uint8Array(n) : new Uint16Array(n);
  const bytesPerValue = bits <= 8 ? 1 : 2;
  const maxValue = 2 ** bits - 1;
  if (mode === FALLBACK_MODE.constant) {
    checkLength(body, channels * bytesPerValue, 'constant fallback stream');
    for (let c = 0; c < channels; c++) {
      const value = bytesPerValue === 1 ? body[c]! : body[2 * c]! | (body[2 * c + 1]! << 8);
      checkValue(value, maxValue, 'constant fallback stream');
      for (let i = c; i < n; i += channels) out[i] = value;
    }
  } else if (mode === FALLBACK_MODE.raw) {
    checkLength(body, n * bytesPerValue, 'raw fallback stream');
    for (let i = 0; i < n; i++) {
      out[i] = bytesPerValue === 1 ? body[i]! : body[2 * i]! | (body[2 * i + 1]! << 8);
      checkValue(out[i]!, maxValue, 'raw fallback stream');
    }
  } else if (mode === FALLBACK_MODE.copy) {
    decodeCopyBody(body, out, width, height, channels, maxValue);
  } else if (mode === FALLBACK_MODE.palette) {
    decodePaletteBody(body, out, width, height, channels, maxValue);
  } else {
    decodePredictive(mode, body, out, width, height, channels, maxValue, false);
  }
  return out;
}

function checkValue(value: number, maxValue: number, what: string): void {
  if (value > maxValue) throw new CorruptStreamError(`corrupt stream: ${what} holds ${value}, above ${maxValue}`);
}

/**
 * Codes the low bytes of 16-bit samples whose high bytes the decoder already has (coded by the learned model),
 * predicting each full sample from its decoded neighbours; two bytes (mode 7) when the samples all widen values of
 * 8 bits or fewer, so that the low bytes follow from the high bytes.
 * @param samples width * height * channels 16-bit samples
 * @param mode the predictive mode to try (default ENCODER_MODE, 8, beside mode 6; 5 also beside it; 1, 3 and 4 only to write old-style
 *   streams in tests, without mode 6)
 */
export function encodeLowBytes(samples: Uint16Array, width: number, height: number, channels: number, mode: PredictiveMode = ENCODER_MODE): Uint8Array {
  const widening = findWidening(samples, 8);
  if (widening) return Uint8Array.of(FALLBACK_MODE.widened, ...wideningHeader(widening));
  const low = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) low[i] = samples[i]! & 0xff;
  return smallest(
    mode, constantValues(low, channels), low, 1,
    () => encodePredictive(mode, samples, width, height, channels, 65535, true),
    () => low,
  );
}

/**
 * Decodes low bytes written by encodeLowBytes and joins them to `high`.
 * @param high width * height * channels high bytes
 * @returns the 16-bit samples
 * @throws CorruptStreamError when the stream is damaged or does not fit the geometry
 */
export function decodeLowBytes(stream: Uint8Array, high: Uint8Array, width: number, height: number, channels: number): Uint16Array {
  const { mode, body } = bodyOf(stream, 'low-byte stream', true);
  if (mode === FALLBACK_MODE.copy) throw new CorruptStreamError('corrupt stream: a low-byte stream cannot be mode 6 (copy)');
  if (mode === FALLBACK_MODE.palette) throw new CorruptStreamError('corrupt stream: a low-byte stream cannot be mode 9 (palette)');
  const n = width * height * channels;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = high[i]! << 8;
  if (mode === FALLBACK_MODE.widened) {
    checkLength(body, 1, 'widened low-byte stream');
    const { widening } = readWideningHeader(body, 0, 8, 'widened low-byte stream');
    for (let i = 0; i < n; i++) {
      out[i] = widenValue(high[i]! >>> (8 - widening.bits), widening);
      if (out[i]! >>> 8 !== high[i]) {
        throw new CorruptStreamError(`corrupt stream: high byte ${high[i]} at sample ${i} is no ${widening.bits}-bit widened value`);
      }
    }
  } else if (mode === FALLBACK_MODE.constant) {
    checkLength(body, channels, 'constant low-byte stream');
    for (let i = 0; i < n; i++) out[i]! |= body[i % channels]!;
  } else if (mode === FALLBACK_MODE.raw) {
    checkLength(body, n, 'raw low-byte stream');
    for (let i = 0; i < n; i++) out[i]! |= body[i]!;
  } else {
    decodePredictive(mode, body, out, width, height, channels, 65535, true);
  }
  return out;
}
