import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../src/core/errors.js';
import { imageAt, makeDataset, sliceDataset, splitValidation, type ImageDataset } from '../../src/data/dataset.js';

/** 10 images of 2x1 grey pixels; image k holds [2k, 2k+1] and label k. */
function tiny(): ImageDataset {
  const images = Uint8Array.from({ length: 20 }, (_, i) => i);
  const labels = Uint16Array.from({ length: 10 }, (_, k) => k);
  return makeDataset({ name: 'tiny', count: 10, height: 2, width: 1, channels: 1, images, labels });
}

test('makeDataset rejects geometry that disagrees with the buffers', () => {
  const images = new Uint8Array(12);
  assert.throws(() => makeDataset({ name: 'x', count: 1, height: 2, width: 2, channels: 3, images: new Uint8Array(11) }),
    /x: pixel buffer holds 11 bytes but 1 images of 2x2x3 need 12/);
  assert.throws(() => makeDataset({ name: 'x', count: 1, height: 2, width: 2, channels: 4, images: new Uint8Array(16) }), DataError);
  assert.throws(() => makeDataset({ name: 'x', count: 1, height: 0, width: 2, channels: 3, images }), DataError);
  assert.throws(() => makeDataset({ name: 'x', count: 1, height: 2, width: 2, channels: 3, images, labels: new Uint16Array(2) }),
    /x: 2 labels for 1 images/);
});

test('imageAt and sliceDataset are views with exact bounds', () => {
  const dataset = tiny();
  assert.deepEqual([...imageAt(dataset, 9)], [18, 19]);
  assert.throws(() => imageAt(dataset, 10), RangeError);
  const slice = sliceDataset(dataset, 3, 5);
  assert.deepEqual([slice.count, [...slice.images], [...slice.labels!]], [2, [6, 7, 8, 9], [3, 4]]);
  assert.equal(slice.images.buffer, dataset.images.buffer);
  assert.throws(() => sliceDataset(dataset, 5, 11), RangeError);
});

test('unseeded validation split is the last images, seeded split is a reproducible disjoint cover', () => {
  const dataset = tiny();
  const last = splitValidation(dataset, { count: 3 });
  assert.deepEqual([...last.train.labels!], [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...last.validation.labels!], [7, 8, 9]);
  assert.equal(last.validation.name, 'tiny:validation');

  const a = splitValidation(dataset, { count: 4, seed: 42 });
  const b = splitValidation(dataset, { count: 4, seed: 42 });
  const c = splitValidation(dataset, { count: 4, seed: 7 });
  assert.deepEqual([...a.validation.labels!], [...b.validation.labels!]);
  assert.notDeepEqual([...a.validation.labels!], [...c.validation.labels!]);
  const all = [...a.train.labels!, ...a.validation.labels!].sort((x, y) => x - y);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(a.validation.count, 4);
  // Pixels travel with their labels, in the original order.
  for (let i = 0; i < a.validation.count; i++) {
    const k = a.validation.labels![i]!;
    assert.deepEqual([...imageAt(a.validation, i)], [2 * k, 2 * k + 1]);
    if (i > 0) assert.ok(k > a.validation.labels![i - 1]!);
  }
  assert.throws(() => splitValidation(dataset, { count: 10 }), RangeError);
  assert.throws(() => splitValidation(dataset, { count: 0 }), RangeError);
});
