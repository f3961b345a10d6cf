import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/core/seeded-random.js';

test('the same seed gives the same sequence, another seed another one', () => {
  const a = new SeededRandom(42);
  const b = new SeededRandom(42);
  const c = new SeededRandom(43);
  const seqA = Array.from({ length: 5 }, () => a.nextUint32());
  assert.deepEqual(seqA, Array.from({ length: 5 }, () => b.nextUint32()));
  assert.notDeepEqual(seqA, Array.from({ length: 5 }, () => c.nextUint32()));
});

test('the sequence is fixed (mulberry32): reproducible across machines and versions', () => {
  const random = new SeededRandom(1);
  assert.deepEqual([random.nextUint32(), random.nextUint32(), random.nextUint32()], [2693262067, 11749833, 2265367787]);
});

test('next() is in (0, 1) and int() covers exactly [min, max]', () => {
  const random = new SeededRandom(3);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const u = random.next();
    assert.ok(u > 0 && u < 1);
    const k = random.int(-2, 2);
    assert.ok(Number.isInteger(k) && k >= -2 && k <= 2);
    seen.add(k);
  }
  assert.equal(seen.size, 5);
});
