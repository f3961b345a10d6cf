/**
 * Fallback mode 4 (the LMS model, which the encoder wrote before mode 5 and which old files hold): exact round trips on real images (photo and Kodak crops, a
 * grey USC-SIPI image, RGBA and 16-bit fixtures), on tiny, odd-sized, constant-channel and extreme tiles; a pinned
 * stream; bits per sub-pixel on real crops that fail if the coder regresses; and damaged mode-4 streams that end in
 * a CorruptStreamError, never a hang or a wrong image.
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

const LMS = FALLBACK_MODE.lms;

/** Codes in `mode` (default: this file's mode), checks the mode byte and the exact round trip, returns the length. */
const roundTrip = (samples: Samples, width: number, height: number, channels: number, mode: PredictiveMode = LMS): number =>
  modeRoundTrip(samples, width, height, channels, mode);

test('real photographs: mode 4 codes a photo crop and a Kodak crop 2.5% smaller than mode 3, below fixed bits per sub-pixel', async () => {
  const photo = await crop(path.join(SHARED_DATA, 'photos-train', 'wiki-001.png'), 384, 256, 256, 256);
  const kodak = await crop(path.join(SHARED_DATA, 'kodak', 'kodim23.png'), 256, 200, 256, 256);
  for (const [name, image, bound] of [['wiki-001', photo, 3.58], ['kodim23', kodak, 2.85]] as const) {
    assert.equal(image.channels, 3);
    const blend = roundTrip(image.samples, 256, 256, 3, FALLBACK_MODE.blend);
    const lms = roundTrip(image.samples, 256, 256, 3);
    const bits = (lms * 8) / image.samples.length;
    assert.ok(bits < bound && lms < 0.975 * blend, `${name}: mode 4 ${bits.toFixed(3)} bits per sub-pixel, ${lms} bytes vs mode 3 ${blend}`);
  }
});

test('grey, RGBA and 16-bit images round trip in mode 4; the grey crop costs 2% less than in mode 3', async () => {
  const grey = await crop(path.join(SHARED_DATA, 'usc-sipi-misc', '5.2.09.png'), 128, 128, 128, 128);
  assert.equal(grey.channels, 1);
  const blend = roundTrip(grey.samples, 128, 128, 1, FALLBACK_MODE.blend);
  const lms = roundTrip(grey.samples, 128, 128, 1);
  assert.ok(lms < 0.98 * blend, `grey: mode 4 ${lms} bytes, mode 3 ${blend}`);
  await assertFixturesRoundTrip(LMS);
});

test('tiny, odd-sized, constant-channel and extreme tiles round trip exactly', () => {
  assertEdgeTilesRoundTrip(LMS, 11);
});

test('pinned stream: a fixed photo crop codes to the same mode-4 bytes forever', async () => {
  const { samples } = await crop(path.join(SHARED_DATA, 'photos-train', 'wiki-002.png'), 200, 100, 64, 48);
  const stream = encodeFallback(samples, 64, 48, 3, LMS);
  assert.equal(stream[0], LMS);
  assert.equal(stream.length, PINNED_LENGTH);
  assert.equal(sha256Hex(stream), PINNED_SHA256);
  assert.deepEqual(decodeFallback(stream, 64, 48, 3, 8), samples);
});

test('damaged mode-4 streams are corrupt-stream errors: truncations, bit flips, random bodies', async () => {
  await assertDamagedStreamsRejected(LMS, 5);
});

const PINNED_LENGTH = 4207;
const PINNED_SHA256 = 'f628411ebc66f7588fbce83104559734baa3a93e079cc0bad272ba07cbe72141';
