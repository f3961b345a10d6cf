import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeDataset } from '../../../src/data/dataset.js';
import { readClassFolders, stratifiedSplit } from '../../../src/research/hexaconv/class-folders.js';

test('stratifiedSplit: round(80%) of every class to train, seeded, disjoint, original order kept', () => {
  const labels = Uint16Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]);
  const images = Uint8Array.from(labels.keys());
  const data = makeDataset({ name: 'd', count: labels.length, height: 1, width: 1, channels: 1, images, labels });
  const a = stratifiedSplit(data, 0.8, 5);
  const b = stratifiedSplit(data, 0.8, 5);
  const c = stratifiedSplit(data, 0.8, 6);
  assert.deepEqual([...a.train.images], [...b.train.images]);
  assert.notDeepEqual([...a.train.images], [...c.train.images]);
  const count = (set: typeof a.train, label: number) => [...set.labels!].filter((l) => l === label).length;
  assert.deepEqual([0, 1, 2].map((l) => count(a.train, l)), [4, 2, 8]);
  assert.deepEqual([0, 1, 2].map((l) => count(a.test, l)), [1, 1, 2]);
  assert.deepEqual([...a.train.images, ...a.test.images].sort((x, y) => x - y), [...images]);
  assert.deepEqual([...a.train.images], [...a.train.images].sort((x, y) => x - y));
});

test('readClassFolders: fails with the layout it expects when there are fewer than two classes', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-class-folders-'));
  try {
    mkdirSync(path.join(dir, 'only'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
    await assert.rejects(readClassFolders(dir, 64), /0 class sub-folder\(s\) with images; the AID layout has one sub-folder of images per class/);
    await assert.rejects(readClassFolders(path.join(dir, 'missing'), 64), /cannot list the folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
