/**
 * Checks the fallback modes' own test files share: a crop of a real image as samples, and the damaged-stream check
 * (truncations, trailing bytes, bit flips and random bodies of a mode's stream all end in a CorruptStreamError).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CorruptStreamError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { readImage } from '../../src/image/read-image.js';
import { decodeFallback, encodeFallback, type PredictiveMode, type Samples } from '../../src/codec/fallback-coder.js';
import { SHARED_DATA } from '../helpers/paths.js';

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
