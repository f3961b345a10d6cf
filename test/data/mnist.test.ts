import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '../../src/core/errors.js';
import { imageAt } from '../../src/data/dataset.js';
import { readMnist } from '../../src/data/mnist.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { idxBytes } from './formats.js';

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'idfz-mnist-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** 3 images of 2x3 pixels: image k pixel i = 10k + i; labels 7, 0, 9. */
const PIXELS = Array.from({ length: 18 }, (_, j) => 10 * Math.floor(j / 6) + (j % 6));

test('a split reads from raw and gzipped idx files alike, with exact pixels and labels', async () => {
  await withTempDir(async (dir) => {
    await writeFile(path.join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxBytes([3, 2, 3], PIXELS)));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], [7, 0, 9]));
    // The dotted spelling some mirrors use is accepted too.
    await writeFile(path.join(dir, 't10k-images.idx3-ubyte'), idxBytes([1, 2, 3], [1, 2, 3, 4, 5, 6]));
    await writeFile(path.join(dir, 't10k-labels.idx1-ubyte.gz'), gzipSync(idxBytes([1], [4])));
    const train = await readMnist(dir, 'train', 'fashion-mnist');
    assert.equal(train.name, 'fashion-mnist/train');
    assert.deepEqual([train.count, train.height, train.width, train.channels], [3, 2, 3, 1]);
    assert.deepEqual([...imageAt(train, 2)], [20, 21, 22, 23, 24, 25]);
    assert.deepEqual([...train.labels!], [7, 0, 9]);
    const testSplit = await readMnist(dir, 'test');
    assert.deepEqual([...testSplit.images], [1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...testSplit.labels!], [4]);
  });
});

test('missing files, wrong shapes, mismatched counts and bad labels are DataErrors', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(readMnist(dir, 'train', 'mnist'), (error) => error instanceof DataError &&
      error.message === `${dir}: no train-images-idx3-ubyte (nor train-images-idx3-ubyte.gz); run \`npm run data -- mnist\` or point --data at a folder with the four mnist idx files`);
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), idxBytes([18], PIXELS));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], [7, 0, 9]));
    await assert.rejects(readMnist(dir, 'train'), /idx shape 18; expected images N x H x W/);
    await writeFile(path.join(dir, 'train-images-idx3-ubyte'), idxBytes([3, 2, 3], PIXELS));
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxBytes([2], [7, 0]));
    await assert.rejects(readMnist(dir, 'train'), /2 labels for the 3 images/);
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), idxBytes([3], [7, 10, 9]));
    await assert.rejects(readMnist(dir, 'train'), /label 1 is 10; expected 0\.\.9/);
  });
});

for (const variant of ['mnist', 'fashion-mnist'] as const) {
  const dir = path.join(REPO_ROOT, 'data', variant);
  test(`the fetched ${variant} has 60,000 + 10,000 images of 28x28`, {
    skip: existsSync(dir) ? false : `${dir} absent; run \`npm run data -- ${variant}\``,
  }, async () => {
    const train = await readMnist(dir, 'train', variant);
    const testSplit = await readMnist(dir, 'test', variant);
    assert.deepEqual([train.count, testSplit.count, train.height, train.width], [60_000, 10_000, 28, 28]);
    // First labels of each training set as published (MNIST: 5 0 4 1 9; Fashion-MNIST: ankle boot, T-shirt, ...).
    assert.deepEqual([...train.labels!.subarray(0, 5)], variant === 'mnist' ? [5, 0, 4, 1, 9] : [9, 0, 0, 3, 0]);
  });
}
