import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from '../../src/core/crc32.js';
import { SeededRandom } from '../../src/core/seeded-random.js';
import { pixelChecksum } from '../../src/container/index.js';

test('8-bit samples: the CRC-32 of the bytes', () => {
  const samples = Uint8Array.from([0, 1, 2, 250, 255]);
  assert.equal(pixelChecksum(samples), crc32(samples));
});

test('16-bit samples: the CRC-32 of their little-endian bytes, also across internal chunks', () => {
  const random = new SeededRandom(41);
  for (const n of [0, 1, 3, 65536, 70001]) {
    const samples = Uint16Array.from({ length: n }, () => random.int(0, 65535));
    const bytes = new Uint8Array(2 * n);
    samples.forEach((value, i) => {
      bytes[2 * i] = value & 0xff;
      bytes[2 * i + 1] = value >> 8;
    });
    assert.equal(pixelChecksum(samples), crc32(bytes), `n ${n}`);
  }
  assert.equal(pixelChecksum(Uint16Array.of(0x0102)), crc32(Uint8Array.of(2, 1)));
});
