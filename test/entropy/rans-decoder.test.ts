import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptStreamError, InternalError } from '../../src/core/errors.js';
import { RansDecoder, RansEncoder, logisticInterval } from '../../src/entropy/index.js';
import { ESCAPE_LENGTH_BITS, encodeBitsPut } from '../../src/entropy/escape.js';
import { STATE_LOWER, WordStack, encodePut, flushState } from '../../src/entropy/rans-core.js';
import { HASH0_SEED, HASH1_SEED, hashStep0, hashStep1 } from '../../src/entropy/symbol-hash.js';

test('a stream shorter than the two states, of odd length, or with a state out of range is corrupt', () => {
  assert.throws(() => new RansDecoder(new RansEncoder().finish().subarray(0, 14)), /rANS data ends early at byte 14/);
  assert.throws(() => new RansDecoder(new Uint8Array(17)), /odd length 17/);
  assert.throws(() => new RansDecoder(new Uint8Array(16)), /initial state at byte 0 is out of range/);
  const high = new Uint8Array(16).fill(0xff);
  assert.throws(() => new RansDecoder(high), CorruptStreamError);
});

test('errors name offsets in the enclosing buffer when the stream is a slice of it', () => {
  const stream = new RansEncoder().finish();
  const file = new Uint8Array(100 + stream.length);
  file.set(stream, 100);
  new RansDecoder(file, 100, 100 + stream.length).finish();
  assert.throws(() => new RansDecoder(file, 100, 110), /ends early at byte 110/);
  assert.throws(() => new RansDecoder(file, 90, 200), InternalError);
});

test('a uniform slot in the unused share of a range is corrupt, not a value outside it', () => {
  // 65535 of [0, 65535] sits in the top 256 slots, which [0, 65534] (frequency 256 each) leaves unused.
  const encoder = new RansEncoder();
  encoder.encodeUniform(Uint16Array.of(65535), 0, 65535);
  const decoder = new RansDecoder(encoder.finish());
  assert.throws(() => decoder.decodeUniform(new Uint16Array(1), 0, 65534), /uniform slot outside \[0, 65534\]/);
});

test('a uniform range must fit the output array', () => {
  const decoder = new RansDecoder(new RansEncoder().finish());
  assert.throws(() => decoder.decodeUniform(new Uint8Array(1), 0, 256), /does not fit a 8-bit array/);
  assert.throws(() => decoder.decodeUniform(new Uint16Array(1), -1, 3), /does not fit a 16-bit array/);
});

test('an escape length beyond 33 bits is rejected', () => {
  // Hand-build a stream whose single logistic symbol escapes with the impossible length 40.
  const stack = new WordStack();
  const expected = 0; // decoding stops before the symbol, so the hash lanes never matter
  let x = STATE_LOWER + (hashStep0(HASH0_SEED, expected) >>> 0);
  x = encodeBitsPut(x, 40, ESCAPE_LENGTH_BITS, stack);
  const escapeBin = logisticInterval(-(10 ** 6), 0, 100); // the low escape bin of logistic(0, 100)
  assert.equal(escapeBin.start, 0);
  x = encodePut(x, 0, escapeBin.freq, stack);
  flushState(STATE_LOWER + (hashStep1(HASH1_SEED, expected) >>> 0), stack);
  flushState(x, stack);
  const decoder = new RansDecoder(stack.toBytes());
  assert.throws(
    () => decoder.decodeLogistic(new Int32Array(1), Int32Array.of(0), Uint16Array.of(100)),
    /escape length 40 > 33/,
  );
});
