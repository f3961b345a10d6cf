import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset } from '../../../src/data/dataset.js';
import { holdOutValidation } from '../../../src/research/hexaconv/classification-data.js';

const images = makeDataset({ name: 'd', count: 20, height: 1, width: 1, channels: 1, images: Uint8Array.from({ length: 20 }, (_, i) => i), labels: Uint16Array.from({ length: 20 }, (_, i) => Math.floor(i / 5)) });

test('holdOutValidation: CIFAR-10 holds out its last images, a class folder a seeded subset across classes', () => {
  const cifar = holdOutValidation('cifar10', images, 4, 0);
  assert.deepEqual([...cifar.validation!.images], [16, 17, 18, 19]);
  assert.equal(cifar.train.count, 16);
  const folder = holdOutValidation('folder', images, 4, 3);
  assert.equal(folder.validation!.count, 4);
  assert.notDeepEqual([...folder.validation!.images], [16, 17, 18, 19]);
  assert.deepEqual([...folder.validation!.images], [...holdOutValidation('folder', images, 4, 3).validation!.images]);
  assert.deepEqual([...folder.train.images, ...folder.validation!.images].sort((a, b) => a - b), [...images.images]);
  const none = holdOutValidation('folder', images, 0, 3);
  assert.equal(none.validation, null);
  assert.equal(none.train.count, 20);
});
