import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEscapeValue, encodeEscapePut, escapeCodeLengthBits } from '../../src/entropy/escape.js';
import {
  DecodeCursor, STATE_LOWER, WordReader, WordStack, flushState, readState,
} from '../../src/entropy/rans-core.js';

const VALUES = [0, 1, 2, 3, 255, 65535, 65536, 65537, 2 ** 17 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 33 - 1];

test('escape values from 0 to 2^33 - 1 round trip through one state, in reverse order', () => {
  const stack = new WordStack();
  let x = STATE_LOWER;
  for (let i = VALUES.length - 1; i >= 0; i--) x = encodeEscapePut(x, VALUES[i]!, stack);
  flushState(x, stack);
  const bytes = stack.toBytes();
  const reader = new WordReader(bytes, 0, bytes.length);
  const cursor = new DecodeCursor(reader);
  cursor.x = readState(reader);
  for (const value of VALUES) assert.equal(decodeEscapeValue(cursor, 0), value);
  assert.equal(cursor.x, STATE_LOWER);
  assert.equal(reader.pos, bytes.length);
});

test('an escape costs 6 bits of length plus the bits below its leading one, exactly', () => {
  assert.deepEqual(
    VALUES.map(escapeCodeLengthBits),
    [6, 6, 7, 7, 13, 21, 22, 22, 22, 37, 37, 38, 38],
  );
  // The coder spends exactly that: raw fields are powers of two, so 13 values cost their ideal bits to the bit.
  const stack = new WordStack();
  let x = STATE_LOWER;
  for (const value of VALUES) x = encodeEscapePut(x, value, stack);
  const totalBits = VALUES.reduce((sum, value) => sum + escapeCodeLengthBits(value), 0);
  assert.equal(Math.floor(Math.log2(x)) + 1 + 16 * stack.top - 37, totalBits);
});
