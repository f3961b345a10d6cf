import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeArea } from '../../../src/research/hexaconv/resize-area.js';

test('resizeArea: exact block means for integer factors, constants stay constant, fractional footprints weigh by area', () => {
  const image = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]); // 4x4 grey
  assert.deepEqual([...resizeArea(image, 4, 4, 1, 2, 2)], [25, 45, 105, 125]);
  assert.deepEqual([...resizeArea(image, 4, 4, 1, 1, 1)], [75]);
  assert.deepEqual([...resizeArea(new Uint8Array(600 * 600 * 3).fill(77), 600, 600, 3, 64, 64)], new Array(64 * 64 * 3).fill(77));
  // 3 -> 2 across: output 0 covers pixel 0 and half of pixel 1.
  assert.deepEqual([...resizeArea(Uint8Array.from([0, 30, 90]), 1, 3, 1, 1, 2)], [10, 70]);
  // upsampling repeats pixels
  assert.deepEqual([...resizeArea(Uint8Array.from([5, 9]), 1, 2, 1, 1, 4)], [5, 5, 9, 9]);
  assert.throws(() => resizeArea(image, 4, 4, 1, 0, 2), /positive integer/);
  assert.throws(() => resizeArea(image, 4, 3, 1, 2, 2), /samples for/);
});
