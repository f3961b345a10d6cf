/**
 * PNG and lossless WebP through sharp (src/image): real crops round-trip exactly, grey stays one sample per pixel,
 * and the measured bytes are the complete files the library writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pngCodec, webpCodec } from '../../src/bench/sharp-codecs.js';
import { readImage } from '../../src/image/read-image.js';
import { sampleImages } from './sample-images.js';

test('png: every sample image round-trips exactly as a complete PNG file', async () => {
  const codec = pngCodec();
  assert.equal((await codec.available()).available, true);
  for (const image of await sampleImages()) {
    const bytes = await codec.encode(image);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${image.name}: PNG signature`);
    const stored = await readImage(bytes);
    assert.equal(stored.channels, image.channels, `${image.name}: grey is written as a grey PNG, not RGB`);
    assert.deepEqual(await codec.decode(bytes, image), image.data, image.name);
  }
});

test('webp: lossless round trip, grey stored as R = G = B and read back as grey', async () => {
  const codec = webpCodec();
  for (const image of await sampleImages()) {
    const bytes = await codec.encode(image);
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'RIFF', image.name);
    assert.equal(Buffer.from(bytes.subarray(8, 12)).toString('latin1'), 'WEBP', image.name);
    // The RIFF size field counts every byte after it: the file is exactly what was measured.
    assert.equal(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true) + 8, bytes.length, image.name);
    if (image.channels === 1) assert.equal((await readImage(bytes)).channels, 3, 'WebP has no grey mode');
    assert.deepEqual(await codec.decode(bytes, image), image.data, image.name);
  }
});

test('sharp codecs are in-process and say what they measure', () => {
  for (const codec of [pngCodec(), webpCodec()]) {
    assert.equal(codec.timing, 'in-process');
    assert.match(codec.settings, /file/);
  }
  assert.match(pngCodec().settings, /zlib level \d/);
  assert.match(webpCodec().settings, /effort \d/);
});
