import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellPosition, downsampleGrid, imageGrid, isFull } from '../../../src/research/hexaconv/sampling-grid.js';

test('hexagonal grid of a 32 x 32 image: 37 x 50 axial array with 1184 valid cells, 32 in every row (HexaConv 4.1)', () => {
  const grid = imageGrid('hex', 32, 32);
  assert.equal(grid.rows, 37);
  assert.equal(grid.columns, 50);
  assert.equal(grid.validCells, 1184);
  for (let row = 0; row < grid.rows; row++) {
    const cells = [...grid.mask.subarray(row * 50, (row + 1) * 50)];
    assert.equal(cells.reduce((a, b) => a + b, 0), 32, `row ${row}`);
    // valid cells are contiguous
    assert.equal(cells.join('').replace(/^0*1*0*$/, 'ok'), 'ok');
  }
  assert.ok(!isFull(grid));
});

test('hexagonal grid: a cell is valid exactly when its centre lies in [-1/2, W - 1/2) x [-1/2, H - 1/2); neighbours are 1 apart', () => {
  for (const [h, w] of [[32, 32], [64, 64], [5, 9], [1, 1]] as const) {
    const grid = imageGrid('hex', h, w);
    for (let row = 0; row < grid.rows; row++) {
      for (let column = 0; column < grid.columns; column++) {
        const [x, y] = cellPosition(grid, row, column);
        const inside = x >= -0.5 && x < w - 0.5 && y >= -0.5 && y < h - 0.5;
        assert.equal(grid.mask[row * grid.columns + column], inside ? 1 : 0, `${h}x${w} cell (${row}, ${column}) at (${x}, ${y})`);
      }
    }
    // no valid cell is missing from the array: one more row would lie below the image
    assert.ok(cellPosition(grid, grid.rows, 0)[1] >= h - 0.5);
  }
  const grid = imageGrid('hex', 32, 32);
  const [x0, y0] = cellPosition(grid, 10, 10);
  for (const [dr, dc] of [[0, 1], [1, 0], [1, -1]]) {
    const [x, y] = cellPosition(grid, 10 + dr!, 10 + dc!);
    assert.ok(Math.abs(Math.hypot(x - x0, y - y0) - 1) < 1e-12);
  }
});

test('square grids are the pixel grid; stride-2 levels keep every second row and column with the mask', () => {
  const square = imageGrid('square', 32, 32);
  assert.deepEqual([square.rows, square.columns, square.validCells], [32, 32, 1024]);
  assert.ok(isFull(square));
  const hex = imageGrid('hex', 32, 32);
  const level1 = downsampleGrid(hex);
  const level2 = downsampleGrid(level1);
  assert.deepEqual([level1.rows, level1.columns, level2.rows, level2.columns], [19, 25, 10, 13]);
  for (let row = 0; row < level1.rows; row++) {
    for (let column = 0; column < level1.columns; column++) {
      assert.equal(level1.mask[row * 25 + column], hex.mask[2 * row * 50 + 2 * column]);
      assert.deepEqual(cellPosition(level1, row, column), cellPosition(hex, 2 * row, 2 * column));
    }
  }
  assert.ok(level2.validCells > 0 && level2.validCells < level1.validCells);
});

test('imageGrid rejects impossible sizes', () => {
  assert.throws(() => imageGrid('hex', 0, 5), /outside 1\.\.4096/);
  assert.throws(() => imageGrid('square', 5, 2.5), /outside 1\.\.4096/);
});
