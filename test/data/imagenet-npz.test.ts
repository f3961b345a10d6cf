import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../src/core/errors.js';
import { imageAt } from '../../src/data/dataset.js';
import { readImagenetNpz, readImagenetNpzFiles } from '../../src/data/imagenet-npz.js';
import { NpzFile } from '../../src/data/npz.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { npyBytes, zipBytes } from './formats.js';
import { withTempDir } from './temp-dir.js';

/** Channel-planar rows of `count` S x S images: image k, channel c, position i holds (k*50 + c*80 + i) % 256. */
function planar(count: number, side: number, first = 0): Uint8Array {
  const plane = side * side;
  const out = new Uint8Array(count * 3 * plane);
  for (let k = 0; k < count; k++) for (let c = 0; c < 3; c++) for (let i = 0; i < plane; i++) {
    out[(k * 3 + c) * plane + i] = ((first + k) * 50 + c * 80 + i) % 256;
  }
  return out;
}

function int64(values: readonly number[]): Uint8Array {
  return new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer);
}

test('stored and deflated .npz files in the Chrabaszcz layout give interleaved pixels and labels', async () => {
  await withTempDir(async (dir) => {
    for (const deflate of [false, true]) {
      const file = path.join(dir, `batch-${deflate}.npz`);
      await writeFile(file, zipBytes([
        { name: 'data.npy', data: npyBytes('|u1', [3, 3 * 8 * 8], planar(3, 8)), deflate },
        { name: 'labels.npy', data: npyBytes('<i8', [3], int64([1, 1000, 17])), deflate },
        { name: 'mean.npy', data: npyBytes('<f8', [3], new Uint8Array(24)), deflate },
      ]));
      const dataset = await readImagenetNpz(file, { size: 8 });
      assert.deepEqual([dataset.count, dataset.height, dataset.width, dataset.channels], [3, 8, 8, 3]);
      assert.deepEqual([...dataset.labels!], [1, 1000, 17]);
      // Image 2, pixel (y=3, x=5) = position 29: R, G, B from the three planes.
      const i = 3 * 8 + 5;
      assert.deepEqual([...imageAt(dataset, 2).subarray(3 * i, 3 * i + 3)], [(100 + i) % 256, (180 + i) % 256, (260 + i) % 256]);
      const npz = await NpzFile.open(file);
      assert.deepEqual(npz.keys, ['data', 'labels', 'mean']);
      await assert.rejects(npz.array('wnid'), /no array 'wnid' \(it holds 'data', 'labels', 'mean'\)/);
      await npz.close();
    }
  });
});

test('several files concatenate in order, with a maximum image count', async () => {
  await withTempDir(async (dir) => {
    const files = [0, 1].map((b) => path.join(dir, `train_data_batch_${b + 1}.npz`));
    await writeFile(files[0]!, zipBytes([{ name: 'data.npy', data: npyBytes('|u1', [2, 3 * 4 * 4], planar(2, 4)) }]));
    await writeFile(files[1]!, zipBytes([{ name: 'data.npy', data: npyBytes('|u1', [2, 3, 4, 4], planar(2, 4, 2)), deflate: true }]));
    const all = await readImagenetNpzFiles(files, { name: 'imagenet/train' });
    assert.equal(all.count, 4);
    assert.equal(all.labels, undefined);
    assert.equal(imageAt(all, 3)[0], 150);
    const three = await readImagenetNpzFiles(files, { maxImages: 3 });
    assert.equal(three.count, 3);
    assert.deepEqual([...imageAt(three, 2)], [...imageAt(all, 2)]);
  });
});

test('wrong shapes, sizes and labels are DataErrors', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'bad.npz');
    const cases: [Parameters<typeof zipBytes>[0], number | undefined, RegExp][] = [
      [[{ name: 'data.npy', data: npyBytes('|u1', [2, 100], new Uint8Array(200)) }], undefined, /rows of 100 bytes are not 3 x S x S/],
      [[{ name: 'data.npy', data: npyBytes('|u1', [1, 3 * 64 * 64], new Uint8Array(3 * 64 * 64)) }], 32, /holds 64x64 images, expected 32x32/],
      [[{ name: 'data.npy', data: npyBytes('<i8', [1, 3], new Uint8Array(24)) }], undefined, /expected a uint8 array/],
      [[{ name: 'labels.npy', data: npyBytes('<i8', [1], int64([1])) }], undefined, /no array 'data'/],
      [[{ name: 'data.npy', data: npyBytes('|u1', [2, 3], new Uint8Array(6)) }, { name: 'labels.npy', data: npyBytes('<i8', [1], int64([1])) }],
        undefined, /labels have shape \(1\) for 2 images/],
      [[{ name: 'data.npy', data: npyBytes('|u1', [1, 3], new Uint8Array(3)) }, { name: 'labels.npy', data: npyBytes('<i8', [1], int64([-1])) }],
        undefined, /label 0 is -1; expected 0\.\.65535/],
    ];
    for (const [entries, size, message] of cases) {
      await writeFile(file, zipBytes(entries));
      await assert.rejects(readImagenetNpz(file, { size }), (error) => error instanceof DataError && message.test(error.message), String(message));
    }
  });
});

const ZEBRA = path.join(SHARED_DATA, 'imagenet32-sample', 'zebra1300.npz');

test('the real ImageNet32 sample zebra1300.npz reads with the pixels numpy reports', {
  skip: existsSync(ZEBRA) ? false : `${ZEBRA} absent`,
}, async () => {
  const zebra = await readImagenetNpz(ZEBRA, { size: 32 });
  assert.equal(zebra.count, 1300);
  assert.deepEqual([...zebra.labels!.subarray(0, 3)], [0, 0, 0]);
  // numpy: d = np.load(...)['data']; d[0,0], d[0,1024], d[0,2048] = 162 173 173; d[17, 1024+5*32+9] = 68;
  // d[1299, 3071] = 119.
  assert.deepEqual([...imageAt(zebra, 0).subarray(0, 3)], [162, 173, 173]);
  assert.equal(imageAt(zebra, 17)[(5 * 32 + 9) * 3 + 1], 68);
  assert.equal(imageAt(zebra, 1299)[3071], 119);
});
