import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDataset } from '../../../src/data/dataset.js';
import { channelNormalisation, InputPipeline } from '../../../src/research/hexaconv/input-pipeline.js';
import { imageGrid } from '../../../src/research/hexaconv/sampling-grid.js';

const SIZE = 4;
const pixels = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => 10 * i); // grey 4x4: value 10 * (4y + x)

test('channelNormalisation: mean and standard deviation per channel', () => {
  const images = makeDataset({ name: 't', count: 2, height: 1, width: 2, channels: 3, images: Uint8Array.from([0, 10, 100, 2, 10, 100, 4, 10, 100, 6, 10, 100]) });
  const { mean, std } = channelNormalisation(images);
  assert.deepEqual(mean, [3, 10, 100]);
  assert.ok(Math.abs(std[0]! - Math.sqrt(5)) < 1e-12);
  assert.equal(std[1], 1e-3); // constant channel: floor
});

test('square inputs: standardised, mirrored, shifted with zeros coming in', () => {
  const pipeline = new InputPipeline(imageGrid('square', SIZE, SIZE), SIZE, 1, { mean: [50], std: [10] });
  const out = new Float32Array(pipeline.inputSize);
  pipeline.write(pixels, null, out, 0);
  assert.deepEqual([...out.subarray(0, 4)], [-5, -4, -3, -2]);
  pipeline.write(pixels, { flip: true, dx: 0, dy: 0 }, out, 0);
  assert.deepEqual([...out.subarray(0, 4)], [-2, -3, -4, -5]);
  pipeline.write(pixels, { flip: false, dx: 1, dy: 1 }, out, 0);
  assert.deepEqual([...out.subarray(0, 8)], [0, 0, 0, 0, 0, -5, -4, -3]);
});

test('hexagonal inputs: resampled onto the grid, zero outside the mask, written at the offset', () => {
  const grid = imageGrid('hex', SIZE, SIZE);
  const pipeline = new InputPipeline(grid, SIZE, 1, { mean: [0], std: [1] });
  assert.equal(pipeline.inputSize, grid.rows * grid.columns);
  const out = new Float32Array(2 * pipeline.inputSize).fill(7);
  pipeline.write(pixels, null, out, pipeline.inputSize);
  assert.ok(out.subarray(0, pipeline.inputSize).every((v) => v === 7));
  const second = out.subarray(pipeline.inputSize);
  grid.mask.forEach((valid, cell) => {
    if (!valid) assert.equal(second[cell], 0);
  });
  // row 0 of the grid is the image's row 0
  const first = grid.mask.indexOf(1);
  assert.deepEqual([...second.subarray(first, first + 4)].map((v) => Math.round(v * 1e4) / 1e4), [0, 10, 20, 30]);
});
