/**
 * What readImage promises beyond the fixtures: stored pixels (no ICC conversion, no EXIF rotation), metadata kept,
 * the pixel limit, first page only, refused sample types, and real photographs from ../shared/data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS, readImage } from '../../src/image/read-image.js';
import { BadInputError, LimitError } from '../../src/core/errors.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { fixturePath } from './fixture-manifest.js';

const RGB = Uint8Array.from({ length: 33 * 17 * 3 }, (_, i) => (i * 7 + (i >> 5) * 13) & 0xff);

/** The PNG without its iCCP chunk (chunks: 4-byte length, type, data, CRC). */
function withoutIccp(png: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [png.subarray(0, 8)];
  for (let at = 8; at < png.length; ) {
    const end = at + 12 + new DataView(png.buffer, png.byteOffset + at).getUint32(0);
    if (new TextDecoder().decode(png.subarray(at + 4, at + 8)) !== 'iCCP') parts.push(png.subarray(at, end));
    at = end;
  }
  return Buffer.concat(parts);
}

test('an embedded ICC profile is returned, not applied', async () => {
  const tagged = await sharp(RGB, { raw: { width: 33, height: 17, channels: 3 } }).withIccProfile('p3').png().toBuffer();
  const plain = withoutIccp(tagged);
  assert.ok(plain.length < tagged.length, 'the test PNG carries an iCCP chunk');
  const withProfile = await readImage(tagged);
  const withoutProfile = await readImage(plain);
  assert.deepEqual(withProfile.data, withoutProfile.data);
  assert.equal(new TextDecoder().decode(withProfile.metadata!.icc!.subarray(36, 40)), 'acsp', 'an ICC profile');
  assert.equal(withoutProfile.metadata!.icc, undefined);
  // The trap this guards against is real: sharp by default converts through the profile.
  const converted = await sharp(tagged).toColourspace('srgb').raw().toBuffer();
  assert.notDeepEqual(new Uint8Array(converted), withProfile.data);
});

test('EXIF orientation is reported, not applied: pixels stay in stored order', async () => {
  const pixels = await readImage(readFileSync(fixturePath('orientation-6-33x17.jpg')));
  assert.deepEqual([pixels.width, pixels.height, pixels.metadata?.orientation], [33, 17, 6]);
  assert.equal(new TextDecoder().decode(pixels.metadata!.exif!.subarray(0, 4)), 'Exif');
  const rotated = await sharp(readFileSync(fixturePath('orientation-6-33x17.jpg'))).autoOrient().metadata();
  assert.deepEqual([rotated.autoOrient.width, rotated.autoOrient.height], [17, 33]);
});

test('the pixel limit is checked from the header: exactly at the limit passes, one over fails', async () => {
  const bytes = readFileSync(fixturePath('rgb-33x17.png'));
  assert.equal((await readImage(bytes, { maxPixels: 33 * 17 })).width, 33);
  await assert.rejects(readImage(bytes, { maxPixels: 33 * 17 - 1, name: 'a.png' }), (error: Error) => error instanceof LimitError && error.message === 'a.png: 33x17 image has 561 pixels, above the limit of 560; raise the limit (--max-pixels) if you trust this file');
  assert.equal((await readImage(bytes, { maxPixels: Infinity })).height, 17);
  const pnm = readFileSync(fixturePath('grey-33x17.pgm'));
  await assert.rejects(readImage(pnm, { maxPixels: 560 }), LimitError);
  assert.equal(DEFAULT_MAX_PIXELS, 2 ** 26);
});

test('errors name the input, default "input"', async () => {
  await assert.rejects(readImage(new Uint8Array(0)), /^BadInputError: input: the file is empty/);
  await assert.rejects(readImage(new Uint8Array(0), { name: 'stdin' }), /^BadInputError: stdin: the file is empty/);
});

test('a multi-page TIFF reads as its first page, and its metadata counts the pages', async () => {
  const pages = Uint8Array.from({ length: 4 * 6 }, (_, i) => i * 10);
  const tiff = await sharp(pages, { raw: { width: 4, height: 6, channels: 1, pageHeight: 3 } }).toColourspace('b-w').tiff({ compression: 'deflate' }).toBuffer();
  assert.equal((await sharp(tiff).metadata()).pages, 2);
  const first = await readImage(tiff);
  assert.deepEqual([first.width, first.height, first.channels], [4, 3, 1]);
  assert.deepEqual(first.data, pages.subarray(0, 12));
  assert.equal(first.metadata?.pages, 2, 'the pages left out are counted, so commands can say so');
  assert.equal((await readImage(await sharp(pages, { raw: { width: 4, height: 6, channels: 1 } }).toColourspace('b-w').tiff().toBuffer())).metadata?.pages, undefined);
});

/** A minimal uncompressed 2x2 grey TIFF with the given BitsPerSample and SampleFormat (1 uint, 2 int, 3 float). */
function tiff(bitsPerSample: number, sampleFormat: number): Uint8Array {
  const tags: [number, number, number][] = [
    [256, 3, 2], // ImageWidth
    [257, 3, 2], // ImageLength
    [258, 3, bitsPerSample],
    [259, 3, 1], // no compression
    [262, 3, 1], // BlackIsZero
    [273, 4, 8 + 2 + 12 * 10 + 4], // StripOffsets: right after the IFD
    [277, 3, 1], // SamplesPerPixel
    [278, 3, 2], // RowsPerStrip
    [279, 4, bitsPerSample / 2], // StripByteCounts: 4 samples
    [339, 3, sampleFormat],
  ];
  const bytes = new Uint8Array(8 + 2 + 12 * tags.length + 4 + bitsPerSample / 2);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);
  view.setUint16(8, tags.length, true);
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + 12 * i;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, 1, true);
    if (type === 3) view.setUint16(at + 8, value, true);
    else view.setUint32(at + 8, value, true);
  });
  return bytes;
}

test('float, signed and 32-bit samples are refused, not converted', async () => {
  assert.deepEqual((await readImage(tiff(16, 1))).bitDepth, 16, 'the hand-made TIFF is valid');
  for (const [bits, format, type] of [[32, 3, 'float'], [16, 2, 'short'], [32, 1, 'uint']] as const) {
    await assert.rejects(readImage(tiff(bits, format), { name: 't.tif' }), (error: Error) => error instanceof BadInputError && error.message.startsWith(`t.tif: unsupported sample type ${type} in this TIFF image`), type);
  }
});

const KODAK = path.join(SHARED_DATA, 'kodak', 'kodim01.png');
const SIPI = path.join(SHARED_DATA, 'usc-sipi-misc');

test('real photographs: Kodak RGB, USC-SIPI grey and the 1-bit ruler', { skip: !existsSync(KODAK) && 'no ../shared/data' }, async () => {
  const kodak = await readImage(readFileSync(KODAK));
  assert.deepEqual([kodak.width, kodak.height, kodak.channels, kodak.bitDepth], [768, 512, 3, 8]);
  const boat = await readImage(readFileSync(path.join(SIPI, 'boat.512.png')));
  assert.deepEqual([boat.width, boat.height, boat.channels, boat.bitDepth], [512, 512, 1, 8]);
  const ruler = await readImage(readFileSync(path.join(SIPI, 'ruler.512.png')));
  assert.equal(ruler.channels, 1);
  assert.deepEqual([...new Set(ruler.data)].sort((a, b) => a - b), [0, 255]);
});
