import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError } from '../../src/core/errors.js';
import { idfHeaderBytes, readIdfHeader, writeIdf, type IdfImageInfo } from '../../src/container/index.js';
import { GOLDEN_IDF_HEX, GOLDEN_IDF_V2_HEX, INFO, TILES } from './idf-format-fixture.js';

test('the fixture is written byte for byte as FORMAT.md specifies, in format version 2 or 1', () => {
  assert.equal(Buffer.from(writeIdf(INFO, TILES)).toString('hex'), GOLDEN_IDF_V2_HEX);
  assert.equal(Buffer.from(writeIdf(INFO, TILES, 2)).toString('hex'), GOLDEN_IDF_V2_HEX);
  const bytes = writeIdf(INFO, TILES, 1);
  assert.equal(Buffer.from(bytes).toString('hex'), GOLDEN_IDF_HEX);
  assert.throws(() => writeIdf(INFO, TILES, 3 as 2), /format version 3 is not 1 or 2/);
  // 18 fixed bytes + 6 one-byte varints + a two-byte model id + 2 tiles x (1 + 4) = 36, then 10 payload bytes.
  assert.equal(bytes.length, 36 + 10);
  assert.equal(idfHeaderBytes(INFO, [6, 4]), 36);
});

test('a one-tile 32 x 32 RGB file (the CIFAR-10 case) spends 31 bytes on the container', () => {
  const info: IdfImageInfo = {
    ...INFO, width: 32, height: 32, paddedWidth: 32, paddedHeight: 32, tileWidth: 32, tileHeight: 32, modelId: 1,
  };
  const payload = new Uint8Array(1300).fill(0x5a); // a typical learned tile at ~3.4 bits/dim
  const bytes = writeIdf(info, [{ payload, fallback: false }]);
  assert.equal(bytes.length - payload.length, 31);
  assert.equal(readIdfHeader(bytes).headerBytes, 31);
  assert.equal(idfHeaderBytes(info, [payload.length]), 31);
});

test('idfHeaderBytes matches the written header on varied geometries, ids and payload lengths', () => {
  const geometries: [number, number, number, number, number][] = [
    [1, 1, 1, 1, 0], [200, 3, 7, 2, 127], [2 ** 24, 1, 4096, 1, 2 ** 32 - 1], [33, 17, 16, 16, 128],
  ];
  for (const [width, height, tileWidth, tileHeight, modelId] of geometries) {
    const info = { ...INFO, width, height, paddedWidth: width, paddedHeight: height, tileWidth, tileHeight, modelId };
    const count = Math.ceil(width / tileWidth) * Math.ceil(height / tileHeight);
    const lengths = Array.from({ length: count }, (_, t) => [0, 63, 64, 8191, 8192][t % 5]!);
    const bytes = writeIdf(info, lengths.map((length, t) => ({ payload: new Uint8Array(length), fallback: t % 2 === 0 })));
    const payloadBytes = lengths.reduce((a, b) => a + b, 0);
    assert.equal(idfHeaderBytes(info, lengths), bytes.length - payloadBytes, `${width} x ${height}`);
    assert.equal(readIdfHeader(bytes).headerBytes, bytes.length - payloadBytes);
  }
});

test('an invalid description or a tile count off the grid is a bug of the caller', () => {
  assert.throws(() => writeIdf({ ...INFO, channels: 5 }, TILES), /channels 5 not in 1\.\.4/);
  assert.throws(() => writeIdf({ ...INFO, paddedWidth: 4 }, TILES), /padded width 4 not in 5\.\./);
  assert.throws(() => writeIdf({ ...INFO, width: 2 ** 24 + 1 }, TILES), /width 16777217 not in 1\.\.16777216/);
  assert.throws(() => writeIdf({ ...INFO, bitDepth: 12 as 8 }, TILES), /bit depth 12/);
  assert.throws(() => writeIdf({ ...INFO, modelId: 2 ** 32 }, TILES), /model id 4294967296 is not a uint32/);
  assert.throws(() => writeIdf({ ...INFO, pixelChecksum: -1 }, TILES), /pixel checksum -1 is not a uint32/);
  assert.throws(() => writeIdf({ ...INFO, modelSha256: new Uint8Array(4) }, TILES), /sha256 is not 32 bytes/);
  assert.throws(() => writeIdf(INFO, TILES.slice(1)), (error: unknown) =>
    error instanceof InternalError && /1 tiles given for a grid of 2 x 1/.test(error.message));
});
