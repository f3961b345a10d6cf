/**
 * unstoredMetadata, metadataToStore and the warning (src/cli/commands/unstored-metadata.ts, stored-metadata.ts), on
 * files sharp writes: the frames after a GIF's first are named; a JPEG's ICC profile and EXIF are stored unless
 * stripped, and stripping names them and the orientation; a plain PNG and an in-memory image name nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { embeddableMetadata, metadataToStore, notWrittenParts } from '../../../src/cli/commands/stored-metadata.js';
import { unstoredMetadata, warnAboutUnstoredMetadata } from '../../../src/cli/commands/unstored-metadata.js';
import { log } from '../../../src/core/log.js';
import { createPixelBuffer } from '../../../src/image/pixel-buffer.js';
import { readImage } from '../../../src/image/read-image.js';

const frames = Uint8Array.from({ length: 4 * 9 * 3 }, (_, i) => (i * 37) & 0xff);

test('an animated GIF: the frames after the first are named, with the count', async () => {
  const gif = await sharp(frames, { raw: { width: 4, height: 9, channels: 3, pageHeight: 3 } }).gif({ delay: [100, 100, 100] }).toBuffer();
  const pixels = await readImage(gif);
  assert.deepEqual([pixels.width, pixels.height], [4, 3]);
  assert.deepEqual(unstoredMetadata(pixels, []), ['frames 2..3 of 3 (only the first is kept)']);
});

test('a JPEG with an orientation and a colour profile: stored as read; stripped, each is named with the orientation', async () => {
  const jpeg = await sharp(frames.subarray(0, 36), { raw: { width: 4, height: 3, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
  const pixels = await readImage(jpeg);
  const kept = metadataToStore(pixels.metadata, false);
  assert.deepEqual(kept.entries.map((entry) => entry.type), ['icc', 'exif']);
  assert.equal(kept.entries[0]!.bytes, pixels.metadata!.icc);
  assert.deepEqual(kept.notStored, []);
  assert.deepEqual(unstoredMetadata(pixels, kept.notStored), []);
  assert.deepEqual(embeddableMetadata(kept.entries), { icc: pixels.metadata!.icc, exif: pixels.metadata!.exif });
  const stripped = metadataToStore(pixels.metadata, true);
  assert.deepEqual(stripped.entries, []);
  assert.deepEqual(unstoredMetadata(pixels, stripped.notStored), [
    'ICC profile (--strip-metadata)', 'EXIF (--strip-metadata)', 'orientation 6 (lost with the EXIF; the pixels stay in stored order)',
  ]);
  const png = await sharp(frames.subarray(0, 36), { raw: { width: 4, height: 3, channels: 3 } }).png().toBuffer();
  const plain = await readImage(png);
  assert.deepEqual([metadataToStore(plain.metadata, true), unstoredMetadata(plain, [])], [{ entries: [], notStored: [] }, []]);
  const memory = createPixelBuffer({ width: 1, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(1) });
  assert.deepEqual([metadataToStore(memory.metadata, false), unstoredMetadata(memory, [])], [{ entries: [], notStored: [] }, []]);
});

test('metadata beyond the 16 MiB a .idf file holds is left out and named, the rest stored', () => {
  const xmp = new Uint8Array(2 ** 24 - 10);
  const { entries, notStored } = metadataToStore({ format: 'png', icc: new Uint8Array(20), xmp, iptc: new Uint8Array(10) }, false);
  assert.deepEqual(entries.map((entry) => [entry.type, entry.bytes.length]), [['icc', 20], ['iptc', 10]]);
  assert.deepEqual(notStored, ['XMP (16777206 bytes: above the .idf limit of 16777216 bytes of metadata)']);
});

test('warnAboutUnstoredMetadata: one warning naming input, output and the parts; none when nothing is left out', async (t) => {
  const warn = t.mock.method(log, 'warn', () => undefined);
  const gif = await sharp(frames, { raw: { width: 4, height: 9, channels: 3, pageHeight: 3 } }).gif({ delay: [100, 100, 100] }).toBuffer();
  warnAboutUnstoredMetadata('anim.gif', 'anim.idf', unstoredMetadata(await readImage(gif), []));
  warnAboutUnstoredMetadata('one.png', 'one.idf', []);
  assert.equal(warn.mock.callCount(), 1);
  assert.deepEqual(warn.mock.calls[0]!.arguments, [{ input: 'anim.gif', output: 'anim.idf' }, 'anim.gif: not copied to anim.idf: frames 2..3 of 3 (only the first is kept)']);
});

test('notWrittenParts: what each output format could not take, with the reason; nothing when all was written', () => {
  assert.deepEqual(notWrittenParts('png', []), []);
  assert.deepEqual(notWrittenParts('png', ['IPTC']), ['IPTC (PNG has no place for it)']);
  assert.deepEqual(notWrittenParts('webp', ['ICC profile', 'IPTC']), ['ICC profile (a grey profile: WebP holds grey as RGB)', 'IPTC (WebP has no place for it)']);
  assert.deepEqual(notWrittenParts('pnm', ['ICC profile', 'EXIF']), ['ICC profile, EXIF (PNM has no place for metadata)']);
  assert.deepEqual(notWrittenParts('tiff', ['XMP']), ['XMP (idfz does not write metadata into TIFF; use --format png or webp)']);
});
