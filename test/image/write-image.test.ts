import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeImage, WEBP_MAX_DIMENSION } from '../../src/image/write-image.js';
import { readImage } from '../../src/image/read-image.js';
import { writePnm } from '../../src/image/pnm.js';
import { createPixelBuffer, type PixelBuffer } from '../../src/image/pixel-buffer.js';
import { LimitError, UsageError } from '../../src/core/errors.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SHARED_DATA } from '../helpers/paths.js';

function image(width: number, height: number, channels: number, bitDepth: 8 | 16): PixelBuffer {
  const count = width * height * channels;
  // Noise-like samples over the whole range (high and low bytes differ), alpha included.
  const value = (i: number): number => (Math.imul(i + 1, 0x9e3779b1) >>> 7) & (bitDepth === 16 ? 0xffff : 0xff);
  return bitDepth === 16
    ? createPixelBuffer({ width, height, channels, bitDepth: 16, data: Uint16Array.from({ length: count }, (_, i) => value(i)) })
    : createPixelBuffer({ width, height, channels, bitDepth: 8, data: Uint8Array.from({ length: count }, (_, i) => value(i)) });
}

/** IHDR's bit depth, colour type and interlace method. */
function pngHeader(bytes: Uint8Array): { bitDepth: number; colourType: number; interlace: number; palette: boolean } {
  assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  assert.equal(new TextDecoder().decode(bytes.subarray(12, 16)), 'IHDR');
  return { bitDepth: bytes[24]!, colourType: bytes[25]!, interlace: bytes[28]!, palette: Buffer.from(bytes).includes('PLTE') };
}

test('PNG keeps grey as grey and 16-bit as 16-bit (IHDR colour type and depth)', async () => {
  const colourTypes = [0, 4, 2, 6];
  for (const bitDepth of [8, 16] as const) {
    for (const channels of [1, 2, 3, 4]) {
      const header = pngHeader(await writeImage(image(7, 3, channels, bitDepth), 'png'));
      assert.deepEqual(header, { bitDepth, colourType: colourTypes[channels - 1]!, interlace: 0, palette: false }, `${channels} channels ${bitDepth}-bit`);
    }
  }
});

test('PNG and TIFF round-trip every layout and depth exactly', async () => {
  for (const format of ['png', 'tiff'] as const) {
    for (const bitDepth of [8, 16] as const) {
      for (const channels of [1, 2, 3, 4]) {
        const original = image(19, 11, channels, bitDepth);
        const back = await readImage(await writeImage(original, format));
        assert.deepEqual([back.channels, back.bitDepth, back.metadata?.format], [channels, bitDepth, format]);
        assert.deepEqual(back.data, original.data, `${format} ${channels} channels ${bitDepth}-bit`);
      }
    }
  }
});

test('TIFF is written with deflate (compression tag 8), not sharp\'s default JPEG', async () => {
  const bytes = await writeImage(image(4, 4, 3, 8), 'tiff');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  const ifd = view.getUint32(4, little);
  const tags = new Map<number, number>();
  for (let i = 0; i < view.getUint16(ifd, little); i++) {
    const at = ifd + 2 + 12 * i;
    tags.set(view.getUint16(at, little), view.getUint16(at + 8, little));
  }
  assert.equal(tags.get(259), 8);
});

test('lossless WebP (VP8L) keeps RGB(A) exactly, transparent pixels included', async () => {
  for (const channels of [3, 4]) {
    const original = image(19, 11, channels, 8);
    const bytes = await writeImage(original, 'webp');
    assert.ok(Buffer.from(bytes).includes('VP8L'), 'a lossless WebP bitstream');
    const back = await readImage(bytes);
    assert.equal(back.channels, channels);
    assert.deepEqual(back.data, original.data);
  }
});

test('WebP writes grey as R = G = B', async () => {
  const grey = createPixelBuffer({ width: 2, height: 1, channels: 2, bitDepth: 8, data: Uint8Array.from([10, 0, 200, 77]) });
  const back = await readImage(await writeImage(grey, 'webp'));
  assert.deepEqual([back.channels, ...back.data], [4, 10, 10, 10, 0, 200, 200, 200, 77]);
});

test('WebP refuses 16-bit samples and images over 16383 pixels wide', async () => {
  await assert.rejects(writeImage(image(2, 2, 3, 16), 'webp'), UsageError);
  await assert.rejects(writeImage(image(WEBP_MAX_DIMENSION + 1, 1, 3, 8), 'webp'), LimitError);
  const widest = await readImage(await writeImage(image(WEBP_MAX_DIMENSION, 1, 3, 8), 'webp'));
  assert.equal(widest.width, WEBP_MAX_DIMENSION);
});

test('pnm output is the PNM writer\'s', async () => {
  const pixels = image(3, 2, 4, 16);
  assert.deepEqual(await writeImage(pixels, 'pnm'), writePnm(pixels));
});

test('PNG at max effort stays lossless and writes a real photo smaller than the default effort', async () => {
  const full = await readImage(readFileSync(path.join(SHARED_DATA, 'kodak', 'kodim23.png')));
  const side = 128;
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) data.set(full.data.subarray((200 + y) * full.width * 3 + 300 * 3, (200 + y) * full.width * 3 + (300 + side) * 3) as Uint8Array, y * side * 3);
  const photo = createPixelBuffer({ width: side, height: side, channels: 3, bitDepth: 8, data });
  const fast = await writeImage(photo, 'png');
  const strong = await writeImage(photo, 'png', 'max');
  assert.deepEqual((await readImage(strong)).data, data);
  assert.ok(strong.length < fast.length, `max ${strong.length} bytes, default ${fast.length}`);
});
