/**
 * Tile layout: padding to the size multiple, tile sizes and grids (1x1, smaller than a tile, exact multiples),
 * edge replication into the padding, extract / place as exact inverses over the unpadded image, and the default tile
 * size (1024 for screenshots, diagrams and images of at most 256 colours, 128 for photos).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compress, DEFAULT_TILE_SIZE, SYNTHETIC_TILE_SIZE } from '../../src/codec/index.js';
import { neighbourRepeats } from '../../src/codec/fallback-copy-model.js';
import { cropTile, defaultTileSize, extractTile, placeTile, planTileLayout, tileRect } from '../../src/codec/tile-layout.js';
import { readImage } from '../../src/image/read-image.js';
import { FIXTURES, SHARED_DATA } from '../helpers/paths.js';

test('planTileLayout: padding to the multiple, tiles capped at the padded size, grid counts', () => {
  assert.deepEqual(planTileLayout(1, 1, 1), { width: 1, height: 1, paddedWidth: 1, paddedHeight: 1, tileWidth: 1, tileHeight: 1, tilesAcross: 1, tilesDown: 1 });
  assert.deepEqual(planTileLayout(1, 1, 8), { width: 1, height: 1, paddedWidth: 8, paddedHeight: 8, tileWidth: 8, tileHeight: 8, tilesAcross: 1, tilesDown: 1 });
  assert.deepEqual(planTileLayout(768, 512, 8), { width: 768, height: 512, paddedWidth: 768, paddedHeight: 512, tileWidth: 128, tileHeight: 128, tilesAcross: 6, tilesDown: 4 });
  assert.deepEqual(planTileLayout(257, 129, 4, 64), { width: 257, height: 129, paddedWidth: 260, paddedHeight: 132, tileWidth: 64, tileHeight: 64, tilesAcross: 5, tilesDown: 3 });
  // A tile size that is not a multiple is rounded up to one.
  assert.equal(planTileLayout(100, 100, 16, 40).tileWidth, 48);
  assert.throws(() => planTileLayout(0, 5, 1), InternalError);
  assert.throws(() => planTileLayout(5, 5, 1, 5000), InternalError);
});

test('tileRect: row-major, the last column and row narrower, every side a multiple of the size multiple', () => {
  const layout = planTileLayout(257, 129, 4, 64);
  const rects = Array.from({ length: 15 }, (_, i) => tileRect(layout, i));
  assert.deepEqual(rects[0], { x: 0, y: 0, width: 64, height: 64, insideWidth: 64, insideHeight: 64 });
  assert.deepEqual(rects[4], { x: 256, y: 0, width: 4, height: 64, insideWidth: 1, insideHeight: 64 });
  assert.deepEqual(rects[14], { x: 256, y: 128, width: 4, height: 4, insideWidth: 1, insideHeight: 1 });
  assert.equal(rects.reduce((sum, r) => sum + r.width * r.height, 0), 260 * 132, 'the tiles cover the padded image');
  assert.ok(rects.every((r) => r.width % 4 === 0 && r.height % 4 === 0));
});

test('extractTile replicates the last column and row; cropTile and placeTile drop the padding; all exact', () => {
  for (const [Array16, channels] of [[false, 3], [true, 2], [false, 1]] as const) {
    const width = 13;
    const height = 6;
    const n = width * height * channels;
    const data = Array16 ? Uint16Array.from({ length: n }, (_, i) => i * 257) : Uint8Array.from({ length: n }, (_, i) => i % 251);
    const layout = planTileLayout(width, height, 4, 8);
    const back = Array16 ? new Uint16Array(n) : new Uint8Array(n);
    for (let t = 0; t < layout.tilesAcross * layout.tilesDown; t++) {
      const rect = tileRect(layout, t);
      const tile = extractTile(data, width, height, channels, rect);
      assert.equal(tile.constructor, data.constructor);
      assert.equal(tile.length, rect.width * rect.height * channels);
      for (let y = 0; y < rect.height; y++) {
        for (let x = 0; x < rect.width; x++) {
          const sx = Math.min(rect.x + x, width - 1);
          const sy = Math.min(rect.y + y, height - 1);
          for (let c = 0; c < channels; c++) assert.equal(tile[(y * rect.width + x) * channels + c], data[(sy * width + sx) * channels + c]);
        }
      }
      const inside = cropTile(tile, rect.width, channels, rect.insideWidth, rect.insideHeight);
      assert.equal(inside.length, rect.insideWidth * rect.insideHeight * channels);
      placeTile(back, width, channels, rect, inside);
    }
    assert.deepEqual(back, data);
  }
});

test('defaultTileSize: 1024 for a rendered diagram and a screen of flat colours, 128 for a photo; compress follows it', async () => {
  const shapes = await readImage(readFileSync(path.join(FIXTURES, 'golden', 'sources', 'shapes-256x192.png')));
  assert.equal(defaultTileSize(shapes.data, shapes.width, shapes.height, shapes.channels), SYNTHETIC_TILE_SIZE);
  const photo = await readImage(readFileSync(path.join(SHARED_DATA, 'kodak', 'kodim21.png')));
  assert.equal(defaultTileSize(photo.data, photo.width, photo.height, photo.channels), DEFAULT_TILE_SIZE);
  // The boundary is 23/32 of the pixels repeating W or N: a 1024 x 1 RGB row whose first k + 1 pixels are equal has
  // k repeats (and more than 256 colours, so that the palette rule stays out of it).
  const row = (k: number): Uint8Array => {
    const out = new Uint8Array(1024 * 3);
    for (let x = k + 1; x < 1024; x++) out.set([x & 255, x >> 8, 1], x * 3);
    return out;
  };
  assert.deepEqual([neighbourRepeats(row(736), 1024, 1, 3), defaultTileSize(row(736), 1024, 1, 3)], [736, SYNTHETIC_TILE_SIZE]);
  assert.deepEqual([neighbourRepeats(row(735), 1024, 1, 3), defaultTileSize(row(735), 1024, 1, 3)], [735, DEFAULT_TILE_SIZE]);
  // At most 256 colours (whole pixels, any arrangement: here random, so few repeats) also gets the large tiles.
  const random = new Random(5);
  const noisy = (colours: number): Uint8Array => {
    const out = new Uint8Array(64 * 64 * 3);
    for (let p = 0; p < 64 * 64; p++) {
      const c = p < colours ? p : random.nextUint32() % colours;
      out.set([c & 255, c >> 8, 7], p * 3);
    }
    return out;
  };
  assert.equal(defaultTileSize(noisy(256), 64, 64, 3), SYNTHETIC_TILE_SIZE);
  assert.equal(defaultTileSize(noisy(257), 64, 64, 3), DEFAULT_TILE_SIZE);
  assert.equal(defaultTileSize(noisy(2), 64, 64, 3), SYNTHETIC_TILE_SIZE);
  const result = await compress(shapes, { model: null });
  assert.deepEqual([result.layout.tileWidth, result.layout.tileHeight, result.tiles], [256, 192, 1]);
  assert.equal((await compress(shapes, { model: null, tileSize: 64 })).tiles, 12);
});
