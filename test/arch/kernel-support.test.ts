import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSupport } from '../../src/arch/kernel-support.js';
import { act, pointGroup } from '../../src/research/hexaconv/point-groups.js';

function mask(lattice: 'hex' | 'square', k: number): number[][] {
  const support = kernelSupport(lattice, k);
  return Array.from({ length: k }, (_, row) => [...support.cellIndex.subarray(row * k, (row + 1) * k)].map((i) => (i >= 0 ? 1 : 0)));
}

test('hexagonal supports: the 7-cell axial hexagon for k = 3, 3r^2 + 3r + 1 cells for every odd k', () => {
  assert.deepEqual(mask('hex', 3), [[0, 1, 1], [1, 1, 1], [1, 1, 0]]);
  assert.deepEqual(mask('hex', 5), [[0, 0, 1, 1, 1], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 0], [1, 1, 1, 0, 0]]);
  for (let k = 1; k <= 31; k += 2) {
    const r = (k - 1) / 2;
    assert.equal(kernelSupport('hex', k).cells.length, 3 * r * r + 3 * r + 1, `k = ${k}`);
    assert.equal(kernelSupport('square', k).cells.length, k * k);
  }
});

test('hexagonal supports are hexagons for k >= 9 too: cell (2, 2) belongs to the radius-4 hexagon (the official |u v| < r mask drops it)', () => {
  const support = kernelSupport('hex', 9);
  assert.ok(support.cellIndex[(2 + 4) * 9 + (2 + 4)]! >= 0);
  assert.ok(support.cellIndex[(-2 + 4) * 9 + (-2 + 4)]! >= 0);
  assert.equal(support.cellIndex[(3 + 4) * 9 + (2 + 4)], -1); // distance 5
  const officialWouldKeep = support.cells.filter(([u, v]) => u * v < 4).length;
  assert.ok(officialWouldKeep < support.cells.length);
});

test('every support is mapped onto itself by its point group, and cells are listed row by row', () => {
  for (const [name, lattice] of [['p6m', 'hex'], ['p4m', 'square']] as const) {
    const group = pointGroup(name);
    for (let k = 1; k <= 11; k += 2) {
      const support = kernelSupport(lattice, k);
      const r = (k - 1) / 2;
      for (let e = 0; e < group.size; e++) {
        for (const [u, v] of support.cells) {
          const [mu, mv] = act(group, e, u, v);
          assert.ok(Math.abs(mu) <= r && Math.abs(mv) <= r && support.cellIndex[(mv + r) * k + (mu + r)]! >= 0, `${name} k=${k} e=${e} (${u}, ${v})`);
        }
      }
      support.cells.forEach(([u, v], i) => assert.equal(support.cellIndex[(v + r) * k + (u + r)], i));
    }
  }
});

test('kernelSupport rejects even and out-of-range sizes', () => {
  for (const k of [0, 2, 33, 1.5]) assert.throws(() => kernelSupport('hex', k), /must be odd/);
});
