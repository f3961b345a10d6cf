/**
 * A fixed small .idf description and tiles for the container tests: a 5 x 3 RGB image padded to 8 x 4, cut into
 * 4 x 4 tiles (2 tiles, the second a fallback tile), and the bytes format version 1 writes for it.
 */
import type { IdfImageInfo, IdfTileInput } from '../../src/container/index.js';

export const INFO: IdfImageInfo = {
  channels: 3,
  bitDepth: 8,
  width: 5,
  height: 3,
  paddedWidth: 8,
  paddedHeight: 4,
  tileWidth: 4,
  tileHeight: 4,
  modelId: 7,
  modelSha256: Uint8Array.from({ length: 32 }, (_, i) => i),
  pixelChecksum: 0xdeadbeef,
};

export const TILES: IdfTileInput[] = [
  { payload: Uint8Array.from([1, 2, 3, 4, 5, 6]), fallback: false },
  { payload: Uint8Array.from([9, 8, 7, 6]), fallback: true },
];

/**
 * The fixture written by format version 1, field by field (offsets 124 and 130; CRC-32s little-endian). Never
 * regenerate within version 1.
 */
export const GOLDEN_IDF_HEX =
  '89494446' + '0d0a1a0a' + '01' + '00' + '03' + '08' + '05000000' + '03000000' + '08000000' + '04000000' +
  '04000000' + '04000000' + '07000000' +
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f' + 'efbeadde' + '02000000' +
  '7c00000000000000' + '06000000' + '2477f681' + '00' + '000000' +
  '8200000000000000' + '04000000' + 'dcf27df4' + '01' + '000000' +
  '719767b7' + '010203040506' + '09080706';
