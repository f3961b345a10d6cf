import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../src/core/crc32.js';
import { CorruptStreamError, InternalError } from '../../src/core/errors.js';
import {
  MAX_METADATA_BYTES, attachIdfMetadata, readIdfHeader, readTilePayload, writeIdf,
} from '../../src/container/index.js';
import {
  GOLDEN_FIELDS, GOLDEN_IDF_V2_HEX, GOLDEN_IDF_V3_HEX, GOLDEN_METADATA_FIELDS, GOLDEN_PAYLOADS, INFO, METADATA, TILES,
} from './idf-format-fixture.js';

type BlockField = keyof typeof GOLDEN_METADATA_FIELDS;
const HEADER_V3 = Object.values({ ...GOLDEN_FIELDS, version: '03' }).join('') + 'a32ae40d';
const BLOCK_START = HEADER_V3.length / 2;

function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** The version-3 fixture with some block fields replaced (hex) and the block CRC recomputed. */
function sealedBlock(changes: Partial<Record<BlockField, string>>): Uint8Array {
  const { blockCrc, ...fields } = { ...GOLDEN_METADATA_FIELDS, ...changes };
  const block = Buffer.from(Object.values(fields).join(''), 'hex');
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(block));
  return fromHex(HEADER_V3 + block.toString('hex') + crc.toString('hex') + GOLDEN_PAYLOADS);
}

function offsetOf(field: BlockField, changes: Partial<Record<BlockField, string>>): number {
  const fields = { ...GOLDEN_METADATA_FIELDS, ...changes };
  const names = Object.keys(fields) as BlockField[];
  return BLOCK_START + names.slice(0, names.indexOf(field)).reduce((sum, name) => sum + fields[name].length / 2, 0);
}

function expectBlockCorrupt(
  field: BlockField, hex: string, message: RegExp, extra: Partial<Record<BlockField, string>> = {}, atField = field,
): void {
  const changes = { ...extra, [field]: hex };
  const at = offsetOf(atField, changes);
  assert.throws(() => readIdfHeader(sealedBlock(changes), { source: 'a.idf' }), (error: unknown) => {
    assert.ok(error instanceof CorruptStreamError, `${field} ${hex}: ${String(error)}`);
    assert.match(error.message, message, `${field} ${hex}`);
    assert.ok(error.message.endsWith(` at byte ${at}`), `${field} ${hex}: ${error.message} (expected byte ${at})`);
    return true;
  });
}

test('the version-3 fixture is written byte for byte as FORMAT.md specifies, by writeIdf and by attachIdfMetadata', () => {
  assert.equal(Buffer.from(writeIdf(INFO, TILES, 2, METADATA)).toString('hex'), GOLDEN_IDF_V3_HEX);
  // Entries in any order are stored in type order.
  assert.equal(Buffer.from(writeIdf(INFO, TILES, 2, [...METADATA].reverse())).toString('hex'), GOLDEN_IDF_V3_HEX);
  const v2 = fromHex(GOLDEN_IDF_V2_HEX);
  assert.equal(Buffer.from(attachIdfMetadata(v2, METADATA)).toString('hex'), GOLDEN_IDF_V3_HEX);
  // No metadata: the version-2 file itself, byte for byte.
  assert.equal(attachIdfMetadata(v2, []), v2);
  assert.equal(Buffer.from(writeIdf(INFO, TILES, 2, [])).toString('hex'), GOLDEN_IDF_V2_HEX);
  assert.equal(GOLDEN_IDF_V3_HEX.length / 2, 62);
});

test('a version-3 file reads back as the version-2 file plus its metadata; payloads are untouched', () => {
  const bytes = fromHex(GOLDEN_IDF_V3_HEX);
  const header = readIdfHeader(bytes);
  const v2 = readIdfHeader(fromHex(GOLDEN_IDF_V2_HEX));
  assert.deepEqual([header.version, header.fileVersion, header.metadataBytes, header.headerBytes], [2, 3, 16, 52]);
  assert.deepEqual(header.metadata, METADATA);
  const { fileVersion, metadata, metadataBytes, headerBytes, tiles, ...rest } = header;
  const { fileVersion: f2, metadata: m2, metadataBytes: b2, headerBytes: h2, tiles: t2, ...rest2 } = v2;
  assert.deepEqual(rest, rest2);
  assert.deepEqual(tiles.map((tile) => tile.offset), t2.map((tile) => tile.offset + 16));
  TILES.forEach((tile, t) => assert.deepEqual(readTilePayload(bytes, header, t), tile.payload));
  // The entries are copies: the file's bytes can be reused.
  bytes[BLOCK_START + 3] = 0;
  assert.deepEqual(header.metadata[0]!.bytes, METADATA[0]!.bytes);
});

test('each metadata field, changed to a bad value, is reported as corruption at its byte offset', () => {
  expectBlockCorrupt('count', '00', /metadata entry count 0 is not in 1\.\.4/);
  expectBlockCorrupt('count', '05', /metadata entry count 5 is not in 1\.\.4/);
  expectBlockCorrupt('entry0Type', '00', /metadata entry 0 has unknown type 0/);
  expectBlockCorrupt('entry1Type', '07', /metadata entry 1 has unknown type 7 \(1 ICC, 2 EXIF, 3 XMP, 4 IPTC\)/);
  expectBlockCorrupt('entry1Type', '01', /metadata entry 1 type 1 is not above the previous entry's 1/);
  expectBlockCorrupt('entry0Type', '04', /metadata entry 1 type 3 is not above the previous entry's 4/, {}, 'entry1Type');
  expectBlockCorrupt('entry0Length', '00', /metadata entry 0 length 0 is not in 1\.\.16777216/);
  expectBlockCorrupt('entry0Length', '8300', /metadata entry 0 length is an overlong varint/);
  expectBlockCorrupt('entry0Length', '8180808008', /metadata entry 0 length is a varint longer than 4 bytes/);
  expectBlockCorrupt('entry0Length', '81808008', /metadata entry 0 length 16777217 is not in 1\.\.16777216/);
  expectBlockCorrupt('entry1Length', '7f', /metadata entry 1 length 127 runs past the end of the file/);
  // Entries of 2^23 and 2^23 + 1 bytes: the total is refused at the second length, before its bytes are looked for.
  const half = 2 ** 23;
  const block = Buffer.concat([Buffer.from('020180808004', 'hex'), Buffer.alloc(half), Buffer.from('0381808004', 'hex')]);
  const file = Buffer.concat([Buffer.from(HEADER_V3, 'hex'), block]);
  assert.throws(() => readIdfHeader(file, { source: 'a.idf' }),
    new RegExp(`metadata entries total 16777217 bytes, above the limit of 16777216 at byte ${BLOCK_START + 6 + half + 1}$`));
});

test('damage inside the metadata block is caught: every bit flip and every truncation is corruption', () => {
  const bytes = fromHex(GOLDEN_IDF_V3_HEX);
  for (let bit = 8 * BLOCK_START; bit < 8 * (BLOCK_START + 16); bit++) {
    bytes[bit >> 3]! ^= 1 << (bit & 7);
    assert.throws(() => readIdfHeader(bytes), CorruptStreamError, `bit ${bit}`);
    bytes[bit >> 3]! ^= 1 << (bit & 7);
  }
  // In-range damage to an entry's bytes: only the block CRC can tell, and it names the CRC's offset.
  bytes[BLOCK_START + 4]! ^= 0x20;
  assert.throws(() => readIdfHeader(bytes, { source: 'a.idf' }),
    /^CorruptStreamError: a\.idf: corrupt stream: metadata block CRC mismatch \(stored 0x5de1acdc, computed 0x[0-9a-f]{8}\) at byte 48$/);
  const whole = fromHex(GOLDEN_IDF_V3_HEX);
  for (let length = 0; length < whole.length; length++) {
    assert.throws(() => readIdfHeader(whole.subarray(0, length)), CorruptStreamError, `length ${length}`);
    // The block precedes the payloads, so a cut inside it fails even for inspection.
    if (length < 52) assert.throws(() => readIdfHeader(whole.subarray(0, length), { allowTruncatedPayloads: true }), CorruptStreamError);
  }
});

test('the writer refuses metadata that no reader would accept', () => {
  const icc = METADATA[0]!;
  assert.throws(() => writeIdf(INFO, TILES, 2, [icc, icc]), /metadata type icc is out of order or repeated/);
  assert.throws(() => writeIdf(INFO, TILES, 2, [{ type: 'exif', bytes: new Uint8Array(0) }]), /exif metadata of 0 bytes is not in 1\.\.16777216/);
  assert.throws(() => writeIdf(INFO, TILES, 2, [{ type: 'gps' as 'exif', bytes: Uint8Array.of(1) }]), /unknown metadata type gps/);
  assert.throws(() => writeIdf(INFO, TILES, 1, METADATA), /metadata needs stream version 2/);
  const big = new Uint8Array(MAX_METADATA_BYTES);
  assert.throws(() => writeIdf(INFO, TILES, 2, [{ type: 'icc', bytes: big }, { type: 'xmp', bytes: Uint8Array.of(1) }]),
    (error: unknown) => error instanceof InternalError && /16777217 bytes in all is above 16777216/.test(error.message));
  // An entry of exactly the limit is accepted and read back.
  const header = readIdfHeader(writeIdf(INFO, TILES, 2, [{ type: 'iptc', bytes: big }]));
  assert.deepEqual([header.metadata.length, header.metadata[0]!.type, header.metadata[0]!.bytes.length], [1, 'iptc', MAX_METADATA_BYTES]);
  assert.throws(() => attachIdfMetadata(fromHex(GOLDEN_IDF_V3_HEX), METADATA), /format version 3, not 2/);
});
