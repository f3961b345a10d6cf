import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expansionMatrix, filterExpansion, isIdentityExpansion } from '../../../src/research/hexaconv/filter-expansion.js';
import { GROUP_NAMES, pointGroup } from '../../../src/research/hexaconv/point-groups.js';

test('filter expansion: for every output orientation, each stored parameter is copied exactly once', () => {
  for (const name of GROUP_NAMES) {
    const group = pointGroup(name);
    for (const input of ['plane', 'group'] as const) {
      for (const k of [1, 3, 5]) {
        const expansion = filterExpansion(group, k, input);
        const perOrientation = expansion.inOrientations * k * k;
        for (let g = 0; g < expansion.outOrientations; g++) {
          const sources = [...expansion.source.subarray(g * perOrientation, (g + 1) * perOrientation)].filter((s) => s >= 0).sort((a, b) => a - b);
          assert.deepEqual(sources, [...Array(expansion.paramsPerPair).keys()], `${name} ${input} k=${k} g=${g}`);
        }
        assert.equal(expansion.paramsPerPair, expansion.inOrientations * expansion.support.cells.length);
      }
    }
  }
});

test('filter expansion: orientation 0 is the stored filter itself; p6 orientation 1 is it turned by 60 degrees', () => {
  const p6 = filterExpansion(pointGroup('p6'), 3, 'plane');
  // Storage cells (row, column) of the hexagon hold parameters 0..6 in row-major order.
  assert.deepEqual([...p6.source.subarray(0, 9)], [-1, 0, 1, 2, 3, 4, 5, 6, -1]);
  // W_1(x) = psi(R^-1 x): R^-1 (u, v) = (u + v, -u). Cell (u, v) = (0, -1) (parameter 0) lands where R^-1 x = (0, -1),
  // i.e. x = R (0, -1) = (1, -1): row 0, column 2.
  const turned = [...p6.source.subarray(9, 18)];
  assert.equal(turned[0 * 3 + 2], 0);
  assert.deepEqual(turned.filter((s) => s < 0).length, 2);
  assert.equal(turned[4], 3); // the centre stays
});

test('filter expansion: the identity is recognised only for planar square filters and 1x1 planar filters', () => {
  assert.ok(isIdentityExpansion(filterExpansion(pointGroup('z2'), 3, 'plane')));
  assert.ok(isIdentityExpansion(filterExpansion(pointGroup('hex'), 1, 'plane')));
  assert.ok(!isIdentityExpansion(filterExpansion(pointGroup('hex'), 3, 'plane')));
  assert.ok(!isIdentityExpansion(filterExpansion(pointGroup('p4'), 1, 'group')));
});

test('expansionMatrix: one 1 per copied target, in the row of its source', () => {
  const expansion = filterExpansion(pointGroup('p4m'), 3, 'group');
  const matrix = expansionMatrix(expansion);
  const targets = expansion.source.length;
  assert.equal(matrix.length, expansion.paramsPerPair * targets);
  for (let t = 0; t < targets; t++) {
    const column = Array.from({ length: expansion.paramsPerPair }, (_, p) => matrix[p * targets + t]!);
    const from = expansion.source[t]!;
    assert.deepEqual(column, column.map((_, p) => (p === from ? 1 : 0)));
  }
});
