import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/core/byte-reader.js';
import { ByteWriter } from '../../src/core/byte-writer.js';
import { CorruptStreamError } from '../../src/core/errors.js';

test('reads back what ByteWriter wrote', () => {
  const bytes = new ByteWriter().u8(7).u16(65535).u32(4000000000).u64(2 ** 52 + 3).bytes(new Uint8Array([1, 2])).toBytes();
  const reader = new ByteReader(bytes, 'test');
  assert.equal(reader.u8('a'), 7);
  assert.equal(reader.u16('b'), 65535);
  assert.equal(reader.u32('c'), 4000000000);
  assert.equal(reader.u64('d'), 2 ** 52 + 3);
  assert.deepEqual([...reader.bytesView(2, 'e')], [1, 2]);
  assert.equal(reader.remaining, 0);
});

test('a truncated field names the field, the offset and the source', () => {
  const reader = new ByteReader(new Uint8Array([1, 2, 3]), 'photo.idf');
  reader.u8('first');
  assert.throws(() => reader.u32('width'), (error: unknown) => {
    assert.ok(error instanceof CorruptStreamError);
    assert.match(error.message, /^photo\.idf: corrupt stream: width needs 4 bytes but only 2 remain .* at byte 1$/);
    return true;
  });
});

test('a u64 of 2^53 or more is rejected', () => {
  const bytes = new Uint8Array(8);
  bytes[6] = 0x20; // 2^53
  assert.throws(() => new ByteReader(bytes, 'x').u64('offset'), /offset .* is too large at byte 0/);
});

test('a view of a subarray reads relative to the view', () => {
  const backing = new Uint8Array([0xff, 0x01, 0x00, 0x00, 0x00]);
  assert.equal(new ByteReader(backing.subarray(1), 'x').u32('v'), 1);
});
