/**
 * Fallback mode 5 (the cascade model, which the encoder wrote before mode 8): exact round trips on real images (photo and Kodak crops, a
 * grey USC-SIPI image, RGBA and 16-bit fixtures and their low bytes), on tiny, odd-sized, constant-channel and
 * extreme tiles; bits per sub-pixel on real crops that fail if mode 5 regresses against mode 4; a pinned stream; and
 * damaged mode-5 streams that end in a CorruptStreamError, never a hang or a wrong image.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sha256Hex } from '../../src/core/sha256.js';
import {
  FALLBACK_MODE, decodeFallback, encodeFallback, type PredictiveMode, type Samples,
} from '../../src/codec/fallback-coder.js';
import { SHARED_DATA } from '../helpers/paths.js';
import {
  assertDamagedStreamsRejected, assertEdgeTilesRoundTrip, assertFixturesRoundTrip, crop, modeRoundTrip,
} from './fallback-mode-checks.js';

const CASCADE = FALLBACK_MODE.cascade;

/** Codes in `mode` (default: this file's mode), checks the mode byte and the exact round trip, returns the length. */
const roundTrip = (samples: Samples, width: number, height: number, channels: number, mode: PredictiveMode = CASCADE): number =>
  modeRoundTrip(samples, width, height, channels, mode);

test('real photographs: mode 5 codes a photo tile 1% and a Kodak tile 2% smaller than mode 4, below fixed bits per sub-pixel', async () => {
  // 128 x 128: the product's tile size.
  const photo = await crop(path.join(SHARED_DATA, 'photos-train', 'wiki-004.png'), 300, 200, 128, 128);
  const kodak = await crop(path.join(SHARED_DATA, 'kodak', 'kodim23.png'), 256, 200, 128, 128);
  for (const [name, image, bound, ratio] of [['wiki-004', photo, 4.41, 0.99], ['kodim23', kodak, 2.67, 0.98]] as const) {
    assert.equal(image.channels, 3);
    const lms = roundTrip(image.samples, 128, 128, 3, FALLBACK_MODE.lms);
    const cascade = roundTrip(image.samples, 128, 128, 3);
    const bits = (cascade * 8) / image.samples.length;
    assert.ok(bits < bound && cascade < ratio * lms, `${name}: mode 5 ${bits.toFixed(3)} bits per sub-pixel, ${cascade} bytes vs mode 4 ${lms}`);
  }
});

test('grey, RGBA and 16-bit images round trip in mode 5, with their low bytes; the grey tile costs 0.5% less than in mode 4', async () => {
  const grey = await crop(path.join(SHARED_DATA, 'usc-sipi-misc', '5.2.09.png'), 128, 128, 128, 128);
  assert.equal(grey.channels, 1);
  const lms = roundTrip(grey.samples, 128, 128, 1, FALLBACK_MODE.lms);
  const cascade = roundTrip(grey.samples, 128, 128, 1);
  assert.ok(cascade < 0.995 * lms, `grey: mode 5 ${cascade} bytes, mode 4 ${lms}`);
  await assertFixturesRoundTrip(CASCADE);
});

test('tiny, odd-sized, constant-channel and extreme tiles round trip exactly in mode 5', () => {
  assertEdgeTilesRoundTrip(CASCADE, 13);
});

test('pinned stream: a fixed photo crop codes to the same mode-5 bytes forever', async () => {
  const { samples } = await crop(path.join(SHARED_DATA, 'photos-train', 'wiki-002.png'), 200, 100, 64, 48);
  const stream = encodeFallback(samples, 64, 48, 3, CASCADE);
  assert.equal(stream[0], CASCADE);
  assert.equal(stream.length, PINNED_LENGTH);
  assert.equal(sha256Hex(stream), PINNED_SHA256);
  assert.deepEqual(decodeFallback(stream, 64, 48, 3, 8), samples);
});

test('damaged mode-5 streams are corrupt-stream errors: truncations, bit flips, random bodies', async () => {
  await assertDamagedStreamsRejected(CASCADE, 7);
});

const PINNED_LENGTH = 4147;
const PINNED_SHA256 = '6677e1c4ddd04e41017c1db581d9cde06c7bc1f5d20b01e33d409ccaba1b2871';
