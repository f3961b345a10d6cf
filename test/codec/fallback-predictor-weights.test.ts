/**
 * The blend weights of fallback modes 3 and 4: the numerators (2^30 for 8-bit samples, 2^22 for 16-bit ones), a
 * table equal to PAYLOAD.md's formula 1 + floor(numerator / (1 + S)^2) entry by entry (checked in BigInt), and one
 * table per numerator, shared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WEIGHT_TABLE_SIZE, weightNumerator, weightTable } from '../../src/codec/fallback-predictor-weights.js';

test('numerators: 2^30 for 8-bit samples, 2^22 for 16-bit ones', () => {
  assert.equal(weightNumerator(255), 2 ** 30);
  assert.equal(weightNumerator(65535), 2 ** 22);
});

test('the table holds 1 + floor(numerator / (1 + S)^2) for every S below its size, and is built once', () => {
  for (const maxValue of [255, 65535]) {
    const numerator = weightNumerator(maxValue);
    const table = weightTable(numerator);
    assert.equal(table.length, WEIGHT_TABLE_SIZE);
    assert.equal(table[0], numerator + 1);
    for (let s = 0; s < WEIGHT_TABLE_SIZE; s++) {
      assert.equal(table[s], Number(1n + BigInt(numerator) / (BigInt(s + 1) * BigInt(s + 1))), `S = ${s}, numerator ${numerator}`);
    }
    assert.equal(weightTable(numerator), table);
  }
  assert.equal(weightTable(2 ** 22)[2047], 2, '1 + floor(2^22 / 2048^2)');
  assert.equal(weightTable(2 ** 22)[2048], 1);
});
