import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../src/core/crc32.js';
import { CorruptStreamError, LimitError } from '../../src/core/errors.js';
import { readIdfHeader, readTilePayload, writeIdf } from '../../src/container/index.js';
import { GOLDEN_IDF_HEX, INFO, TILES } from './idf-format-fixture.js';

function golden(): Uint8Array {
  return new Uint8Array(Buffer.from(GOLDEN_IDF_HEX, 'hex'));
}

/** Re-seals a header edited in place: recomputes the header CRC so that only the edited field is wrong. */
function reseal(bytes: Uint8Array, tileCount: number): Uint8Array {
  const end = 80 + 20 * tileCount;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(end, crc32(bytes.subarray(0, end)), true);
  return bytes;
}

function expectCorrupt(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => readIdfHeader(bytes, { source: 'a.idf' }), (error: unknown) => {
    assert.ok(error instanceof CorruptStreamError, String(error));
    assert.match(error.message, message);
    return true;
  });
}

test('the golden file reads back to the description and tiles it was written from', () => {
  const bytes = golden();
  const header = readIdfHeader(bytes);
  const { tiles, version, tilesAcross, tilesDown, ...info } = header;
  assert.deepEqual(info, INFO);
  assert.equal(version, 1);
  assert.deepEqual([tilesAcross, tilesDown], [2, 1]);
  assert.deepEqual(tiles.map((tile) => [tile.offset, tile.length, tile.fallback]), [[124, 6, false], [130, 4, true]]);
  assert.deepEqual(readTilePayload(bytes, header, 0), TILES[0]!.payload);
  assert.deepEqual(readTilePayload(bytes, header, 1), TILES[1]!.payload);
});

test('writer and reader agree on random geometries and payloads', () => {
  for (const [pw, ph, tw, th] of [[1, 1, 1, 1], [33, 7, 8, 4], [64, 64, 64, 64], [100, 3, 7, 2]] as const) {
    const info = { ...INFO, width: pw, height: ph, paddedWidth: pw, paddedHeight: ph, tileWidth: tw, tileHeight: th };
    const count = Math.ceil(pw / tw) * Math.ceil(ph / th);
    const tiles = Array.from({ length: count }, (_, t) => ({ payload: new Uint8Array(t % 3).fill(t), fallback: t % 2 === 1 }));
    const bytes = writeIdf(info, tiles);
    const header = readIdfHeader(bytes);
    assert.equal(header.tiles.length, count);
    tiles.forEach((tile, t) => {
      assert.deepEqual(readTilePayload(bytes, header, t), tile.payload);
      assert.equal(header.tiles[t]!.fallback, tile.fallback);
    });
  }
});

test('each bad field is reported as corruption at its byte offset', () => {
  const edit = (offset: number, bytes: number[]): Uint8Array => {
    const file = golden();
    file.set(bytes, offset);
    return reseal(file, 2);
  };
  expectCorrupt(edit(0, [0x88]), /^a\.idf: corrupt stream: not an \.idf file \(bad magic\) at byte 0$/);
  expectCorrupt(edit(8, [2]), /format version 2 is not supported .*upgrade idfz.* at byte 8/);
  expectCorrupt(edit(9, [1]), /reserved header flags are set at byte 9/);
  expectCorrupt(edit(10, [0]), /channels 0 not in 1\.\.4 at byte 10/);
  expectCorrupt(edit(11, [12]), /bit depth 12 is not 8 or 16 at byte 11/);
  expectCorrupt(edit(12, [0, 0, 0, 0]), /width 0 not in 1\.\.16777216 at byte 12/);
  expectCorrupt(edit(16, [0, 0, 0, 2]), /height 33554432 not in .* at byte 16/);
  expectCorrupt(edit(20, [4]), /padded width 4 not in 5\.\.16777216 at byte 20/);
  expectCorrupt(edit(24, [2]), /padded height 2 not in 3\.\.16777216 at byte 24/);
  expectCorrupt(edit(28, [9]), /tile width 9 not in 1\.\.8 at byte 28/);
  expectCorrupt(edit(32, [0]), /tile height 0 not in 1\.\.4 at byte 32/);
  expectCorrupt(edit(28, [8]), /tile count 2 does not match the 1 x 1 grid at byte 76/);
  expectCorrupt(edit(80, [0x7d]), /tile 0 offset 125 is not 124 .* at byte 80/);
  expectCorrupt(edit(88, [0xff]), /tile 0 length 255 runs past the end of the file .* at byte 88/);
  expectCorrupt(edit(96, [3]), /tile 0 has reserved flag bits set at byte 96/);
  expectCorrupt(edit(117, [1]), /tile 1 has reserved flag bits set at byte 116/);
  expectCorrupt(edit(88, [5]), /tile 1 offset 130 is not 129/);
});

test('a damaged header fails its CRC; an unknown tile count is bounded by the file before any allocation', () => {
  const flipped = golden();
  flipped[36]! ^= 0x01; // model id: in range either way, only the CRC can tell
  expectCorrupt(flipped, /header CRC mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\) at byte 120/);
  const huge = golden();
  huge.set([0xff, 0xff, 0xff, 0xff], 76);
  expectCorrupt(huge, /tile count 4294967295 needs a .*-byte header but the file has 134 bytes .* at byte 76/);
});

test('every truncation and every trailing byte is corruption', () => {
  const bytes = golden();
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(() => readIdfHeader(bytes.subarray(0, length)), CorruptStreamError, `length ${length}`);
  }
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  expectCorrupt(longer, /1 bytes after the last tile at byte 134/);
});

test('a damaged payload fails only its own tile, naming the tile and its offset', () => {
  const bytes = golden();
  bytes[131]! ^= 0x40;
  const header = readIdfHeader(bytes, { source: 'photo.idf' });
  assert.deepEqual(readTilePayload(bytes, header, 0), TILES[0]!.payload);
  assert.throws(() => readTilePayload(bytes, header, 1, 'photo.idf'),
    /^CorruptStreamError: photo\.idf: corrupt stream: tile 1 CRC mismatch at byte 130/);
  assert.throws(() => readTilePayload(bytes, header, 2), /no tile 2/);
});

test('the pixel limit is a LimitError, checked before the tile table is read', () => {
  assert.throws(() => readIdfHeader(golden(), { maxPixels: 31, source: 'big.idf' }), (error: unknown) =>
    error instanceof LimitError && /big\.idf: image of 8 x 4 padded pixels exceeds the limit of 31/.test(error.message));
  readIdfHeader(golden(), { maxPixels: 32 });
});
