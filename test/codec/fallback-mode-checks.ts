/**
 * Checks the fallback modes' own test files share: a crop of a real image as samples, a mode's round trip, round
 * trips of the RGBA and 16-bit fixtures (with low bytes) and of tiny, odd-sized and extreme tiles, and the damaged-stream check (truncations, trailing bytes, bit flips and random bodies of a
 * mode's stream all end in a CorruptStreamError).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CorruptStreamError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { readImage } from '../../src/image/read-image.js';
import {
  decodeFallback, decodeLowBytes, encodeFallback, encodeLowBytes, type PredictiveMode, type Samples,
} from '../../src/codec/fallback-coder.js';
import { FIXTURES, SHARED_DATA } from '../helpers/paths.js';

/** A width x height crop at (left, top) of a real image, its channels interleaved, at the image's depth. */
export async function crop(file: string, left: number, top: number, width: number, height: number): Promise<{ samples: Samples; channels: number; bitDepth: 8 | 16 }> {
  const image = await readImage(readFileSync(file));
  const channels = image.channels;
  const out = image.bitDepth === 8 ? new Uint8Array(width * height * channels) : new Uint16Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * channels;
    out.set(image.data.subarray(from, from + width * channels), y * width * channels);
  }
  return { samples: out, channels, bitDepth: image.bitDepth };
}

/**
 * Codes a 40 x 24 Kodak crop in `mode` and asserts that every damaged version of the stream (and random bodies drawn
 * with `seed`) is a CorruptStreamError, and that an unassigned mode byte (200) is unknown.
 */
export async function assertDamagedStreamsRejected(mode: PredictiveMode, seed: number): Promise<void> {
  const { samples } = await crop(path.join(SHARED_DATA, 'kodak', 'kodim05.png'), 100, 100, 40, 24);
  const stream = encodeFallback(samples, 40, 24, 3, mode);
  assert.equal(stream[0], mode);
  const bad = (bytes: Uint8Array, what: string): void => {
    assert.throws(() => decodeFallback(bytes, 40, 24, 3, 8), CorruptStreamError, what);
  };
  for (let length = 1; length < stream.length; length += 5) bad(stream.subarray(0, length), `truncated to ${length}`);
  bad(Uint8Array.of(...stream, 0, 0), 'trailing bytes');
  for (let at = 1; at < stream.length; at += 3) {
    const flipped = stream.slice();
    flipped[at]! ^= 1 << (at % 8);
    bad(flipped, `bit flip at byte ${at}`);
  }
  const random = new Random(seed);
  for (let k = 0; k < 20; k++) {
    const body = Uint8Array.from({ length: 16 + 2 * random.nextInt(600) }, () => random.nextInt(256));
    bad(Uint8Array.of(mode, ...body), `random body ${k}`);
  }
  assert.throws(() => decodeFallback(Uint8Array.of(200, 0, 0), 1, 1, 1, 8), CorruptStreamError, 'mode 200 is unknown');
}

/**
 * Asserts that `mode` codes tiny, odd-sized, constant-channel and extreme tiles exactly, in 1-4 channels at 8 and 16
 * bits, never above the raw size plus the mode byte: channel 0 constant, channel 1 the extremes (a checkerboard in the
 * left half, random in the right), the rest noisy ramps drawn with `seed`.
 */
export function assertEdgeTilesRoundTrip(mode: PredictiveMode, seed: number): void {
  const random = new Random(seed);
  for (const [width, height] of [[1, 1], [2, 2], [3, 5], [5, 3], [4, 9], [2, 130], [130, 2], [37, 29]] as const) {
    for (const channels of [1, 2, 3, 4]) {
      for (const bitDepth of [8, 16] as const) {
        const max = bitDepth === 8 ? 255 : 65535;
        const n = width * height * channels;
        const samples = bitDepth === 8 ? new Uint8Array(n) : new Uint16Array(n);
        for (let p = 0; p < width * height; p++) {
          const x = p % width;
          const y = Math.floor(p / width);
          for (let c = 0; c < channels; c++) {
            samples[p * channels + c] = c === 0 ? 77
              : c === 1 ? (x < width / 2 ? ((x + y) % 2) * max : random.nextInt(2) * max)
              : Math.min(max, Math.floor(((x * 7 + y * 3 + c * 40) * max) / 600) + random.nextInt(9));
          }
        }
        const stream = encodeFallback(samples, width, height, channels, mode);
        assert.deepEqual(decodeFallback(stream, width, height, channels, bitDepth), samples, `${width}x${height}x${channels} ${bitDepth}-bit`);
        assert.ok(stream.length <= 1 + n * (bitDepth / 8));
      }
    }
  }
}

/** Codes `samples` in `mode`, checks the mode byte and the exact round trip, returns the stream length. */
export function modeRoundTrip(samples: Samples, width: number, height: number, channels: number, mode: PredictiveMode): number {
  const bitDepth = samples instanceof Uint8Array ? 8 : 16;
  const stream = encodeFallback(samples, width, height, channels, mode);
  assert.equal(stream[0], mode, `${width}x${height}x${channels} mode byte`);
  assert.deepEqual(decodeFallback(stream, width, height, channels, bitDepth), samples, `${width}x${height}x${channels} mode ${mode}`);
  return stream.length;
}

/**
 * Asserts that `mode` codes the RGBA fixture and the 16-bit fixtures (RGB, RGBA, grey) exactly, and their low bytes
 * given the high bytes as a low-byte stream of `mode`.
 */
export async function assertFixturesRoundTrip(mode: PredictiveMode): Promise<void> {
  const rgba = await crop(path.join(FIXTURES, 'rgba-257x129.png'), 0, 0, 257, 129);
  assert.equal(rgba.channels, 4);
  modeRoundTrip(rgba.samples, 257, 129, 4, mode);
  for (const name of ['rgb16-33x17.png', 'rgba16-33x17.png', 'grey16-33x17.png']) {
    const image = await crop(path.join(FIXTURES, name), 0, 0, 33, 17);
    assert.equal(image.bitDepth, 16, name);
    modeRoundTrip(image.samples, 33, 17, image.channels, mode);
    const samples = image.samples as Uint16Array;
    const low = encodeLowBytes(samples, 33, 17, image.channels, mode);
    const high = Uint8Array.from(samples, (v) => v >>> 8);
    assert.deepEqual(decodeLowBytes(low, high, 33, 17, image.channels), samples, `${name} low bytes`);
  }
}
