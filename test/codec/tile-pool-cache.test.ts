/**
 * Pools kept open across a batch: the same options get the same pool, any difference a new one; a model that fails
 * to load is not remembered; files coded and decoded through cached two-thread pools (two models, interleaved) are
 * byte-identical to those of fresh pools, and close() leaves a cache that opens new pools.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelError } from '../../src/core/errors.js';
import { compress, decompress, TilePoolCache } from '../../src/codec/index.js';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';
import { loadModel, readModelFolder, type LoadedModel } from '../../src/zoo/index.js';
import { TEXTURE_CODER, textureCheckerboard, writeTextureModel } from './texture-tile-coder.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-pool-cache-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let rgbModel: LoadedModel;
let greyModel: LoadedModel;
test.before(async () => {
  rgbModel = await loadModel(await readModelFolder(writeTextureModel(root, 'texture-rgb', 201, { channels: 3, sizeMultiple: 4, scaleIndex: 0 })));
  greyModel = await loadModel(await readModelFolder(writeTextureModel(root, 'texture-grey', 202, { channels: 1, sizeMultiple: 8, scaleIndex: 0 })));
});

const spec = (model: LoadedModel) => ({ factory: TEXTURE_CODER, modelBytes: model.bytes, source: model.record.id });

test('the same options give the same pool; another model, kernel or thread count a new one', async () => {
  const cache = new TilePoolCache();
  try {
    const a = await cache.get({ learned: spec(rgbModel), threads: 2 });
    assert.equal(await cache.get({ learned: spec(rgbModel), threads: 2 }), a);
    assert.notEqual(await cache.get({ learned: spec(rgbModel), threads: 1 }), a);
    assert.notEqual(await cache.get({ learned: spec(rgbModel), threads: 2, kernel: 'reference' }), a);
    assert.notEqual(await cache.get({ learned: spec(greyModel), threads: 2 }), a);
    assert.notEqual(await cache.get({ learned: null, threads: 2 }), a);
    const bad = { factory: TEXTURE_CODER, modelBytes: new TextEncoder().encode('not json'), source: 'bad' };
    await assert.rejects(cache.get({ learned: bad }), ModelError);
    await assert.rejects(cache.get({ learned: bad }), ModelError, 'a failed load is not cached');
  } finally {
    await cache.close();
  }
});

test('a batch through cached pools writes and reads the same bytes as fresh pools, across two models', async () => {
  const rgb = createPixelBuffer({ width: 40, height: 24, channels: 3, bitDepth: 8, data: textureCheckerboard(40, 24, 3, 8) });
  const grey = createPixelBuffer({ width: 48, height: 16, channels: 1, bitDepth: 8, data: textureCheckerboard(48, 16, 1, 8) });
  const batch = [[rgb, rgbModel], [grey, greyModel], [rgb, rgbModel], [grey, greyModel]] as const;
  const resolveModel = async (numericId: number): Promise<LoadedModel> => (numericId === 201 ? rgbModel : greyModel);
  const cache = new TilePoolCache();
  try {
    for (let round = 0; round < 2; round++) {
      for (const [pixels, model] of batch) {
        const options = { model, learnedCoder: TEXTURE_CODER, threads: 2, tileSize: 8 };
        const fresh = await compress(pixels, options);
        const cached = await compress(pixels, { ...options, pools: cache });
        assert.ok(fresh.learnedTiles > 0 && fresh.learnedTiles < fresh.tiles, 'learned and fallback tiles mix');
        assert.deepEqual(cached.bytes, fresh.bytes);
        const back = await decompress(cached.bytes, { resolveModel, learnedCoder: TEXTURE_CODER, threads: 2, pools: cache });
        assert.deepEqual(back.data, pixels.data);
      }
      await cache.close(); // the second round opens new pools
    }
  } finally {
    await cache.close();
  }
});
