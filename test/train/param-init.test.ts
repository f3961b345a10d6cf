/**
 * Seeded initial parameters (src/train/param-init.ts): the fan-in of conv kernels counts only kept taps, a caller's
 * fan-in rule (HexaConv's stored filters) sets the He scale, masked taps are exactly zero, and listed values repeat.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random.js';
import type { ParamInfo } from '../../src/arch/param-list.js';
import { convFanIn, initialParams } from '../../src/train/param-init.js';

const conv: ParamInfo = { name: 'c.w', shape: [3, 3, 4, 2], init: { kind: 'he' } } as ParamInfo;
const masked: ParamInfo = { ...conv, name: 'm.w', taps: [0, 1, 0, 1, 1, 1, 0, 1, 0] } as ParamInfo;
const dense: ParamInfo = { name: 'd.w', shape: [5, 3], init: { kind: 'he', gain: 0.5 } } as ParamInfo;
const bias: ParamInfo = { name: 'd.b', shape: [3], init: { kind: 'values', values: [1, 0] } } as ParamInfo;

test('convFanIn: kh * kw * in, kept taps only for a masked kernel, rows for a dense matrix', () => {
  assert.deepEqual([conv, masked, dense].map(convFanIn), [36, 20, 5]);
});

test('initialParams: He-normal draws in list order, masked taps zero, values repeated; a fan-in rule rescales', () => {
  const params = [masked, dense, bias];
  const flat = initialParams(params, 3);
  const random = new Random(3);
  const expected = new Float32Array(72 + 15 + 3);
  for (let i = 0; i < 72; i++) expected[i] = random.nextNormal() * Math.sqrt(2 / 20);
  for (let tap = 0; tap < 9; tap++) if (masked.taps![tap] === 0) expected.fill(0, tap * 8, (tap + 1) * 8);
  for (let i = 0; i < 15; i++) expected[72 + i] = random.nextNormal() * 0.5 * Math.sqrt(2 / 5);
  expected.set([1, 0, 1], 87);
  assert.deepEqual([...flat], [...expected]);
  const wide = initialParams([dense], 3, () => 20);
  const draws = new Random(3);
  assert.deepEqual([...wide], [...Float32Array.from({ length: 15 }, () => draws.nextNormal() * 0.5 * Math.sqrt(2 / 20))]);
});
