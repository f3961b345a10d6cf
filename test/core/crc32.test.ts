import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32Update } from '../../src/core/crc32.js';
import { SeededRandom } from '../../src/core/seeded-random.js';

/** Bit-at-a-time reference CRC-32 (IEEE), independent of the table implementation. */
function referenceCrc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test('crc32 matches the standard check value and the empty input', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test('crc32 equals a bitwise reference on random data of every length up to 40', () => {
  const random = new SeededRandom(7);
  for (let length = 0; length <= 40; length++) {
    const bytes = Uint8Array.from({ length }, () => random.int(0, 255));
    assert.equal(crc32(bytes), referenceCrc32(bytes), `length ${length}`);
  }
});

test('crc32Update continues a CRC across chunks', () => {
  const random = new SeededRandom(8);
  const bytes = Uint8Array.from({ length: 1000 }, () => random.int(0, 255));
  for (const split of [0, 1, 7, 8, 9, 500, 999, 1000]) {
    assert.equal(crc32Update(crc32(bytes.subarray(0, split)), bytes.subarray(split)), crc32(bytes), `split ${split}`);
  }
});
