import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError } from '../../src/core/errors.js';
import { writeIdf } from '../../src/container/index.js';
import { GOLDEN_IDF_HEX, INFO, TILES } from './idf-format-fixture.js';

test('the fixture is written byte for byte as FORMAT.md specifies', () => {
  const bytes = writeIdf(INFO, TILES);
  assert.equal(Buffer.from(bytes).toString('hex'), GOLDEN_IDF_HEX);
  assert.equal(bytes.length, 80 + 2 * 20 + 4 + 10);
});

test('an invalid description or a tile count off the grid is a bug of the caller', () => {
  assert.throws(() => writeIdf({ ...INFO, channels: 5 }, TILES), /channels 5 not in 1\.\.4/);
  assert.throws(() => writeIdf({ ...INFO, paddedWidth: 4 }, TILES), /padded width 4 not in 5\.\./);
  assert.throws(() => writeIdf({ ...INFO, bitDepth: 12 as 8 }, TILES), /bit depth 12/);
  assert.throws(() => writeIdf({ ...INFO, modelSha256: new Uint8Array(31) }, TILES), /sha256 is not 32 bytes/);
  assert.throws(() => writeIdf(INFO, TILES.slice(1)), (error: unknown) =>
    error instanceof InternalError && /1 tiles given for a grid of 2 x 1/.test(error.message));
});
