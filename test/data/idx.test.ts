import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { DataError, LimitError } from '../../src/core/errors.js';
import { parseIdx } from '../../src/data/idx.js';
import { idxBytes } from './formats.js';

test('a raw and a gzipped idx file parse to the same dims and bytes', () => {
  const data = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 11) % 256);
  const raw = idxBytes([2, 3, 4], data);
  for (const bytes of [raw, gzipSync(raw)]) {
    const parsed = parseIdx(bytes, 'x.idx');
    assert.deepEqual(parsed.dims, [2, 3, 4]);
    assert.deepEqual([...parsed.data], data);
  }
  // Dimensions above 255 exercise all four big-endian bytes.
  assert.deepEqual(parseIdx(idxBytes([70_000], new Uint8Array(70_000)), 'big').dims, [70_000]);
});

test('malformed idx headers are DataErrors that name the file', () => {
  const good = idxBytes([2, 2], [1, 2, 3, 4]);
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 3), /f: 3 bytes is too short/],
    [Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), /f: not an idx file \(magic starts 0x01 0x00/],
    [idxBytes([1], [0, 0, 0, 0], 0x0d), /f: idx element type float32; idfz reads only uint8/],
    [idxBytes([1], [0], 0x42), /f: unknown idx element type 0x42/],
    [Uint8Array.of(0, 0, 8, 0), /f: idx header declares 0 dimensions/],
    [good.subarray(0, 10), /f: truncated idx header/],
    [good.subarray(0, good.length - 1), /f: idx header declares 2x2 = 4 bytes of data but the file holds 3/],
    [Uint8Array.of(...good, 9), /holds 5/],
    [idxBytes([0xffffffff, 0xffffffff, 0xffffffff], []), /f: idx header declares 4294967295x4294967295x4294967295/],
    [gzipSync(good).subarray(0, 15), /f: corrupt or truncated gzip data/],
  ];
  for (const [bytes, message] of cases) assert.throws(() => parseIdx(bytes, 'f'), (error) => error instanceof DataError && message.test(error.message));
});

test('a gzipped idx file that inflates beyond the bound is a LimitError', () => {
  const bomb = gzipSync(idxBytes([100_000], new Uint8Array(100_000)));
  assert.throws(() => parseIdx(bomb, 'bomb.gz', 50_000), (error) => error instanceof LimitError && /bomb\.gz: decompresses to more than 50000/.test(error.message));
});
