/**
 * Writes a tiny CIFAR-10 folder (official binary layout) of smooth synthetic images for CLI tests:
 * `perBatch` records in each of data_batch_1..5.bin and test_batch.bin.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodeCifar10Batch, CIFAR10_FILES } from '../../src/data/cifar10.js';
import { makeDataset } from '../../src/data/dataset.js';
import { Random } from '../../src/core/random.js';

/** Creates `dir/cifar-10-batches-bin` and returns its path. */
export function writeTinyCifar10(dir: string, perBatch: number, seed = 1): string {
  const folder = path.join(dir, 'cifar-10-batches-bin');
  mkdirSync(folder, { recursive: true });
  const random = new Random(seed);
  for (const file of [...CIFAR10_FILES.train, ...CIFAR10_FILES.test]) {
    const images = new Uint8Array(perBatch * 3072);
    for (let n = 0; n < perBatch; n++) {
      const base = 40 + random.nextInt(150);
      for (let i = 0; i < 1024; i++) {
        for (let c = 0; c < 3; c++) images[n * 3072 + i * 3 + c] = base + ((i >> 5) + (i & 31)) + c * 5 + random.nextInt(4);
      }
    }
    const labels = new Uint16Array(perBatch).map(() => random.nextInt(10));
    writeFileSync(path.join(folder, file), encodeCifar10Batch(makeDataset({ name: file, count: perBatch, height: 32, width: 32, channels: 3, images, labels })));
  }
  return folder;
}
