/**
 * Fallback mode 8 (the mixed cascade model, which the encoder writes): mode 5's prediction with each sample coded as
 * mixed adaptive bits. Exact round trips on real images (photo and Kodak crops, a grey USC-SIPI image, RGBA and
 * 16-bit fixtures, their low bytes, a widened group's inner stream), on tiny, odd-sized and extreme tiles; real
 * crops coded smaller than in mode 5; the encoder's choice; a pinned stream; damaged mode-8 streams that end in a
 * CorruptStreamError within a time bound, never a hang or a wrong image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sha256Hex } from '../../src/core/sha256.js';
import {
  FALLBACK_MODE, decodeFallback, decodeLowBytes, encodeFallback, encodeLowBytes, type PredictiveMode, type Samples,
} from '../../src/codec/fallback-coder.js';
import { SHARED_DATA } from '../helpers/paths.js';
import {
  assertDamagedStreamsRejected, assertEdgeTilesRoundTrip, assertFixturesRoundTrip, crop, modeRoundTrip,
} from './fallback-mode-checks.js';

const MIXED = FALLBACK_MODE.mixed;

/** Codes in `mode` (default: this file's mode), checks the mode byte and the exact round trip, returns the length. */
const roundTrip = (samples: Samples, width: number, height: number, channels: number, mode: PredictiveMode = MIXED): number =>
  modeRoundTrip(samples, width, height, channels, mode);

test('real photographs: mode 8 codes a photo tile and a Kodak tile smaller than mode 5, and the encoder picks it', async () => {
  // 128 x 128: the product's tile size.
  const photo = await crop(path.join(SHARED_DATA, 'photos-train', 'wiki-004.png'), 300, 200, 128, 128);
  const kodak = await crop(path.join(SHARED_DATA, 'kodak', 'kodim23.png'), 256, 200, 128, 128);
  for (const [name, image, ratio] of [['wiki-004', photo, PHOTO_RATIO], ['kodim23', kodak, KODAK_RATIO]] as const) {
    const cascade = roundTrip(image.samples, 128, 128, 3, FALLBACK_MODE.cascade);
    const mixed = roundTrip(image.samples, 128, 128, 3);
    assert.ok(mixed < ratio * cascade, `${name}: mode 8 ${mixed} bytes, mode 5 ${cascade}`);
    assert.equal(encodeFallback(image.samples, 128, 128, 3)[0], MIXED, `${name}: the encoder's choice`);
  }
});

test('grey, RGBA and 16-bit images round trip in mode 8, with their low bytes and as a widened inner stream', async () => {
  const grey = await crop(path.join(SHARED_DATA, 'usc-sipi-misc', '5.2.09.png'), 128, 128, 128, 128);
  assert.equal(grey.channels, 1);
  const cascade = roundTrip(grey.samples, 128, 128, 1, FALLBACK_MODE.cascade);
  const mixed = roundTrip(grey.samples, 128, 128, 1);
  // measured 9,711 against 9,791 bytes
  assert.ok(mixed < 0.993 * cascade, `grey: mode 8 ${mixed} bytes, mode 5 ${cascade}`);
  await assertFixturesRoundTrip(MIXED);
  // A Kodak crop upscaled 2x across at 16 bits (odd columns the mean of their neighbours, x 257): its low bytes
  // given the high bytes are a mode-8 stream (6,117 bytes; mode 5 gives up and stores them raw, 6,145).
  const kodak = await crop(path.join(SHARED_DATA, 'kodak', 'kodim05.png'), 100, 100, 48, 32);
  const wide = new Uint16Array(64 * 32 * 3);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 64; x++) {
      for (let c = 0; c < 3; c++) {
        const a = kodak.samples[(y * 48 + (x >> 1)) * 3 + c]!;
        const b = kodak.samples[(y * 48 + (x >> 1) + 1) * 3 + c]!;
        wide[(y * 64 + x) * 3 + c] = x % 2 === 0 ? a * 257 : Math.floor(((a + b) * 257) / 2);
      }
    }
  }
  const low = encodeLowBytes(wide, 64, 32, 3);
  assert.equal(low[0], MIXED, 'upscaled low bytes mode');
  assert.ok(low.length < wide.length, `upscaled low bytes: ${low.length} bytes for ${wide.length}`);
  assert.deepEqual(decodeLowBytes(low, Uint8Array.from(wide, (v) => v >>> 8), 64, 32, 3), wide);
  // 10-bit content in 16-bit samples (v << 6): mode 7 around a mode-8 stream of the 10-bit values.
  const ten = Uint16Array.from(kodak.samples, (v, i) => ((v * 4 + (i % 3)) & 1023) << 6);
  const stream = encodeFallback(ten, 48, 32, 3);
  assert.equal(stream[0], FALLBACK_MODE.widened);
  assert.equal(stream[2], MIXED, 'inner stream mode');
  assert.deepEqual(decodeFallback(stream, 48, 32, 3, 16), ten);
});

test('tiny, odd-sized, constant-channel and extreme tiles round trip exactly in mode 8', () => {
  assertEdgeTilesRoundTrip(MIXED, 17);
});

test('pinned stream: a fixed photo crop codes to the same mode-8 bytes forever', async () => {
  const { samples } = await crop(path.join(SHARED_DATA, 'photos-train', 'wiki-002.png'), 200, 100, 64, 48);
  const stream = encodeFallback(samples, 64, 48, 3, MIXED);
  assert.equal(stream[0], MIXED);
  assert.equal(stream.length, PINNED_LENGTH);
  assert.equal(sha256Hex(stream), PINNED_SHA256);
  assert.deepEqual(decodeFallback(stream, 64, 48, 3, 8), samples);
});

test('damaged mode-8 streams are corrupt-stream errors within seconds: truncations, bit flips, random bodies', async () => {
  // CPU time, not wall time: the bound must hold on a loaded machine too (about 1 s here).
  const cpuSeconds = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const started = cpuSeconds();
  await assertDamagedStreamsRejected(MIXED, 11);
  assert.ok(cpuSeconds() - started < 10, `${(cpuSeconds() - started).toFixed(1)} CPU seconds`);
});

/** Mode 8 against mode 5 on the two 128 x 128 crops: measured 26,959 / 27,037 and 16,151 / 16,319 bytes. */
const PHOTO_RATIO = 0.998;
const KODAK_RATIO = 0.991;
const PINNED_LENGTH = 4137;
const PINNED_SHA256 = '9051df4fe4c0cceb0676bcd44b5defae282f97cbce50415b8344b36dd0a6c226';
