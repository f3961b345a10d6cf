import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkIdfSpec, idfLayout, idfSpecProblems } from '../../src/arch/idf-spec.js';
import { IDF_PRESET_NAMES, idfPreset } from '../../src/arch/idf-presets.js';
import { idfParams } from '../../src/arch/idf-params.js';
import { paramCount } from '../../src/arch/param-list.js';
import { idfMultiplyAdds } from '../../src/arch/idf-cost.js';

test('CIFAR-10 layout matches the IDF paper: y1 6x16x16, y2 12x8x8, z 48x4x4 (3072 latents)', () => {
  const layouts = idfLayout(idfPreset('small', 3, 1), 32, 32);
  assert.deepEqual(layouts.map((l) => [l.height, l.width, l.channels, l.factored, l.translated]), [
    [16, 16, 12, 6, 3],
    [8, 8, 24, 12, 6],
    [4, 4, 48, 0, 12],
  ]);
  const latents = layouts.reduce((n, l) => n + l.height * l.width * (l.factored || l.channels), 0);
  assert.equal(latents, 3072);
});

test('sizes that are not a multiple of 2^levels are refused', () => {
  assert.throws(() => idfLayout(idfPreset('small', 3, 1), 30, 32), /not a positive multiple of 8/);
});

test('every preset is a valid spec with real permutations, for grey and RGB', () => {
  for (const name of IDF_PRESET_NAMES) {
    for (const channels of [1, 3]) {
      const spec = idfPreset(name, channels, 7);
      assert.deepEqual(idfSpecProblems(spec), [], `${name}/${channels}`);
      assert.ok(spec.permutations.some((p) => p.some((v, i) => v !== i)), 'permutations are not all identity');
    }
  }
  assert.notDeepEqual(idfPreset('small', 3, 1).permutations, idfPreset('small', 3, 2).permutations);
  assert.deepEqual(idfPreset('small', 3, 1).permutations, idfPreset('small', 3, 1).permutations);
});

test('a damaged spec is refused with the problem named', () => {
  const spec = idfPreset('tiny', 3, 1);
  const broken = { ...spec, permutations: spec.permutations.map((p, i) => (i === 0 ? [0, 0, ...p.slice(2)] : p)) };
  assert.throws(() => checkIdfSpec(broken, 'x.json'), /permutations\[0\] must be a permutation/);
  assert.throws(() => checkIdfSpec({ ...spec, levels: 9 }, 'x.json'), /levels must be an integer 1\.\.6/);
});

test('cost and size of the presets (what README quotes)', () => {
  const small = idfPreset('small', 3, 1);
  assert.equal(paramCount(idfParams(small)), 806502);
  assert.equal(Math.round(idfMultiplyAdds(small, 32, 32) / 1e5) / 10, 88.3);
});
