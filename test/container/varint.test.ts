import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/core/byte-reader.js';
import { ByteWriter } from '../../src/core/byte-writer.js';
import { CorruptStreamError, InternalError } from '../../src/core/errors.js';
import { readVarint, varintLength, writeVarint } from '../../src/container/varint.js';

function encode(value: number): string {
  const out = new ByteWriter();
  writeVarint(out, value);
  return Buffer.from(out.toBytes()).toString('hex');
}

function decode(hex: string, maxBytes: number): { value: number; pos: number } {
  const reader = new ByteReader(new Uint8Array(Buffer.from(hex, 'hex')), 'v.bin');
  const value = readVarint(reader, 'field', maxBytes);
  return { value, pos: reader.pos };
}

test('minimal LEB128 bytes at every length boundary, and back', () => {
  const cases: [number, string][] = [
    [0, '00'], [1, '01'], [127, '7f'], [128, '8001'], [300, 'ac02'], [16383, 'ff7f'], [16384, '808001'],
    [2 ** 21 - 1, 'ffff7f'], [2 ** 21, '80808001'], [2 ** 24, '80808008'], [2 ** 28 - 1, 'ffffff7f'],
    [2 ** 28, '8080808001'], [2 ** 32 - 1, 'ffffffff0f'],
  ];
  for (const [value, hex] of cases) {
    assert.equal(encode(value), hex, `value ${value}`);
    assert.equal(varintLength(value), hex.length / 2, `length of ${value}`);
    assert.deepEqual(decode(hex + 'ee', 5), { value, pos: hex.length / 2 }, `decode ${hex}`);
  }
});

test('the writer rejects values outside 0..2^32 - 1 as a bug', () => {
  for (const value of [-1, 0.5, 2 ** 32, Number.NaN]) {
    assert.throws(() => encode(value), InternalError, `value ${value}`);
    assert.throws(() => varintLength(value), InternalError, `length of ${value}`);
  }
});

test('overlong, over-cap and truncated varints are corruption at the varint start', () => {
  const expectCorrupt = (hex: string, maxBytes: number, message: RegExp): void => {
    const reader = new ByteReader(new Uint8Array(Buffer.from('ff' + hex, 'hex')), 'v.bin');
    reader.pos = 1;
    assert.throws(() => readVarint(reader, 'width', maxBytes), (error: unknown) => {
      assert.ok(error instanceof CorruptStreamError, String(error));
      assert.match(error.message, message);
      return true;
    });
  };
  expectCorrupt('8000', 4, /^v\.bin: corrupt stream: width is an overlong varint .* at byte 1$/);
  expectCorrupt('ff8000', 4, /width is an overlong varint .* at byte 1$/);
  expectCorrupt('8080808000', 5, /width is an overlong varint/);
  expectCorrupt('8080808001', 4, /width is a varint longer than 4 bytes at byte 1$/);
  expectCorrupt('ffffffffff01', 5, /width is a varint longer than 5 bytes at byte 1$/);
  expectCorrupt('80', 4, /width needs 1 bytes but only 0 remain \(truncated\) at byte 2$/);
  expectCorrupt('', 4, /truncated\) at byte 1$/);
  // The cap is the field's, not the encoding's: 4 bytes still reach 2^28 - 1 and 5 bytes 2^35 - 1.
  assert.deepEqual(decode('ffffff7f', 4), { value: 2 ** 28 - 1, pos: 4 });
  assert.deepEqual(decode('ffffffff7f', 5), { value: 2 ** 35 - 1, pos: 5 });
});
