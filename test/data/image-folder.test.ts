import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { imageAt } from '../../src/data/dataset.js';
import { ImageFolder } from '../../src/data/image-folder.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { pngBytes } from './formats.js';
import { withTempDir } from './temp-dir.js';

/** Colour images whose pixels say where they are: R = x, G = y, B = image id (10 or 200). */
async function folder(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'big.png'), await pngBytes(40, 40, 3, (x, y, c) => [x, y, 10][c]!));
  await writeFile(path.join(dir, 'small.png'), await pngBytes(16, 16, 3, (x, y, c) => [x, y, 200][c]!));
  await writeFile(path.join(dir, 'tiny.png'), await pngBytes(4, 4, 3, () => 99));
  await writeFile(path.join(dir, 'grey.png'), await pngBytes(20, 20, 1, (x) => x));
  await writeFile(path.join(dir, 'notes.md'), 'ignored');
}

test('crops are exact windows of the images, mirrored with flip, and repeat from their seed', async () => {
  await withTempDir(async (dir) => {
    await folder(dir);
    const images = await ImageFolder.open(dir);
    assert.deepEqual(images.images.map((image) => path.basename(image.file)), ['big.png', 'small.png', 'tiny.png']);
    assert.deepEqual(images.skipped.map((s) => [path.basename(s.file), s.reason]), [['grey.png', 'grey image, colour wanted']]);
    const S = 8;
    const crops = images.crops({ size: S, count: 2000, seed: 5, flip: true });
    assert.deepEqual([crops.count, crops.height, crops.width, crops.channels], [2000, 8, 8, 3]);
    let fromSmall = 0;
    let mirrored = 0;
    for (let k = 0; k < crops.count; k++) {
      const crop = imageAt(crops, k);
      const id = crop[2]!;
      assert.ok(id === 10 || id === 200, 'the 4x4 image is never cropped');
      const side = id === 10 ? 40 : 16;
      const flipped = crop[0]! > crop[3]!;
      const x0 = flipped ? crop[(S - 1) * 3]! : crop[0]!;
      const y0 = crop[1]!;
      assert.ok(x0 + S <= side && y0 + S <= side, 'the crop lies inside its image');
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        const at = (y * S + x) * 3;
        assert.deepEqual([crop[at], crop[at + 1], crop[at + 2]], [flipped ? x0 + S - 1 - x : x0 + x, y0 + y, id]);
      }
      if (id === 200) fromSmall++;
      if (flipped) mirrored++;
    }
    // Images are chosen by number of crop positions: 81 of 33*33 + 81 = 1170 (6.9%) for the small one.
    assert.ok(fromSmall > 80 && fromSmall < 200, `${fromSmall} crops from the small image`);
    assert.ok(mirrored > 850 && mirrored < 1150, `${mirrored} mirrored crops`);
    assert.deepEqual(images.crops({ size: S, count: 50, seed: 5, flip: true }).images, crops.images.subarray(0, 50 * S * S * 3));
    assert.notDeepEqual(images.crops({ size: S, count: 50, seed: 6 }).images, crops.images.subarray(0, 50 * S * S * 3));
    const plain = images.crops({ size: S, count: 200, seed: 1 });
    for (let k = 0; k < plain.count; k++) assert.ok(imageAt(plain, k)[0]! < imageAt(plain, k)[3]!, 'no mirroring without flip');
  });
});

test('grey folders crop grey; impossible crops and empty folders are DataErrors', async () => {
  await withTempDir(async (dir) => {
    await folder(dir);
    const grey = await ImageFolder.open(dir, { channels: 1 });
    const crops = grey.crops({ size: 20, count: 3, seed: 0 });
    assert.deepEqual([...imageAt(crops, 2).subarray(0, 20)], Array.from({ length: 20 }, (_, x) => x));
    assert.throws(() => grey.crops({ size: 21, count: 1, seed: 0 }), (error) => error instanceof DataError && /no image is at least 21x21/.test(error.message));
    assert.equal(grey.crops({ size: 4, count: 0, seed: 0 }).count, 0);
    assert.throws(() => grey.crops({ size: 0, count: 1, seed: 0 }), RangeError);
  });
  await withTempDir(async (dir) => {
    await writeFile(path.join(dir, 'grey.png'), await pngBytes(8, 8, 1, () => 1));
    await assert.rejects(ImageFolder.open(dir), /no colour images \(1 image files, 1 of the other kind\)/);
    await writeFile(path.join(dir, 'broken.png'), 'not a png');
    await assert.rejects(ImageFolder.open(dir), (error) => error instanceof DataError && /broken\.png/.test(error.message));
  });
});

const PHOTOS = path.join(SHARED_DATA, 'usc-sipi-misc');

test('the real usc-sipi-misc folder gives its 25 grey images and exact crops', { skip: existsSync(PHOTOS) ? false : `${PHOTOS} absent` }, async () => {
  const grey = await ImageFolder.open(PHOTOS, { channels: 1 });
  assert.equal(grey.images.length, 25);
  assert.equal(grey.skipped.length, 14);
  const crops = grey.crops({ size: 32, count: 100, seed: 3 });
  assert.equal(crops.count, 100);
  // Every crop is found verbatim in some image (checked for the first few by search).
  for (let k = 0; k < 5; k++) {
    const crop = imageAt(crops, k);
    const found = grey.images.some((image) => {
      for (let y0 = 0; y0 + 32 <= image.height; y0++) for (let x0 = 0; x0 + 32 <= image.width; x0++) {
        let same = true;
        for (let y = 0; y < 32 && same; y++) {
          const row = image.data.subarray((y0 + y) * image.width + x0, (y0 + y) * image.width + x0 + 32);
          same = row.every((value, x) => value === crop[y * 32 + x]);
        }
        if (same) return true;
      }
      return false;
    });
    assert.ok(found, `crop ${k} is a window of some image`);
  }
});
