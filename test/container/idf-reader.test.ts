import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../src/core/crc32.js';
import { CorruptStreamError, InternalError, LimitError } from '../../src/core/errors.js';
import { modelMatches, readIdfHeader, readTilePayload, writeIdf } from '../../src/container/index.js';
import { GOLDEN_FIELDS, GOLDEN_IDF_HEX, GOLDEN_IDF_V2_HEX, GOLDEN_PAYLOADS, INFO, TILES } from './idf-format-fixture.js';

type Field = keyof typeof GOLDEN_FIELDS;

function golden(): Uint8Array {
  return new Uint8Array(Buffer.from(GOLDEN_IDF_HEX, 'hex'));
}

/** The fixture with some header fields replaced (hex), resealed with a correct header CRC, payloads unchanged. */
function sealed(changes: Partial<Record<Field, string>>): Uint8Array {
  const header = Buffer.from(Object.values({ ...GOLDEN_FIELDS, ...changes }).join(''), 'hex');
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(header));
  return new Uint8Array(Buffer.concat([header, crc, Buffer.from(GOLDEN_PAYLOADS, 'hex')]));
}

/** Byte offset of `field` in the file sealed(changes) builds. */
function offsetOf(field: Field, changes: Partial<Record<Field, string>> = {}): number {
  const fields = { ...GOLDEN_FIELDS, ...changes };
  const names = Object.keys(fields) as Field[];
  return names.slice(0, names.indexOf(field)).reduce((sum, name) => sum + fields[name].length / 2, 0);
}

function expectCorrupt(bytes: Uint8Array, message: RegExp): void {
  assert.throws(() => readIdfHeader(bytes, { source: 'a.idf' }), (error: unknown) => {
    assert.ok(error instanceof CorruptStreamError, String(error));
    assert.match(error.message, message);
    return true;
  });
}

/** Changes one field, reseals, and expects corruption reported at that field's offset. */
function expectFieldCorrupt(field: Field, hex: string, message: RegExp, at = offsetOf(field, { [field]: hex })): void {
  const bytes = sealed({ [field]: hex });
  assert.throws(() => readIdfHeader(bytes, { source: 'a.idf' }), (error: unknown) => {
    assert.ok(error instanceof CorruptStreamError, `${field} ${hex}: ${String(error)}`);
    assert.match(error.message, message, `${field} ${hex}`);
    assert.ok(error.message.endsWith(` at byte ${at}`), `${field} ${hex}: ${error.message} (expected byte ${at})`);
    return true;
  });
}

test('the golden file reads back to the description and tiles it was written from', () => {
  const bytes = golden();
  const header = readIdfHeader(bytes);
  const {
    tiles, version, fileVersion, metadata, metadataBytes, tilesAcross, tilesDown, modelSha256Prefix, headerBytes,
    missingBytes, ...geometry
  } = header;
  const { modelSha256, ...expected } = INFO;
  assert.deepEqual(geometry, expected);
  assert.deepEqual([version, fileVersion, metadata, metadataBytes], [1, 1, [], 0]);
  assert.deepEqual(modelSha256Prefix, Uint8Array.of(0, 1, 2, 3));
  assert.deepEqual([headerBytes, missingBytes], [36, 0]);
  assert.deepEqual([tilesAcross, tilesDown], [2, 1]);
  assert.deepEqual(tiles.map((tile) => [tile.offset, tile.length, tile.crc32, tile.fallback]),
    [[36, 6, 0x81f67724, false], [42, 4, 0xf47df2dc, true]]);
  assert.deepEqual(readTilePayload(bytes, header, 0), TILES[0]!.payload);
  assert.deepEqual(readTilePayload(bytes, header, 1), TILES[1]!.payload);
  assert.equal(modelMatches(header, modelSha256), true);
});

test('a format version 2 file reads back as the version 1 file does, with version 2', () => {
  const bytes = new Uint8Array(Buffer.from(GOLDEN_IDF_V2_HEX, 'hex'));
  const { version, fileVersion, ...header } = readIdfHeader(bytes);
  const { version: version1, fileVersion: fileVersion1, ...header1 } = readIdfHeader(golden());
  assert.deepEqual([version, version1, fileVersion, fileVersion1], [2, 1, 2, 1]);
  assert.deepEqual(header, header1);
  assert.deepEqual(readTilePayload(bytes, { version, fileVersion, ...header }, 0), TILES[0]!.payload);
});

test('modelMatches compares the stored 4-byte prefix with a model sha256', () => {
  const header = readIdfHeader(golden());
  const other = INFO.modelSha256.slice();
  other[3] ^= 0x80;
  assert.equal(modelMatches(header, other), false);
  other[3] ^= 0x80;
  other[4] ^= 0x80; // past the prefix: not stored, so not seen
  assert.equal(modelMatches(header, other), true);
  assert.throws(() => modelMatches(header, INFO.modelSha256.subarray(0, 4)), InternalError);
});

test('writer and reader agree on varied geometries, layouts, ids and payloads', () => {
  const cases: [number, number, number, number, number, number, 8 | 16, number][] = [
    // width, height, padded width, padded height, tile width, tile height, bit depth, channels
    [1, 1, 1, 1, 1, 1, 8, 1], [33, 7, 40, 8, 8, 4, 16, 2], [64, 64, 64, 64, 64, 64, 8, 3], [100, 3, 100, 3, 7, 2, 16, 4],
    [2 ** 24, 1, 2 ** 24, 1, 4096, 1, 8, 3], [1, 130, 200, 2 ** 14, 129, 4096, 16, 4],
  ];
  for (const [width, height, paddedWidth, paddedHeight, tileWidth, tileHeight, bitDepth, channels] of cases) {
    const info = {
      ...INFO, width, height, paddedWidth, paddedHeight, tileWidth, tileHeight, bitDepth, channels,
      modelId: width * 257 % 2 ** 32, pixelChecksum: (height * 0x9e3779b9) % 2 ** 32,
    };
    const count = Math.ceil(paddedWidth / tileWidth) * Math.ceil(paddedHeight / tileHeight);
    const tiles = Array.from({ length: count }, (_, t) => ({
      payload: new Uint8Array((t * 67) % 200).fill(t),
      fallback: t % 2 === 1,
    }));
    const bytes = writeIdf(info, tiles);
    const header = readIdfHeader(bytes);
    const {
      tiles: entries, version, fileVersion, metadata, metadataBytes, tilesAcross, tilesDown, modelSha256Prefix,
      headerBytes, missingBytes, ...geometry
    } = header;
    const { modelSha256, ...expected } = info;
    assert.deepEqual(geometry, expected);
    assert.deepEqual([entries.length, missingBytes], [count, 0]);
    tiles.forEach((tile, t) => {
      assert.deepEqual(readTilePayload(bytes, header, t), tile.payload);
      assert.equal(entries[t]!.fallback, tile.fallback);
    });
  }
});

test('each field, changed to a bad value, is reported as corruption at its byte offset', () => {
  expectFieldCorrupt('magic', '88494446', /^a\.idf: corrupt stream: not an \.idf file \(bad magic\) at byte 0$/);
  expectFieldCorrupt('version', '04', /format version 4 is not supported \(this idfz reads versions 1 to 3; a newer version: upgrade idfz\)/);
  // A version byte of 3 without a metadata block: the payloads 01 02 03 04 05 06 read as a block of one EXIF entry
  // of 3 bytes, whose CRC (the next 4 bytes) cannot match.
  expectFieldCorrupt('version', '03', /metadata block CRC mismatch \(stored 0x06070809, computed 0x81f67724\)/, 42);
  expectFieldCorrupt('version', 'ff', /format version 255 is not supported .*upgrade idfz/);
  expectFieldCorrupt('version', '00', /format version 0 is not supported .*the file is damaged/);
  expectFieldCorrupt('layout', '0a', /reserved bits of the layout byte 0xa are set/);
  expectFieldCorrupt('layout', '82', /reserved bits of the layout byte 0x82 are set/);
  expectFieldCorrupt('width', '00', /width 0 not in 1\.\.16777216/);
  expectFieldCorrupt('width', '80808010', /width 33554432 not in 1\.\.16777216/);
  expectFieldCorrupt('width', '8500', /width is an overlong varint/);
  expectFieldCorrupt('width', '8080808001', /width is a varint longer than 4 bytes/);
  expectFieldCorrupt('height', '00', /height 0 not in 1\.\.16777216/);
  expectFieldCorrupt('height', '8300', /height is an overlong varint/);
  expectFieldCorrupt('rightPadding', 'fcffff07', /padded width 16777217 not in 5\.\.16777216/);
  expectFieldCorrupt('rightPadding', '8000', /right padding is an overlong varint/);
  expectFieldCorrupt('bottomPadding', 'feffff07', /padded height 16777217 not in 3\.\.16777216/);
  expectFieldCorrupt('bottomPadding', 'ffffffff01', /bottom padding is a varint longer than 4 bytes/);
  expectFieldCorrupt('tileWidth', '09', /tile width 9 not in 1\.\.8/);
  expectFieldCorrupt('tileWidth', '00', /tile width 0 not in 1\.\.8/);
  expectFieldCorrupt('tileHeight', '05', /tile height 5 not in 1\.\.4/);
  expectFieldCorrupt('tileHeight', '8400', /tile height is an overlong varint/);
  expectFieldCorrupt('modelId', 'ffffffff1f', /model id 8589934591 is not a uint32/);
  expectFieldCorrupt('modelId', 'ac8200', /model id is an overlong varint/);
  expectFieldCorrupt('modelId', 'ffffffffff01', /model id is a varint longer than 5 bytes/);
  expectFieldCorrupt('tile0Entry', '8c00', /tile 0 entry is an overlong varint/);
  expectFieldCorrupt('tile0Entry', 'ffffffff1f', /tile 0 entry 8589934591 is not a uint32/);
  expectFieldCorrupt('tile0Entry', '1c', /tile 0 length 14 runs past the end of the file \(truncated or damaged\)/);
  expectFieldCorrupt('tile1Entry', '0b', /tile 1 length 5 runs past the end of the file/);
  // A shorter tile leaves its byte at the end: the payloads are where the running sum of lengths puts them.
  expectFieldCorrupt('tile1Entry', '07', /1 byte after the last tile/, 45);
});

test('fields where every value is valid are bound by the header CRC', () => {
  // The sha256 prefix, the pixel CRC and the tile CRCs take any value; a resealed change reads back as written.
  const header = readIdfHeader(sealed({ modelSha256Prefix: 'ffffffff', pixelChecksum: '01000000', tile0Crc: '00000000' }));
  assert.deepEqual([header.modelSha256Prefix, header.pixelChecksum, header.tiles[0]!.crc32],
    [Uint8Array.of(255, 255, 255, 255), 1, 0]);
  const layout = readIdfHeader(sealed({ layout: '07' }));
  assert.deepEqual([layout.channels, layout.bitDepth], [4, 16]);
  // Unsealed, every single-bit flip anywhere in the header (fields, table, header CRC) is corruption.
  const bytes = golden();
  for (let bit = 0; bit < 8 * 36; bit++) {
    bytes[bit >> 3]! ^= 1 << (bit & 7);
    assert.throws(() => readIdfHeader(bytes), CorruptStreamError, `bit ${bit}`);
    bytes[bit >> 3]! ^= 1 << (bit & 7);
  }
  const flipped = golden();
  flipped[12]! ^= 0x01; // model id 300 -> 301: in range, only the CRC can tell
  expectCorrupt(flipped, /header CRC mismatch \(stored 0x0e8fd099, computed 0x[0-9a-f]{8}\) at byte 32$/);
});

test('a grid that disagrees with the table moves the header CRC; a huge grid is bounded by the file first', () => {
  // 8 x 4 tiles make a 1 x 1 grid: the reader takes tile 1's entry for the header CRC.
  expectCorrupt(sealed({ tileWidth: '08' }), /header CRC mismatch .* at byte 27$/);
  // 1 x 1 tiles make an 8 x 4 grid: 32 entries of at least 5 bytes cannot fit in the 24 bytes left.
  expectCorrupt(sealed({ tileWidth: '01', tileHeight: '01' }),
    /the 8 x 4 tile grid needs a tile table of at least 160 bytes and a header CRC, but 24 bytes remain .* at byte 22$/);
  // 2^24 x 2^24 pixels in 1 x 1 tiles: 2^48 entries, rejected from the arithmetic alone.
  const maxSize = { width: '80808008', height: '80808008', rightPadding: '00', bottomPadding: '00' };
  expectCorrupt(sealed({ ...maxSize, tileWidth: '01', tileHeight: '01' }),
    /the 16777216 x 16777216 tile grid needs a tile table of at least 1407374883553280 bytes/);
});

test('every truncation and every trailing byte is corruption', () => {
  const bytes = golden();
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(() => readIdfHeader(bytes.subarray(0, length)), CorruptStreamError, `length ${length}`);
  }
  const longer = new Uint8Array(bytes.length + 2);
  longer.set(bytes);
  expectCorrupt(longer, /2 bytes after the last tile at byte 46$/);
});

test('allowTruncatedPayloads reads an intact header of a file cut inside its payloads, saying what is missing', () => {
  const bytes = golden();
  const whole = readIdfHeader(bytes);
  assert.equal(whole.missingBytes, 0);
  for (let length = 0; length < bytes.length; length++) {
    const cut = bytes.subarray(0, length);
    if (length < whole.headerBytes) {
      assert.throws(() => readIdfHeader(cut, { allowTruncatedPayloads: true }), CorruptStreamError, `length ${length}`);
    } else {
      const header = readIdfHeader(cut, { allowTruncatedPayloads: true });
      assert.deepEqual([header.tiles, header.missingBytes], [whole.tiles, bytes.length - length], `length ${length}`);
    }
  }
  const longer = new Uint8Array(bytes.length + 2);
  longer.set(bytes);
  assert.throws(() => readIdfHeader(longer, { allowTruncatedPayloads: true }), /2 bytes after the last tile at byte 46$/);
});

test('a damaged payload fails only its own tile, naming the tile and its offset', () => {
  const bytes = golden();
  bytes[43]! ^= 0x40;
  const header = readIdfHeader(bytes, { source: 'photo.idf' });
  assert.deepEqual(readTilePayload(bytes, header, 0), TILES[0]!.payload);
  assert.throws(() => readTilePayload(bytes, header, 1, 'photo.idf'),
    /^CorruptStreamError: photo\.idf: corrupt stream: tile 1 CRC mismatch at byte 42/);
  assert.throws(() => readTilePayload(bytes, header, 2), /no tile 2/);
});

test('the pixel limit is a LimitError for an intact header, checked before the tile table is allocated', () => {
  assert.throws(() => readIdfHeader(golden(), { maxPixels: 31, source: 'big.idf' }), (error: unknown) =>
    error instanceof LimitError && /big\.idf: image of 8 x 4 padded pixels exceeds the limit of 31/.test(error.message));
  readIdfHeader(golden(), { maxPixels: 32 });
  // Damage comes first: a flipped header is corruption, not a reason to raise the limit.
  const flipped = golden();
  flipped[12]! ^= 0x01;
  assert.throws(() => readIdfHeader(flipped, { maxPixels: 31 }), CorruptStreamError);
  // 2^24 x 2^24 pixels in one tile: refused at the tile width (tiles are at most 4096 on a side), so a tiny file
  // cannot declare a huge image: more pixels need more tiles, and every tile-table entry takes bytes.
  const huge = sealed({
    width: '80808008', height: '80808008', rightPadding: '00', bottomPadding: '00',
    tileWidth: '80808008', tileHeight: '80808008', tile1Entry: '', tile1Crc: '',
  });
  assert.throws(() => readIdfHeader(huge, { maxPixels: Number.MAX_SAFE_INTEGER }), (error: unknown) => error instanceof CorruptStreamError &&
    /tile width 16777216 not in 1\.\.4096/.test(error.message));
});
