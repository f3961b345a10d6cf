/**
 * Mode 4's scale and bias contexts as fallback-blend-contexts.ts keeps them for mode 5: the texture pattern and
 * energy level that select a bias context, the scale index (3 k1 + k2 + 2) >> 2 and the bias after recorded
 * samples, by hand against ContextStatistics, and contexts of other bins, patterns and channels left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlendContexts } from '../../src/codec/fallback-blend-contexts.js';
import { meanAbsScaleIndex } from '../../src/codec/fallback-log-scale.js';

test('fresh contexts: scale index 179 (a mean |residual| of 4 at offset 115), bias 0, level from the bin', () => {
  const contexts = new BlendContexts(3);
  for (const [bin, level] of [[0, 0], [8, 0], [9, 1], [16, 2], [17, 3], [47, 3]] as const) {
    contexts.select(bin, 2, 10, 10, 10, 10, 2560);
    assert.equal(contexts.level, level, `bin ${bin}`);
    assert.equal(contexts.scaleIndex, 179);
    assert.equal(contexts.bias, 0);
  }
});

test('recorded residuals move the selected scale and bias contexts only', () => {
  const contexts = new BlendContexts(1);
  // Pattern: a = 11 and ne = 12 lie above z = 2600 (10.16), b = 10 and nw = 9 do not: 1 | 8 = 9; bin 13: level 2.
  contexts.select(13, 0, 11, 10, 9, 12, 2600);
  contexts.record(3000, -700);
  contexts.record(5000, 100);
  contexts.select(13, 0, 11, 10, 9, 12, 2600);
  // Both contexts: A = 1024 + 8000 = 9024, N = 3, B = -600 (bias context only).
  const k = meanAbsScaleIndex(Math.floor(9024 / 3), 115);
  assert.equal(contexts.scaleIndex, (3 * k + k + 2) >> 2);
  assert.equal(contexts.bias, -200);
  // Same bin, another pattern (all below z): scale context shared, bias context fresh.
  contexts.select(13, 0, 1, 1, 1, 1, 2600);
  assert.equal(contexts.scaleIndex, (3 * k + 179 + 2) >> 2);
  assert.equal(contexts.bias, 0);
  // Another bin with the first pattern and level: bias context shared, scale context fresh.
  contexts.select(14, 0, 11, 10, 9, 12, 2600);
  assert.equal(contexts.scaleIndex, (3 * 179 + k + 2) >> 2);
  assert.equal(contexts.bias, -200);
});
