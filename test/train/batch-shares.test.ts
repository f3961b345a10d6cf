/**
 * Batch arithmetic of the training pools (src/train/batch-shares.ts): contiguous near-equal shares with their worker
 * indices, fixed-size batches, and the mean of per-share gradient sums computed exactly as float32 accumulation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesOf, meanOfSums, shareOut } from '../../src/train/batch-shares.js';

test('shareOut: contiguous shares that differ by at most one item, empty ones left out with the worker index kept', () => {
  const items = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(shareOut(items, 3), [
    { worker: 0, items: [0, 1, 2] },
    { worker: 1, items: [3, 4, 5] },
    { worker: 2, items: [6, 7, 8, 9] },
  ]);
  assert.deepEqual(shareOut([7, 8], 4), [
    { worker: 1, items: [7] },
    { worker: 3, items: [8] },
  ]);
  assert.deepEqual(shareOut(items, 1), [{ worker: 0, items }]);
  for (let n = 0; n < 30; n++) {
    for (let parts = 1; parts <= 7; parts++) {
      const shares = shareOut(Array.from({ length: n }, (_, i) => i), parts);
      assert.deepEqual(shares.flatMap((s) => s.items), Array.from({ length: n }, (_, i) => i), `${n} items, ${parts} parts`);
      const sizes = shares.map((s) => s.items.length);
      if (sizes.length > 0) assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
    }
  }
});

test('batchesOf: consecutive batches, the last one shorter', () => {
  assert.deepEqual(batchesOf([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.deepEqual(batchesOf([1, 2], 5), [[1, 2]]);
  assert.deepEqual(batchesOf([], 3), []);
});

test('meanOfSums: the shares added in order in float32, then scaled by 1 / count', () => {
  const a = Float32Array.from([1, 0.1, -3, 1e8]);
  const b = Float32Array.from([2, 0.2, 3, 1]);
  const out = new Float32Array([9, 9, 9, 9]);
  meanOfSums(out, [a, b], 3);
  const expected = new Float32Array(4);
  for (let k = 0; k < 4; k++) {
    expected[k] = a[k]!;
    expected[k]! += b[k]!;
    expected[k]! *= 1 / 3;
  }
  assert.deepEqual([...out], [...expected]);
  assert.equal(out[3], Math.fround(Math.fround(1e8 + 1) / 3));
  meanOfSums(out, [], 1);
  assert.deepEqual([...out], [0, 0, 0, 0]);
});
