/**
 * samplesAs: only lossless rewrites of a decoder's output (R = G = B to grey, grey to RGB, opaque alpha dropped);
 * anything else comes back in a form that fails the exact-decode check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplesAs } from '../../src/bench/decoded-samples.js';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';

const rgb = (data: number[], channels: 1 | 2 | 3 | 4 = 3, width = 2) =>
  createPixelBuffer({ width, height: 1, channels, bitDepth: 8, data: Uint8Array.from(data) });

test('same layout comes back as is', () => {
  assert.deepEqual(samplesAs(rgb([1, 2, 3, 4, 5, 6]), { width: 2, height: 1, channels: 3 }), Uint8Array.from([1, 2, 3, 4, 5, 6]));
});

test('R = G = B collapses to grey; a colour pixel does not', () => {
  assert.deepEqual(samplesAs(rgb([7, 7, 7, 200, 200, 200]), { width: 2, height: 1, channels: 1 }), Uint8Array.from([7, 200]));
  const colour = samplesAs(rgb([7, 7, 7, 200, 201, 200]), { width: 2, height: 1, channels: 1 });
  assert.equal(colour.length, 6, 'left unchanged, so it cannot equal a 2-sample grey image');
});

test('grey decoded for RGB is replicated', () => {
  assert.deepEqual(samplesAs(rgb([9, 250], 1), { width: 2, height: 1, channels: 3 }), Uint8Array.from([9, 9, 9, 250, 250, 250]));
});

test('an opaque alpha is dropped, a transparent pixel is kept', () => {
  assert.deepEqual(samplesAs(rgb([1, 2, 3, 255, 4, 5, 6, 255], 4), { width: 2, height: 1, channels: 3 }), Uint8Array.from([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(samplesAs(rgb([8, 255, 9, 255], 2), { width: 2, height: 1, channels: 1 }), Uint8Array.from([8, 9]));
  assert.equal(samplesAs(rgb([1, 2, 3, 255, 4, 5, 6, 0], 4), { width: 2, height: 1, channels: 3 }).length, 8);
});

test('another size never matches, even with the same number of samples', () => {
  assert.equal(samplesAs(rgb([1, 2, 3, 4, 5, 6]), { width: 1, height: 2, channels: 3 }).length, 0);
  assert.equal(samplesAs(rgb([1, 2, 3, 4, 5, 6]), { width: 3, height: 1, channels: 3 }).length, 0);
  const deep = createPixelBuffer({ width: 2, height: 1, channels: 1, bitDepth: 16, data: Uint16Array.from([1, 2]) });
  assert.equal(samplesAs(deep, { width: 2, height: 1, channels: 1 }).length, 0);
});
