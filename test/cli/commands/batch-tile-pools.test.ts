/**
 * withTilePools (src/cli/commands/batch-tile-pools.ts): the batch gets one fresh TilePoolCache, its failure passes
 * through unchanged, and the cache is closed after the batch either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withTilePools } from '../../../src/cli/commands/batch-tile-pools.js';
import { TilePoolCache } from '../../../src/codec/index.js';

test('withTilePools: a fresh cache per batch, closed after success and after failure', async (t) => {
  const closed: TilePoolCache[] = [];
  const close = TilePoolCache.prototype.close;
  t.mock.method(TilePoolCache.prototype, 'close', async function (this: TilePoolCache) {
    closed.push(this);
    await close.call(this);
  });
  const seen: TilePoolCache[] = [];
  await withTilePools(async (pools) => {
    assert.equal(closed.length, 0, 'not closed while the batch runs');
    seen.push(pools);
  });
  const failure = new Error('bad file');
  await assert.rejects(withTilePools(async (pools) => {
    seen.push(pools);
    throw failure;
  }), (error) => error === failure);
  assert.equal(seen.length, 2);
  assert.ok(seen[0] instanceof TilePoolCache);
  assert.notEqual(seen[0], seen[1]);
  assert.deepEqual(closed, seen);
});
