import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError, UsageError } from '../../src/core/errors.js';
import { imageAt } from '../../src/data/dataset.js';
import { DATASET_NAMES, isDatasetName, openDataset } from '../../src/data/open-dataset.js';
import { idxBytes, npyBytes, pngBytes, zipBytes } from './formats.js';
import { withTempDir } from './temp-dir.js';

/** An ImageNet32 .npz of `count` images whose every byte is `fill`. */
function imagenetNpz(count: number, fill: number, side = 32): Uint8Array {
  return zipBytes([{ name: 'data.npy', data: npyBytes('|u1', [count, 3 * side * side], new Uint8Array(count * 3 * side * side).fill(fill)), deflate: true }]);
}

test('a missing path or a folder of the wrong layout says what to do', async () => {
  await withTempDir(async (dir) => {
    const missing = path.join(dir, 'nowhere');
    await assert.rejects(openDataset('cifar10', missing, 'train'), (error) => error instanceof DataError &&
      error.message === `${missing}: does not exist; run \`npm run data -- cifar10\` or point --data at a cifar-10-batches-bin folder`);
    await assert.rejects(openDataset('cifar10', dir, 'train'), /no data_batch_1\.bin; run `npm run data -- cifar10` or point --data at a cifar-10-batches-bin folder/);
    await assert.rejects(openDataset('fashion-mnist', dir, 'test'), /no t10k-images-idx3-ubyte .*npm run data -- fashion-mnist/);
    await assert.rejects(openDataset('imagenet32', dir, 'test'), /no val_data\.npz, no valid_32x32\/ folder and no PNG files; point --data at downsampled ImageNet/);
    await writeFile(path.join(dir, 'x.bin'), 'x');
    await assert.rejects(openDataset('mnist', path.join(dir, 'x.bin'), 'test'), /x\.bin: is a file/);
    await assert.rejects(openDataset('mnist', dir, 'test', { maxImages: 0 }), UsageError);
  });
});

test('mnist opens by name with a maximum image count', async () => {
  await withTempDir(async (dir) => {
    await writeFile(path.join(dir, 't10k-images-idx3-ubyte'), idxBytes([3, 1, 2], [1, 2, 3, 4, 5, 6]));
    await writeFile(path.join(dir, 't10k-labels-idx1-ubyte'), idxBytes([3], [0, 1, 2]));
    const two = await openDataset('mnist', dir, 'test', { maxImages: 2 });
    assert.deepEqual([two.name, two.count, [...two.images], [...two.labels!]], ['mnist/test', 2, [1, 2, 3, 4], [0, 1]]);
  });
});

test('ImageNet resolves Chrabaszcz batches in numeric order, val_data, single files and van den Oord folders', async () => {
  await withTempDir(async (dir) => {
    for (const [b, fill] of [[10, 3], [2, 2], [1, 1]] as const) await writeFile(path.join(dir, `train_data_batch_${b}.npz`), imagenetNpz(1, fill));
    await writeFile(path.join(dir, 'val_data.npz'), imagenetNpz(2, 9));
    const train = await openDataset('imagenet32', dir, 'train');
    assert.deepEqual([train.name, train.count, train.height], ['imagenet32/train', 3, 32]);
    assert.deepEqual([0, 1, 2].map((k) => imageAt(train, k)[0]), [1, 2, 3]);
    const test = await openDataset('imagenet32', dir, 'test');
    assert.deepEqual([test.count, test.images[0]], [2, 9]);
    assert.equal((await openDataset('imagenet32', path.join(dir, 'val_data.npz'), 'test', { maxImages: 1 })).count, 1);
    await assert.rejects(openDataset('imagenet64', dir, 'test'), /holds 32x32 images, expected 64x64/);

    const png = path.join(dir, 'png');
    await mkdir(path.join(png, 'valid_64x64'), { recursive: true });
    await writeFile(path.join(png, 'valid_64x64', '1.png'), await pngBytes(64, 64, 3, (x, y, c) => (x + y + c) % 256));
    const valid = await openDataset('imagenet64', png, 'test');
    assert.deepEqual([valid.count, valid.height, imageAt(valid, 0)[(64 * 5 + 7) * 3 + 2]], [1, 64, 14]);
    // The PNG folder itself works too.
    assert.equal((await openDataset('imagenet64', path.join(png, 'valid_64x64'), 'train')).count, 1);
  });
});

test('folder uses <path>/<split> when present, is named by the folder it read, and returns seeded crops', async () => {
  await withTempDir(async (dir) => {
    await mkdir(path.join(dir, 'test'));
    await writeFile(path.join(dir, 'a.png'), await pngBytes(40, 40, 3, () => 1));
    await writeFile(path.join(dir, 'test', 'b.png'), await pngBytes(40, 40, 3, () => 2));
    const train = await openDataset('folder', dir, 'train', { crop: { size: 16, count: 5, seed: 1 } });
    const test = await openDataset('folder', dir, 'test', { crop: { size: 16, count: 5, seed: 1 } });
    assert.deepEqual([train.name, test.name], [dir, path.join(dir, 'test')]);
    assert.deepEqual([train.count, train.height, train.images[0], test.images[0]], [5, 16, 1, 2]);
    assert.equal((await openDataset('folder', dir, 'train')).count, 10_000);
  });
});

test('dataset names', () => {
  assert.deepEqual(DATASET_NAMES, ['cifar10', 'mnist', 'fashion-mnist', 'imagenet32', 'imagenet64', 'folder']);
  assert.equal(isDatasetName('imagenet64'), true);
  assert.equal(isDatasetName('cifar100'), false);
});
