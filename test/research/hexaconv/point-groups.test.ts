import { test } from 'node:test';
import assert from 'node:assert/strict';
import { act, cartesian, compose, GROUP_NAMES, inverse, isGroupName, latticeRadius, pointGroup } from '../../../src/research/hexaconv/point-groups.js';

const OFFSETS: [number, number][] = [];
for (let v = -3; v <= 3; v++) for (let u = -3; u <= 3; u++) OFFSETS.push([u, v]);

test('point groups: sizes and lattices of the six groups', () => {
  const sizes = GROUP_NAMES.map((name) => [name, pointGroup(name).size, pointGroup(name).lattice]);
  assert.deepEqual(sizes, [['z2', 1, 'square'], ['hex', 1, 'hex'], ['p4', 4, 'square'], ['p4m', 8, 'square'], ['p6', 6, 'hex'], ['p6m', 12, 'hex']]);
  assert.ok(isGroupName('p6m') && !isGroupName('p3') && !isGroupName(6));
});

test('point groups: compose and inverse satisfy the group axioms, and act is an action', () => {
  for (const name of GROUP_NAMES) {
    const group = pointGroup(name);
    const n = group.size;
    for (let a = 0; a < n; a++) {
      assert.equal(compose(group, a, 0), a);
      assert.equal(compose(group, 0, a), a);
      assert.equal(compose(group, a, inverse(group, a)), 0, `${name}: ${a} * ${a}^-1`);
      for (let b = 0; b < n; b++) {
        for (let c = 0; c < n; c++) assert.equal(compose(group, compose(group, a, b), c), compose(group, a, compose(group, b, c)));
        for (const [u, v] of OFFSETS) {
          const [bu, bv] = act(group, b, u, v);
          assert.deepEqual(act(group, a, bu, bv), act(group, compose(group, a, b), u, v), `${name}: act(${a}) act(${b}) (${u}, ${v})`);
        }
      }
    }
  }
});

test('point groups: every element is a Euclidean isometry of its lattice; rotations turn by 360/n degrees, mirrors flip x', () => {
  for (const name of GROUP_NAMES) {
    const group = pointGroup(name);
    for (let e = 0; e < group.size; e++) {
      const mirrored = e >= group.rotations;
      const angle = (2 * Math.PI * (e % group.rotations)) / group.rotations;
      for (const [u, v] of OFFSETS) {
        let [x, y] = cartesian(group.lattice, u, v);
        if (mirrored) x = -x;
        const expected = [x * Math.cos(angle) - y * Math.sin(angle), x * Math.sin(angle) + y * Math.cos(angle)];
        const moved = cartesian(group.lattice, ...act(group, e, u, v));
        assert.ok(Math.abs(moved[0] - expected[0]!) < 1e-12 && Math.abs(moved[1] - expected[1]!) < 1e-12, `${name} element ${e} on (${u}, ${v})`);
        assert.equal(latticeRadius(group.lattice, ...act(group, e, u, v)), latticeRadius(group.lattice, u, v));
      }
    }
  }
});

test('point groups: the axial formulas of RESEARCH.md: 60 degrees (u, v) -> (u + v, -u) is the inverse step, mirror (-u - v, v)', () => {
  const p6m = pointGroup('p6m');
  assert.deepEqual(act(p6m, inverse(p6m, 1), 2, 1), [3, -2]);
  assert.deepEqual(act(p6m, 6, 2, 1), [-3, 1]);
  assert.equal(latticeRadius('hex', 1, 1), 2);
  assert.equal(latticeRadius('hex', 1, -1), 1);
  assert.equal(latticeRadius('square', 1, -1), 1);
});
