import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { imageAt } from '../../src/data/dataset.js';
import { readImagenetPngFolder, resolveImagenetPngFolder } from '../../src/data/imagenet-png-folder.js';
import { pngBytes } from './formats.js';
import { withTempDir } from './temp-dir.js';

/** Pixel of image `k` in the folders below. */
const pixel = (k: number) => (x: number, y: number, c: number) => (k * 40 + y * 8 + x * 2 + c * 90) % 256;

test('a valid_4x4 folder reads in file-name order with exact pixels; other files are ignored', async () => {
  await withTempDir(async (dir) => {
    const folder = path.join(dir, 'valid_4x4');
    await mkdir(folder);
    // Written out of order; names sort as 001, 002, 010.
    for (const [name, k] of [['010.png', 2], ['001.png', 0], ['002.png', 1]] as const) {
      await writeFile(path.join(folder, name), await pngBytes(4, 4, 3, pixel(k)));
    }
    await writeFile(path.join(folder, 'README.txt'), 'not an image');
    assert.equal(await resolveImagenetPngFolder(dir, 'test', 4), folder);
    const dataset = await readImagenetPngFolder(folder, { size: 4 });
    assert.deepEqual([dataset.count, dataset.height, dataset.width, dataset.channels], [3, 4, 4, 3]);
    assert.equal(dataset.labels, undefined);
    for (let k = 0; k < 3; k++) {
      const at = (3 * 4 + 1) * 3 + 2; // y = 3, x = 1, blue
      assert.equal(imageAt(dataset, k)[at], pixel(k)(1, 3, 2));
    }
    assert.equal((await readImagenetPngFolder(folder, { size: 4, maxImages: 2, concurrency: 1 })).count, 2);
  });
});

test('an image of the wrong size or channels, or an empty folder, is a DataError naming the file', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(readImagenetPngFolder(dir, { size: 4 }), /no image files; expected 4x4 PNGs as in valid_4x4/);
    await writeFile(path.join(dir, 'a.png'), await pngBytes(4, 4, 3, pixel(0)));
    await writeFile(path.join(dir, 'b.png'), await pngBytes(4, 5, 3, pixel(1)));
    await assert.rejects(readImagenetPngFolder(dir, { size: 4 }), (error) =>
      error instanceof DataError && error.message === `${path.join(dir, 'b.png')}: 4x5 with 3 channel(s); every image here must be 4x4 RGB`);
    await writeFile(path.join(dir, 'b.png'), await pngBytes(4, 4, 1, pixel(1)));
    await assert.rejects(readImagenetPngFolder(dir, { size: 4 }), /b\.png: 4x4 with 1 channel\(s\)/);
    await writeFile(path.join(dir, 'b.png'), 'garbage that is not a png');
    await assert.rejects(readImagenetPngFolder(dir, { size: 4 }), (error) => error instanceof DataError && /b\.png/.test(error.message));
  });
});
