/**
 * unstoredMetadata and its warning (src/cli/commands/unstored-metadata.ts), on files sharp writes: the frames after a
 * GIF's first, a JPEG's orientation, ICC profile and EXIF are named; a plain PNG and an in-memory image name nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { unstoredMetadata, warnAboutUnstoredMetadata } from '../../../src/cli/commands/unstored-metadata.js';
import { log } from '../../../src/core/log.js';
import { createPixelBuffer } from '../../../src/image/pixel-buffer.js';
import { readImage } from '../../../src/image/read-image.js';

const frames = Uint8Array.from({ length: 4 * 9 * 3 }, (_, i) => (i * 37) & 0xff);

test('an animated GIF: the frames after the first are named, with the count', async () => {
  const gif = await sharp(frames, { raw: { width: 4, height: 9, channels: 3, pageHeight: 3 } }).gif({ delay: [100, 100, 100] }).toBuffer();
  const pixels = await readImage(gif);
  assert.deepEqual([pixels.width, pixels.height], [4, 3]);
  assert.deepEqual(unstoredMetadata(pixels), ['frames 2..3 of 3 (only the first is kept)']);
});

test('a JPEG with an orientation and a colour profile: each is named; a plain PNG and an in-memory image name nothing', async () => {
  const jpeg = await sharp(frames.subarray(0, 36), { raw: { width: 4, height: 3, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const parts = unstoredMetadata(await readImage(jpeg));
  assert.ok(parts.includes('EXIF'), parts.join('; '));
  assert.equal(parts.at(-1), 'orientation 6 (not applied: pixels stay in stored order)');
  const png = await sharp(frames.subarray(0, 36), { raw: { width: 4, height: 3, channels: 3 } }).png().toBuffer();
  assert.deepEqual(unstoredMetadata(await readImage(png)), []);
  assert.deepEqual(unstoredMetadata(createPixelBuffer({ width: 1, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(1) })), []);
});

test('warnAboutUnstoredMetadata: one warning naming input, output and the parts; none when nothing is left out', async (t) => {
  const warn = t.mock.method(log, 'warn', () => undefined);
  const gif = await sharp(frames, { raw: { width: 4, height: 9, channels: 3, pageHeight: 3 } }).gif({ delay: [100, 100, 100] }).toBuffer();
  warnAboutUnstoredMetadata('anim.gif', 'anim.idf', await readImage(gif));
  warnAboutUnstoredMetadata('one.png', 'one.idf', createPixelBuffer({ width: 1, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(1) }));
  assert.equal(warn.mock.callCount(), 1);
  assert.deepEqual(warn.mock.calls[0]!.arguments, [{ input: 'anim.gif', output: 'anim.idf' }, 'anim.gif: not copied to anim.idf: frames 2..3 of 3 (only the first is kept)']);
});
