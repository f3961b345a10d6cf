/**
 * warnIfLarger (src/cli/commands/larger-output.ts) on real files: a JPEG crop of a Kodak photo grows when compressed
 * and is told to keep the JPEG; a PNG that grows is warned without the JPEG reason; a photo PNG that shrinks is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { warnIfLarger } from '../../../src/cli/commands/larger-output.js';
import { compress } from '../../../src/codec/index.js';
import { log } from '../../../src/core/log.js';
import { readImage } from '../../../src/image/read-image.js';
import { SHARED_DATA } from '../../helpers/paths.js';

test('warnIfLarger: a grown JPEG is told to keep the JPEG, a grown PNG is warned, a shrunk photo PNG is not', async (t) => {
  const crop = sharp(path.join(SHARED_DATA, 'kodak', 'kodim23.png')).extract({ left: 300, top: 200, width: 96, height: 64 });
  const jpeg = await crop.clone().jpeg({ quality: 90 }).toBuffer();
  const png = await crop.clone().png({ compressionLevel: 9 }).toBuffer();
  const [jpegPixels, pngPixels] = [await readImage(jpeg), await readImage(png)];
  const [fromJpeg, fromPng] = [(await compress(jpegPixels, { model: null })).bytes.length, (await compress(pngPixels, { model: null })).bytes.length];
  assert.ok(fromJpeg > jpeg.length && fromPng < png.length, `${fromJpeg} vs ${jpeg.length}, ${fromPng} vs ${png.length}`);
  const warn = t.mock.method(log, 'warn', () => undefined);
  warnIfLarger('a.jpg', 'a.idf', jpeg.length, fromJpeg, jpegPixels);
  warnIfLarger('b.png', 'b.idf', png.length, fromPng, pngPixels);
  warnIfLarger('c.png', 'c.idf', 1000, 1500, pngPixels);
  assert.deepEqual(warn.mock.calls.map((call) => call.arguments), [
    [{ input: 'a.jpg', output: 'a.idf', inputBytes: jpeg.length, outputBytes: fromJpeg },
      `a.jpg: a.idf (${fromJpeg} bytes) is ${(fromJpeg / jpeg.length).toFixed(2)}x the size of the input (${jpeg.length} bytes): ` +
      'a JPEG is stored as its decoded pixels, exactly, which takes more room than its lossy coding; keep the JPEG'],
    [{ input: 'c.png', output: 'c.idf', inputBytes: 1000, outputBytes: 1500 }, 'c.png: c.idf (1500 bytes) is 1.50x the size of the input (1000 bytes)'],
  ]);
});
