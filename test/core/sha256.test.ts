import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256, sha256Hex } from '../../src/core/sha256.js';

test('sha256 of "abc" is the FIPS 180-2 test vector, as bytes and hex', () => {
  const expected = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  const input = new TextEncoder().encode('abc');
  assert.equal(sha256Hex(input), expected);
  assert.equal(Buffer.from(sha256(input)).toString('hex'), expected);
  assert.equal(sha256(input).length, 32);
});
