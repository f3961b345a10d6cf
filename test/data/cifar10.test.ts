import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataError } from '../../src/core/errors.js';
import {
  CIFAR10_RECORD_BYTES,
  decodeCifar10Batch,
  encodeCifar10Batch,
  readCifar10,
} from '../../src/data/cifar10.js';
import { imageAt } from '../../src/data/dataset.js';
import { REPO_ROOT } from '../helpers/paths.js';

/** Pixel value of record `k`, channel plane `c`, position `i` in the synthetic batches below. */
function value(k: number, c: number, i: number): number {
  return (k * 71 + c * 29 + i * 7) % 256;
}

/** `count` records in the official layout, labels (first + k) % 10, built byte by byte from the spec. */
function cifarBytes(count: number, first = 0): Uint8Array {
  const bytes = new Uint8Array(count * CIFAR10_RECORD_BYTES);
  for (let k = 0; k < count; k++) {
    const base = k * CIFAR10_RECORD_BYTES;
    bytes[base] = (first + k) % 10;
    for (let c = 0; c < 3; c++) for (let i = 0; i < 1024; i++) bytes[base + 1 + c * 1024 + i] = value(first + k, c, i);
  }
  return bytes;
}

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'idfz-cifar-'));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a 3-record batch decodes to interleaved RGB with exact pixels and labels', () => {
  const dataset = decodeCifar10Batch(cifarBytes(3), 'three.bin');
  assert.deepEqual([dataset.count, dataset.height, dataset.width, dataset.channels], [3, 32, 32, 3]);
  assert.deepEqual([...dataset.labels!], [0, 1, 2]);
  for (const [k, y, x] of [[0, 0, 0], [1, 5, 17], [2, 31, 31]] as const) {
    const i = y * 32 + x;
    const pixel = imageAt(dataset, k).subarray(i * 3, i * 3 + 3);
    assert.deepEqual([...pixel], [value(k, 0, i), value(k, 1, i), value(k, 2, i)]);
  }
});

test('encoding the decoded records gives back the same bytes', () => {
  const bytes = cifarBytes(3);
  assert.deepEqual(encodeCifar10Batch(decodeCifar10Batch(bytes, 'three.bin')), bytes);
});

test('a truncated batch or a label above 9 is a DataError naming the file', () => {
  assert.throws(() => decodeCifar10Batch(cifarBytes(2).subarray(0, 2 * CIFAR10_RECORD_BYTES - 1), 'cut.bin'), (error) => {
    return error instanceof DataError && /cut\.bin: 6145 bytes is not a whole number/.test(error.message);
  });
  assert.throws(() => decodeCifar10Batch(new Uint8Array(0), 'empty.bin'), DataError);
  const bad = cifarBytes(2);
  bad[CIFAR10_RECORD_BYTES] = 10;
  assert.throws(() => decodeCifar10Batch(bad, 'bad.bin'), /bad\.bin: record 1 .* label 10/);
});

test('readCifar10 concatenates data_batch_1..5 in order and reads test_batch alone', async () => {
  await withTempDir(async (dir) => {
    const folder = path.join(dir, 'cifar-10-batches-bin');
    await mkdir(folder);
    for (let b = 1; b <= 5; b++) await writeFile(path.join(folder, `data_batch_${b}.bin`), cifarBytes(2, (b - 1) * 2));
    await writeFile(path.join(folder, 'test_batch.bin'), cifarBytes(3, 100));
    const train = await readCifar10(folder, 'train');
    assert.equal(train.name, 'cifar10/train');
    assert.equal(train.count, 10);
    assert.deepEqual([...train.labels!], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(imageAt(train, 7)[3 * 100 + 1], value(7, 1, 100));
    // The folder the archive was extracted into works too.
    const test = await readCifar10(dir, 'test');
    assert.equal(test.count, 3);
    assert.equal(imageAt(test, 2)[0], value(102, 0, 0));
  });
});

test('a missing or truncated batch file is a DataError that says what to do', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(readCifar10(dir, 'train'), (error) => {
      return error instanceof DataError &&
        error.message === `${dir}: no data_batch_1.bin; run \`npm run data -- cifar10\` or point --data at a cifar-10-batches-bin folder`;
    });
    await writeFile(path.join(dir, 'data_batch_1.bin'), cifarBytes(1));
    await assert.rejects(readCifar10(dir, 'train'), /data_batch_2\.bin: missing/);
    for (let b = 2; b <= 5; b++) await writeFile(path.join(dir, `data_batch_${b}.bin`), cifarBytes(1));
    await writeFile(path.join(dir, 'data_batch_4.bin'), cifarBytes(1).subarray(0, 3000));
    await assert.rejects(readCifar10(dir, 'train'), /data_batch_4\.bin: 3000 bytes is not a whole number/);
  });
});

const FETCHED = path.join(REPO_ROOT, 'data', 'cifar-10-batches-bin');

test('the fetched CIFAR-10 has the published sizes, labels and pixels', {
  skip: existsSync(path.join(FETCHED, 'test_batch.bin')) ? false : `${FETCHED} absent; run \`npm run data -- cifar10\``,
}, async () => {
  const test = await readCifar10(FETCHED, 'test');
  assert.equal(test.count, 10_000);
  // First labels of test_lables.json; first pixels of test image 0 (a cat), checked with numpy on the .bin.
  assert.deepEqual([...test.labels!.subarray(0, 10)], [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  assert.deepEqual([...imageAt(test, 0).subarray(0, 3)], [158, 112, 49]);
  assert.deepEqual([...imageAt(test, 0).subarray(3 * 1023)], [21, 67, 110]);
  const train = await readCifar10(FETCHED, 'train');
  assert.equal(train.count, 50_000);
  assert.deepEqual([...imageAt(train, 0).subarray(0, 6)], [59, 62, 63, 43, 46, 45]);
  assert.equal(train.labels![49_999], 1);
  assert.deepEqual([...imageAt(train, 49_999).subarray(0, 3)], [229, 229, 239]);
});
