/**
 * The bench's images: a folder is read whole (full size, grey and colour, name order, split subfolder, limit); a
 * fixed-size dataset comes through openDataset as views; missing or empty data is a DataError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openBenchImages } from '../../src/bench/bench-images.js';
import { DataError, UsageError } from '../../src/core/errors.js';
import { readImageFile } from '../../src/data/image-files.js';
import { pngBytes } from '../data/formats.js';
import { withTempDir } from '../data/temp-dir.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { writeTinyCifar10 } from '../helpers/tiny-cifar.js';

test('a folder gives whole images at full size, grey and colour, in name order', async () => {
  await withTempDir(async (dir) => {
    await writeFile(path.join(dir, 'b-wide.png'), await pngBytes(40, 9, 3, (x, y, c) => (x * 5 + y * 3 + c) & 255));
    await writeFile(path.join(dir, 'a-grey.png'), await pngBytes(7, 30, 1, (x, y) => x * 30 + y));
    await writeFile(path.join(dir, 'c-tiny.png'), await pngBytes(1, 1, 3, (_x, _y, c) => 100 + c));
    await writeFile(path.join(dir, 'readme.txt'), 'not an image');
    const { name, images } = await openBenchImages('folder', dir, 'test');
    assert.equal(name, dir);
    assert.deepEqual(images.map((image) => [image.name, image.width, image.height, image.channels]), [
      ['a-grey.png', 7, 30, 1],
      ['b-wide.png', 40, 9, 3],
      ['c-tiny.png', 1, 1, 3],
    ]);
    assert.equal(images[0]!.data[3 * 7 + 2], 2 * 30 + 3, 'grey pixel (2, 3) as stored');
    assert.deepEqual([...images[2]!.data], [100, 101, 102]);
    assert.deepEqual((await openBenchImages('folder', dir, 'test', 2)).images.map((image) => image.name), ['a-grey.png', 'b-wide.png']);
  });
});

test('a folder with a <split>/ subfolder reads that subfolder', async () => {
  await withTempDir(async (dir) => {
    await mkdir(path.join(dir, 'test'));
    await writeFile(path.join(dir, 'top.png'), await pngBytes(4, 4, 3, () => 1));
    await writeFile(path.join(dir, 'test', 'inner.png'), await pngBytes(5, 3, 3, () => 2));
    const { name, images } = await openBenchImages('folder', dir, 'test');
    assert.equal(name, path.join(dir, 'test'));
    assert.deepEqual(images.map((image) => image.name), ['inner.png']);
    assert.deepEqual((await openBenchImages('folder', dir, 'train')).images.map((image) => image.name), ['top.png']);
  });
});

test('Kodak is read at full size, exactly as stored', async () => {
  const { images } = await openBenchImages('folder', path.join(SHARED_DATA, 'kodak'), 'test', 4);
  assert.deepEqual(images.map((image) => [image.name, image.width, image.height, image.channels]), [
    ['kodim01.png', 768, 512, 3],
    ['kodim02.png', 768, 512, 3],
    ['kodim03.png', 768, 512, 3],
    ['kodim04.png', 512, 768, 3],
  ]);
  assert.deepEqual(images[3]!.data, (await readImageFile(path.join(SHARED_DATA, 'kodak', 'kodim04.png'))).data);
});

test('a fixed-size dataset comes through openDataset, limited, as views named by index', async () => {
  await withTempDir(async (dir) => {
    const folder = writeTinyCifar10(dir, 5);
    const { name, images } = await openBenchImages('cifar10', folder, 'test', 3);
    assert.equal(name, 'cifar10/test');
    assert.deepEqual(images.map((image) => [image.name, image.width, image.height, image.channels, image.data.length]), [
      ['cifar10/test[0]', 32, 32, 3, 3072],
      ['cifar10/test[1]', 32, 32, 3, 3072],
      ['cifar10/test[2]', 32, 32, 3, 3072],
    ]);
    assert.equal((await openBenchImages('cifar10', folder, 'train')).images.length, 25);
  });
});

test('missing, empty or wrong data is a DataError; a bad limit is a UsageError', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(openBenchImages('folder', path.join(dir, 'nothing'), 'test'), (error: Error) => error instanceof DataError && /nothing: does not exist; point --data at a folder of images$/.test(error.message));
    await writeFile(path.join(dir, 'notes.txt'), 'x');
    await assert.rejects(openBenchImages('folder', dir, 'test'), (error: Error) => error instanceof DataError && /holds no image files/.test(error.message));
    await assert.rejects(openBenchImages('folder', path.join(dir, 'notes.txt'), 'test'), (error: Error) => error instanceof DataError && /notes\.txt: is not a folder/.test(error.message));
    await assert.rejects(openBenchImages('cifar10', dir, 'test'), DataError);
    await assert.rejects(openBenchImages('folder', dir, 'test', 0), UsageError);
  });
});
