import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteWriter } from '../../src/core/byte-writer.js';
import { InternalError } from '../../src/core/errors.js';

test('fields are written little-endian, in order, and the buffer grows past its capacity', () => {
  const out = new ByteWriter(16);
  out.u8(0xab).u16(0x1234).u32(0xdeadbeef).u64(2 ** 40 + 5).bytes(new Uint8Array([9, 8, 7]));
  for (let i = 0; i < 100; i++) out.u8(i);
  const bytes = out.toBytes();
  assert.equal(out.size, 1 + 2 + 4 + 8 + 3 + 100);
  assert.deepEqual(
    [...bytes.subarray(0, 18)],
    [0xab, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde, 5, 0, 0, 0, 0, 1, 0, 0, 9, 8, 7],
  );
  assert.equal(bytes[117], 99);
});

test('a value that does not fit its field is a bug, never truncated', () => {
  const out = new ByteWriter();
  assert.throws(() => out.u8(256), InternalError);
  assert.throws(() => out.u16(-1), InternalError);
  assert.throws(() => out.u32(2 ** 32), InternalError);
  assert.throws(() => out.u32(1.5), InternalError);
  assert.throws(() => out.u64(2 ** 53), InternalError);
  assert.equal(out.size, 0);
});
