import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HexResampler } from '../../../src/research/hexaconv/hex-resampler.js';
import { cellPosition, imageGrid } from '../../../src/research/hexaconv/sampling-grid.js';

test('hex resampling reproduces linear images exactly inside and constants everywhere; padding is 0', () => {
  const size = 16;
  const grid = imageGrid('hex', size, size);
  const resampler = new HexResampler(grid, size, size, 2);
  const image = new Float32Array(size * size * 2);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      image[(y * size + x) * 2] = 3 * x - 2 * y + 5;
      image[(y * size + x) * 2 + 1] = 7;
    }
  }
  const out = new Float32Array(grid.rows * grid.columns * 2).fill(99);
  resampler.resample(image, out);
  let checked = 0;
  for (let row = 0; row < grid.rows; row++) {
    for (let column = 0; column < grid.columns; column++) {
      const cell = row * grid.columns + column;
      const [x, y] = cellPosition(grid, row, column);
      if (!grid.mask[cell]) {
        assert.deepEqual([out[cell * 2], out[cell * 2 + 1]], [0, 0]);
        continue;
      }
      assert.ok(Math.abs(out[cell * 2 + 1]! - 7) < 1e-5, 'constant');
      if (x >= 1 && x <= size - 3 && y >= 1 && y <= size - 3) {
        assert.ok(Math.abs(out[cell * 2]! - (3 * x - 2 * y + 5)) < 1e-4, `linear at (${x}, ${y}): ${out[cell * 2]}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100);
});

test('hex resampling of a uint8 image hits the pixel values at cells that sit on pixel centres', () => {
  const grid = imageGrid('hex', 8, 8);
  const resampler = new HexResampler(grid, 8, 8, 1);
  const image = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256);
  const out = new Float32Array(grid.rows * grid.columns);
  resampler.resample(image, out);
  // Row 0 of the hexagonal grid is the image's row 0 (y = 0, x = 0..7).
  for (let column = 0; column < grid.columns; column++) {
    const [x, y] = cellPosition(grid, 0, column);
    if (y === 0 && x >= 0 && x < 8) assert.ok(Math.abs(out[column]! - image[x]!) < 1e-4);
  }
  assert.throws(() => new HexResampler(imageGrid('square', 8, 8), 8, 8, 1), /hexagonal grid/);
});
