/**
 * The fallback coder: exact round trips in every mode (constant, MED predictive, blend, LMS, cascade, raw) for 1..4
 * channels, 8 and 16 bits and low bytes; the mode choice (the encoder writes mixed cascade, mode 8) and its size bounds; pinned streams
 * of every predictive mode (format version 1 is frozen); clean errors for damaged streams; and bits per sub-pixel on
 * real photographs (Kodak RGB and RGBA, a grey USC-SIPI image) that fail if the coder regresses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CorruptStreamError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { readImage } from '../../src/image/read-image.js';
import {
  ENCODER_MODE, FALLBACK_MODE, decodeFallback, decodeLowBytes, encodeFallback, encodeLowBytes, type PredictiveMode,
  type Samples,
} from '../../src/codec/fallback-coder.js';
import { log2Times32 } from '../../src/codec/fallback-model.js';
import { FIXTURES, SHARED_DATA } from '../helpers/paths.js';

/** A smooth image with mild noise: what the predictive model is for. */
function smooth(width: number, height: number, channels: number, bitDepth: 8 | 16, seed: number): Samples {
  const random = new Random(seed);
  const out = bitDepth === 8 ? new Uint8Array(width * height * channels) : new Uint16Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        out[(y * width + x) * channels + c] = bitDepth === 8
          ? Math.min(255, 60 + x + 2 * y + 15 * c + random.nextInt(5))
          : 4000 + 300 * x + 170 * y + 5000 * c + random.nextInt(16);
      }
    }
  }
  return out;
}

const PREDICTIVE_MODES = [
  FALLBACK_MODE.predictive, FALLBACK_MODE.blend, FALLBACK_MODE.lms, FALLBACK_MODE.cascade, FALLBACK_MODE.mixed,
] as const;

function noise(length: number, bitDepth: 8 | 16, seed: number): Samples {
  const random = new Random(seed);
  const out = bitDepth === 8 ? new Uint8Array(length) : new Uint16Array(length);
  for (let i = 0; i < length; i++) out[i] = random.nextInt(bitDepth === 8 ? 256 : 65536);
  return out;
}

test('the encoder writes the mixed cascade mode (8); the MED (1), blend (3), LMS (4) and cascade (5) modes stay decodable', () => {
  assert.equal(ENCODER_MODE, FALLBACK_MODE.mixed);
  assert.deepEqual(
    [FALLBACK_MODE.predictive, FALLBACK_MODE.blend, FALLBACK_MODE.lms, FALLBACK_MODE.cascade, FALLBACK_MODE.mixed], [1, 3, 4, 5, 8],
  );
  assert.equal(encodeFallback(smooth(33, 17, 3, 8, 1), 33, 17, 3)[0], FALLBACK_MODE.mixed);
});

test('round trips: every predictive mode, every channel count, both depths, sizes down to 1x1', () => {
  for (const mode of PREDICTIVE_MODES) {
    for (const bitDepth of [8, 16] as const) {
      for (const channels of [1, 2, 3, 4]) {
        for (const [width, height] of [[1, 1], [1, 7], [9, 1], [33, 17], [64, 64]] as const) {
          const samples = smooth(width, height, channels, bitDepth, width * 31 + height + channels);
          const stream = encodeFallback(samples, width, height, channels, mode);
          const what = `mode ${mode} ${width}x${height}x${channels} ${bitDepth}-bit`;
          assert.deepEqual(decodeFallback(stream, width, height, channels, bitDepth), samples, what);
          assert.ok(stream.length <= 1 + samples.length * (bitDepth / 8), 'never more than raw plus the mode byte');
          if (width * height >= 33 * 17) assert.equal(stream[0], mode, what);
        }
      }
    }
  }
});

test('a constant group costs the mode byte and one value per channel', () => {
  const rgba = new Uint8Array(40 * 30 * 4).map((_, i) => [10, 20, 30, 255][i % 4]!);
  const stream = encodeFallback(rgba, 40, 30, 4);
  assert.deepEqual([...stream], [FALLBACK_MODE.constant, 10, 20, 30, 255]);
  assert.deepEqual(decodeFallback(stream, 40, 30, 4, 8), rgba);
  const alpha16 = new Uint16Array(50).fill(0xabcd);
  const stream16 = encodeFallback(alpha16, 10, 5, 1);
  assert.deepEqual([...stream16], [FALLBACK_MODE.constant, 0xcd, 0xab]);
  assert.deepEqual(decodeFallback(stream16, 10, 5, 1, 16), alpha16);
});

test('noise is stored raw: exactly one byte more than the samples', () => {
  for (const bitDepth of [8, 16] as const) {
    const samples = noise(32 * 32 * 3, bitDepth, bitDepth);
    const stream = encodeFallback(samples, 32, 32, 3);
    assert.equal(stream[0], FALLBACK_MODE.raw);
    assert.equal(stream.length, 1 + samples.length * (bitDepth / 8));
    assert.deepEqual(decodeFallback(stream, 32, 32, 3, bitDepth), samples);
  }
});

test('16-bit low bytes given the high bytes: round trips in every mode, smooth data costs less than raw', () => {
  const samples = smooth(48, 40, 3, 16, 5) as Uint16Array;
  const high = Uint8Array.from(samples, (v) => v >>> 8);
  for (const mode of PREDICTIVE_MODES) {
    const stream = encodeLowBytes(samples, 48, 40, 3, mode);
    assert.equal(stream[0], mode);
    assert.ok(stream.length < 0.8 * samples.length, `mode ${mode}: ${stream.length} bytes for ${samples.length} low bytes`);
    assert.deepEqual(decodeLowBytes(stream, high, 48, 40, 3), samples);
  }
  assert.equal(encodeLowBytes(samples, 48, 40, 3)[0], FALLBACK_MODE.mixed);
  const noisy = noise(20 * 10, 16, 9) as Uint16Array;
  const rawStream = encodeLowBytes(noisy, 20, 10, 1);
  assert.equal(rawStream[0], FALLBACK_MODE.raw);
  assert.deepEqual(decodeLowBytes(rawStream, Uint8Array.from(noisy, (v) => v >>> 8), 20, 10, 1), noisy);
  const scaled = Uint16Array.from({ length: 30 }, (_, i) => (i * 8) * 256 + 7);
  const constant = encodeLowBytes(scaled, 6, 5, 1);
  assert.deepEqual([...constant], [FALLBACK_MODE.constant, 7]);
  assert.deepEqual(decodeLowBytes(constant, Uint8Array.from(scaled, (v) => v >>> 8), 6, 5, 1), scaled);
});

test('pinned streams: a fixed RGB tile codes to the same bytes forever in every predictive mode', () => {
  const samples = smooth(64, 48, 3, 8, 77);
  const med = encodeFallback(samples, 64, 48, 3, FALLBACK_MODE.predictive);
  assert.equal(med.length, 3947);
  assert.equal(sha256Hex(med), 'ec49a5c52454736e84b41536c24abc857301131633f24121a3230998c4086b81');
  const blend = encodeFallback(samples, 64, 48, 3, FALLBACK_MODE.blend);
  assert.equal(blend.length, 3603);
  assert.equal(sha256Hex(blend), '591671823897493b1e88d3eeac4cf22f11c16593dc15c0eb7228845489b10908');
  assert.deepEqual(decodeFallback(blend, 64, 48, 3, 8), samples);
});

test('log2Times32: exact at powers of two, linear between them', () => {
  assert.deepEqual([1, 2, 3, 4, 6, 1024, 1536, 2 ** 31].map(log2Times32), [0, 32, 48, 64, 80, 320, 336, 992]);
});

test('damaged streams are corrupt-stream errors, never wrong samples', () => {
  const samples = smooth(33, 17, 3, 8, 3);
  const bad = (bytes: Uint8Array, what: string): void => {
    assert.throws(() => decodeFallback(bytes, 33, 17, 3, 8), CorruptStreamError, what);
  };
  for (const mode of PREDICTIVE_MODES) {
    const stream = encodeFallback(samples, 33, 17, 3, mode);
    bad(stream.subarray(0, stream.length - 2), `mode ${mode} truncated`);
    bad(Uint8Array.of(...stream, 0, 0), `mode ${mode} trailing bytes`);
    for (let at = 1; at < stream.length; at += 7) {
      const flipped = stream.slice();
      flipped[at]! ^= 0x24;
      bad(flipped, `mode ${mode} bit flip at byte ${at}`);
    }
  }
  const stream = encodeFallback(samples, 33, 17, 3);
  bad(new Uint8Array(0), 'empty');
  bad(Uint8Array.of(7, ...stream.subarray(1)), 'unknown mode');
  bad(Uint8Array.of(FALLBACK_MODE.constant, 1, 2), 'short constant');
  bad(Uint8Array.of(FALLBACK_MODE.raw, 1, 2, 3), 'short raw');
  assert.throws(() => decodeLowBytes(Uint8Array.of(9), new Uint8Array(4), 2, 2, 1), CorruptStreamError);
});

/** A size x size crop at (left, top) of a real image, its channels interleaved. */
async function crop(file: string, left: number, top: number, size: number): Promise<{ samples: Uint8Array; channels: number }> {
  const image = await readImage(readFileSync(file));
  const channels = image.channels;
  const out = new Uint8Array(size * size * channels);
  const data = image.data as Uint8Array;
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * image.width + left) * channels;
    out.set(data.subarray(from, from + size * channels), y * size * channels);
  }
  return { samples: out, channels };
}

/** Bits per sub-pixel of a round-tripped crop in the given predictive mode. */
function bitsPerSubPixel(samples: Uint8Array, size: number, channels: number, mode: PredictiveMode): number {
  const stream = encodeFallback(samples, size, size, channels, mode);
  assert.equal(stream[0], mode);
  assert.deepEqual(decodeFallback(stream, size, size, channels, 8), samples, `mode ${mode} round trip`);
  return (stream.length * 8) / samples.length;
}

test('real data: the blend mode codes a Kodak crop below 2.95 bits per sub-pixel, 6% below the MED mode', async () => {
  const { samples, channels } = await crop(path.join(SHARED_DATA, 'kodak', 'kodim23.png'), 256, 200, 256);
  assert.equal(channels, 3);
  const med = bitsPerSubPixel(samples, 256, 3, FALLBACK_MODE.predictive);
  const blend = bitsPerSubPixel(samples, 256, 3, FALLBACK_MODE.blend);
  assert.ok(blend < 2.95 && blend < 0.94 * med, `blend ${blend.toFixed(3)}, MED ${med.toFixed(3)} bits per sub-pixel`);
});

test('real data: a grey USC-SIPI crop and an RGBA fixture round trip, the grey one 2% below the MED mode', async () => {
  const grey = await crop(path.join(SHARED_DATA, 'usc-sipi-misc', '5.2.09.png'), 128, 128, 128);
  assert.equal(grey.channels, 1);
  const med = bitsPerSubPixel(grey.samples, 128, 1, FALLBACK_MODE.predictive);
  const blend = bitsPerSubPixel(grey.samples, 128, 1, FALLBACK_MODE.blend);
  assert.ok(blend < 5.0 && blend < 0.98 * med, `blend ${blend.toFixed(3)}, MED ${med.toFixed(3)} bits per sub-pixel`);
  const rgba = await crop(path.join(FIXTURES, 'rgba-257x129.png'), 0, 0, 129);
  assert.equal(rgba.channels, 4);
  bitsPerSubPixel(rgba.samples, 129, 4, FALLBACK_MODE.blend);
});
