import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHalf, encodeHalf, fromHalfBits, toHalfBits } from '../../../src/research/snf/half-float.js';

test('binary16 bit patterns of known values', () => {
  const cases: Array<[number, number]> = [
    [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65520, 0x7c00],
    [Infinity, 0x7c00], [-Infinity, 0xfc00], [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [0.1, 0x2e66], [1 / 3, 0x3555],
  ];
  for (const [value, bits] of cases) assert.equal(toHalfBits(value), bits, `${value}`);
  assert.ok(Number.isNaN(fromHalfBits(toHalfBits(NaN))));
});

test('every binary16 value survives decode -> encode, and round trips are within half an ulp', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const exponent = (bits >>> 10) & 0x1f;
    if (exponent === 0x1f && (bits & 0x3ff) !== 0) continue;
    assert.equal(toHalfBits(fromHalfBits(bits)), bits);
  }
  const values = Float32Array.from([0.9999, 1.0001, -3.14159, 1e-3, -7e-6, 123.456]);
  const back = decodeHalf(encodeHalf(values));
  values.forEach((v, i) => assert.ok(Math.abs(back[i]! - v) <= Math.abs(v) * 2 ** -11 + 2 ** -25, `${v} -> ${back[i]}`));
});
