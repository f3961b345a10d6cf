/**
 * A fixed small .idf description and tiles for the container tests: a 5 x 3 RGB image padded to 8 x 4, cut into
 * 4 x 4 tiles (2 tiles, the second a fallback tile), and the bytes format version 1 writes for it, field by field
 * so that tests can rebuild the file with one field changed; format version 2 writes the same bytes but for the
 * version byte and the header CRC; format version 3 adds a metadata block (an ICC profile and an XMP packet, stand-ins
 * of a few bytes) between the header CRC and the payloads. The CRC-32s were computed with Python's zlib.crc32.
 */
import type { IdfImageInfo, IdfMetadataEntry, IdfTileInput } from '../../src/container/index.js';

export const INFO: IdfImageInfo = {
  channels: 3,
  bitDepth: 8,
  width: 5,
  height: 3,
  paddedWidth: 8,
  paddedHeight: 4,
  tileWidth: 4,
  tileHeight: 4,
  modelId: 300,
  modelSha256: Uint8Array.from({ length: 32 }, (_, i) => i),
  pixelChecksum: 0xdeadbeef,
};

export const TILES: IdfTileInput[] = [
  { payload: Uint8Array.from([1, 2, 3, 4, 5, 6]), fallback: false },
  { payload: Uint8Array.from([9, 8, 7, 6]), fallback: true },
];

/** The header fields before the header CRC, in file order, as hex (FORMAT.md's table, one row each). */
export const GOLDEN_FIELDS = {
  magic: '89494446',
  version: '01',
  layout: '02', // channels - 1 = 2, 8-bit, reserved bits 0
  width: '05',
  height: '03',
  rightPadding: '03',
  bottomPadding: '01',
  tileWidth: '04',
  tileHeight: '04',
  modelId: 'ac02', // 300 = 0x2c | 0x80, then 2
  modelSha256Prefix: '00010203',
  pixelChecksum: 'efbeadde',
  tile0Entry: '0c', // length 6 << 1 | learned
  tile0Crc: '2477f681',
  tile1Entry: '09', // length 4 << 1 | fallback
  tile1Crc: 'dcf27df4',
};

/** Header CRC-32 of the concatenated GOLDEN_FIELDS (32 bytes), little-endian. */
export const GOLDEN_HEADER_CRC = '99d08f0e';

/** The two payloads, back to back. */
export const GOLDEN_PAYLOADS = '010203040506' + '09080706';

/** The whole fixture file as format version 1 writes it (46 bytes). Never regenerate within version 1. */
export const GOLDEN_IDF_HEX = Object.values(GOLDEN_FIELDS).join('') + GOLDEN_HEADER_CRC + GOLDEN_PAYLOADS;

/** The same file as format version 2 writes it: version byte 02 and its header CRC. Never regenerate within 2. */
export const GOLDEN_IDF_V2_HEX = Object.values({ ...GOLDEN_FIELDS, version: '02' }).join('') + 'bed7510c' +
  GOLDEN_PAYLOADS;

/** The metadata of the version-3 fixture, in stored order: an "ICC profile" of 3 bytes and an "XMP packet" of 4. */
export const METADATA: IdfMetadataEntry[] = [
  { type: 'icc', bytes: Uint8Array.from(Buffer.from('ICC', 'latin1')) },
  { type: 'xmp', bytes: Uint8Array.from(Buffer.from('<x/>', 'latin1')) },
];

/** The metadata block of the version-3 fixture, field by field (FORMAT.md, "Metadata block"). */
export const GOLDEN_METADATA_FIELDS = {
  count: '02',
  entry0Type: '01', // ICC profile
  entry0Length: '03',
  entry0Bytes: '494343',
  entry1Type: '03', // XMP
  entry1Length: '04',
  entry1Bytes: '3c782f3e',
  blockCrc: 'dcace15d', // CRC-32 of the bytes above, little-endian
};

/**
 * The same file as format version 3 writes it with METADATA: version byte 03 and its header CRC, the metadata block,
 * then the payloads unchanged (36 + 16 + 10 = 62 bytes). Never regenerate within version 3.
 */
export const GOLDEN_IDF_V3_HEX = Object.values({ ...GOLDEN_FIELDS, version: '03' }).join('') + 'a32ae40d' +
  Object.values(GOLDEN_METADATA_FIELDS).join('') + GOLDEN_PAYLOADS;
