import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataError } from '../../src/core/errors.js';
import { npyIntegers, npyUint8, parseNpy } from '../../src/data/npy.js';
import { npyBytes } from './formats.js';

test('uint8 and integer arrays parse with exact shapes and values', () => {
  const image = parseNpy(npyBytes('|u1', [2, 3], Uint8Array.of(0, 1, 2, 253, 254, 255)), 'a.npy');
  assert.deepEqual(image.shape, [2, 3]);
  assert.deepEqual([...npyUint8(image, 'a.npy')], [0, 1, 2, 253, 254, 255]);

  const int64 = new Uint8Array(new BigInt64Array([1n, 1000n, -5n, 2n ** 53n - 1n]).buffer);
  assert.deepEqual([...npyIntegers(parseNpy(npyBytes('<i8', [4], int64), 'l.npy'), 'l.npy')], [1, 1000, -5, 2 ** 53 - 1]);
  // Big-endian int16 and a Python 2 header with long literals.
  const be = parseNpy(npyBytes('>i2', [2], Uint8Array.of(0x01, 0x02, 0xff, 0xfe)), 'b.npy');
  assert.deepEqual([...npyIntegers(be, 'b.npy')], [258, -2]);
  const py2 = npyBytes('|u1', [1, 2], Uint8Array.of(7, 8));
  const text = Buffer.from(py2).toString('latin1').replace('(1, 2), }  ', '(1L, 2L), }');
  assert.deepEqual(parseNpy(Buffer.from(text, 'latin1'), 'p.npy').shape, [1, 2]);
  assert.deepEqual(parseNpy(npyBytes('<i8', [], new Uint8Array(8)), 's.npy').shape, []);
});

test('malformed or unsupported .npy content is a DataError', () => {
  const good = npyBytes('|u1', [2, 2], Uint8Array.of(1, 2, 3, 4));
  const cases: [Uint8Array, RegExp][] = [
    [good.subarray(0, 8), /not a \.npy array/],
    [Uint8Array.of(...good.subarray(0, 6), 4, 0, ...good.subarray(8)), /version 4\.0 is not supported/],
    [good.subarray(0, 40), /header of \d+ bytes runs past/],
    [good.subarray(0, good.length - 1), /needs 4 bytes but 3 follow/],
    [npyBytes('<f4', [1], new Uint8Array(4)), /element type '<f4' is not supported/],
    [npyBytes('|u1', [2, 2], new Uint8Array(4), true), /Fortran-ordered/],
    [npyBytes('|u1', [2 ** 31, 2 ** 31, 2 ** 31], new Uint8Array(0)), /needs \d.* bytes but 0 follow/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => parseNpy(bytes, 'x.npy'), (error) => error instanceof DataError && message.test(error.message), String(message));
  }
  const structured = Buffer.from(Buffer.from(good).toString('latin1').replace("'descr': '|u1'", "'descr': [('a', '|u1')]"), 'latin1');
  assert.throws(() => parseNpy(structured, 'x.npy'), /not a dict with 'descr'/);
  assert.throws(() => npyUint8(parseNpy(npyBytes('<i8', [1], new Uint8Array(8)), 'x'), 'x'), /expected a uint8 array, found '<i8'/);
  const huge = new Uint8Array(new BigUint64Array([2n ** 60n]).buffer);
  assert.throws(() => npyIntegers(parseNpy(npyBytes('<u8', [1], huge), 'x'), 'x'), /element 0 \(1152921504606846976\)/);
});
