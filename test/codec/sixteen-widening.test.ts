/**
 * Widened 16-bit groups: widenValue is x257 for 8 bits, (v << 6) | (v >> 4) for 10 and round(v * 65535 / 1023) for
 * 10-bit scaling, findWidening finds the
 * smallest b and refuses genuine 16-bit content (one sample off is enough), fallback mode 7 streams are two bytes
 * plus the b-bit group's own stream and decode exactly, widened low-byte streams are two bytes, and damaged
 * descriptors or high bytes that cannot be widened values are corrupt-stream errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptStreamError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';
import { FALLBACK_MODE, decodeFallback, decodeLowBytes, encodeFallback, encodeLowBytes } from '../../src/codec/fallback-coder.js';
import {
  findBitMask, findWidening, narrowSamples, readWideningHeader, widenSamples, widenValue, wideningHeader, type Widening,
} from '../../src/codec/sixteen-widening.js';

const REPLICATE = (bits: number): Widening => ({ bits, fill: 'replicate' });
const ZERO_FILL = (bits: number): Widening => ({ bits, fill: 'zero' });
const SCALE = (bits: number): Widening => ({ bits, fill: 'scale' });
const firstByte = (widening: Widening): number => wideningHeader(widening)[0]!;

/** A smooth b-bit group with mild noise, `channels` interleaved. */
function smoothValues(width: number, height: number, channels: number, bits: number, seed: number): Uint16Array {
  const random = new Random(seed);
  const max = 2 ** bits - 1;
  const out = new Uint16Array(width * height * channels);
  for (let i = 0; i < out.length; i++) {
    const p = Math.floor(i / channels);
    const ramp = ((p % width) + Math.floor(p / width)) / (width + height);
    out[i] = Math.min(max, Math.floor(ramp * max * 0.8) + (i % channels) * 3 + random.nextInt(4));
  }
  return out;
}

test('widenValue: bit replication is x257 for 8 bits and the usual shifts for 4, 10 and 12; zero fill shifts; scaling rounds', () => {
  for (let v = 0; v < 256; v++) assert.equal(widenValue(v, REPLICATE(8)), v * 257);
  for (const v of [0, 1, 511, 512, 1023]) assert.equal(widenValue(v, REPLICATE(10)), (v << 6) | (v >> 4));
  for (const v of [0, 7, 4095]) assert.equal(widenValue(v, REPLICATE(12)), (v << 4) | (v >> 8));
  assert.equal(widenValue(0xa, REPLICATE(4)), 0xaaaa);
  assert.equal(widenValue(1, REPLICATE(1)), 0xffff);
  assert.equal(widenValue(0b10011, REPLICATE(5)), 0b1001110011100111);
  assert.equal(widenValue(1023, ZERO_FILL(10)), 1023 << 6);
  // round(v * 65535 / 1023): 64.06 v, which differs from 10-bit replication (64 v + floor(v / 16)) first at v = 13.
  assert.deepEqual([0, 8, 13, 16, 1022, 1023].map((v) => widenValue(v, SCALE(10))), [0, 512, 833, 1025, 65471, 65535]);
  assert.equal(widenValue(13, REPLICATE(10)), 832);
  for (let v = 0; v < 4096; v++) assert.equal(widenValue(v, SCALE(12)), Math.round((v * 65535) / 4095));
  for (let v = 0; v < 256; v++) assert.equal(widenValue(v, SCALE(8)), v * 257, 'for 8 bits scaling is x257');
  for (let bits = 1; bits <= 15; bits++) {
    assert.equal(widenValue(2 ** bits - 1, REPLICATE(bits)), 65535, `${bits} bits: the top value widens to 65535`);
    assert.equal(widenValue(0, REPLICATE(bits)), 0);
  }
});

test('findWidening: the smallest b, zero fill on a tie; null for genuine 16-bit content or one sample off', () => {
  const v10 = smoothValues(20, 10, 3, 10, 1);
  for (const widening of [REPLICATE(8), REPLICATE(10), ZERO_FILL(10), REPLICATE(12), ZERO_FILL(13), SCALE(10), SCALE(12)]) {
    const values = Uint16Array.from(v10, (v) => v >> Math.max(0, 10 - widening.bits));
    const samples = widenSamples(values, widening);
    assert.deepEqual(findWidening(samples), widening, `${widening.bits} bits ${widening.fill}`);
    assert.deepEqual(narrowSamples(samples, widening), widening.bits <= 8 ? Uint8Array.from(values) : values);
    const off = samples.slice();
    off[37] = off[37]! ^ 1;
    assert.equal(findWidening(off), null, 'one sample off its widening makes the group genuine 16-bit');
  }
  // 4-bit replication is also 8- and 12-bit replication: the smallest wins, and maxBits caps it.
  assert.deepEqual(findWidening(Uint16Array.of(0x1111, 0xffff, 0x5555)), REPLICATE(4));
  assert.deepEqual(findWidening(Uint16Array.of(0x1200, 0xfe00), 8), ZERO_FILL(7), 'the low byte and bit 8 are zero');
  assert.equal(findWidening(Uint16Array.of(0x0102, 0x0304), 8), null);
  assert.equal(findWidening(smoothValues(20, 10, 3, 16, 2)), null);
});

test('descriptor byte: bits in the low nibble, 0x80 for zero fill, 0x40 for scaling; anything else is corruption', () => {
  assert.equal(firstByte(REPLICATE(8)), 0x08);
  assert.equal(firstByte(ZERO_FILL(10)), 0x8a);
  assert.equal(firstByte(SCALE(12)), 0x4c);
  assert.deepEqual(readWideningHeader(Uint8Array.of(0x4c), 0, 15, 'x').widening, SCALE(12));
  assert.deepEqual(readWideningHeader(Uint8Array.of(0x8a), 0, 15, 'x').widening, ZERO_FILL(10));
  assert.deepEqual(readWideningHeader(Uint8Array.of(0x8f), 0, 15, 'x').widening, ZERO_FILL(15));
  for (const bad of [0x00, 0x80, 0x10, 0x20, 0xca, 0x40]) {
    assert.throws(() => readWideningHeader(Uint8Array.of(bad), 0, 15, 'x').widening, CorruptStreamError, `0x${bad.toString(16)}`);
  }
  assert.throws(() => readWideningHeader(Uint8Array.of(0x09), 0, 8, 'x').widening, CorruptStreamError, 'a low-byte stream holds at most 8 bits');
});

test('fallback mode 7: the stream is mode, descriptor, then the b-bit group\'s own stream; exact round trips', () => {
  for (const channels of [1, 2, 3, 4]) {
    for (const widening of [REPLICATE(8), REPLICATE(10), ZERO_FILL(8), ZERO_FILL(12), REPLICATE(3), SCALE(10), SCALE(6)]) {
      const values = smoothValues(23, 9, channels, widening.bits, channels * 16 + widening.bits);
      const samples = widenSamples(values, widening);
      const stream = encodeFallback(samples, 23, 9, channels);
      const what = `${channels} channels, ${widening.bits} bits ${widening.fill}`;
      assert.deepEqual([stream[0], stream[1]], [FALLBACK_MODE.widened, firstByte(widening)], what);
      const inner = widening.bits === 8 ? encodeFallback(Uint8Array.from(values), 23, 9, channels) : null;
      if (inner) assert.deepEqual(stream.subarray(2), inner, `${what}: the 8-bit stream of the values`);
      assert.deepEqual(decodeFallback(stream, 23, 9, channels, 16), samples, what);
    }
  }
  // 10-bit values code at maxValue 1023: far fewer bytes than the same group unrecognised.
  const samples = widenSamples(smoothValues(64, 64, 3, 10, 5), REPLICATE(10));
  const off = samples.slice();
  off[0] = off[0]! ^ 1;
  const widened = encodeFallback(samples, 64, 64, 3).length;
  const genuine = encodeFallback(off, 64, 64, 3).length;
  assert.ok(widened * 1.5 < genuine, `${widened} bytes widened against ${genuine} as genuine 16-bit`);
  assert.deepEqual(decodeFallback(encodeFallback(off, 64, 64, 3), 64, 64, 3, 16), off);
});

test('low-byte streams: content of 8 bits or fewer costs two bytes; high bytes that cannot be widened are corrupt', () => {
  for (const widening of [REPLICATE(8), ZERO_FILL(8), REPLICATE(5), SCALE(6)]) {
    const samples = widenSamples(smoothValues(17, 5, 3, widening.bits, widening.bits), widening);
    const high = Uint8Array.from(samples, (s) => s >>> 8);
    const stream = encodeLowBytes(samples, 17, 5, 3);
    assert.deepEqual([...stream], [FALLBACK_MODE.widened, firstByte(widening)]);
    assert.deepEqual(decodeLowBytes(stream, high, 17, 5, 3), samples);
  }
  const tenBit = widenSamples(smoothValues(17, 5, 3, 10, 3), REPLICATE(10));
  assert.notEqual(encodeLowBytes(tenBit, 17, 5, 3)[0], FALLBACK_MODE.widened, '10-bit content has low bits of its own');
  const high = Uint8Array.of(0x12, 0x34);
  assert.deepEqual(decodeLowBytes(Uint8Array.of(FALLBACK_MODE.widened, 0x08), high, 2, 1, 1), Uint16Array.of(0x1212, 0x3434));
  assert.throws(() => decodeLowBytes(Uint8Array.of(FALLBACK_MODE.widened, 0x04), high, 2, 1, 1), CorruptStreamError, '0x12 is no 4-bit replication');
  assert.throws(() => decodeLowBytes(Uint8Array.of(FALLBACK_MODE.widened, 0x08, 0), high, 2, 1, 1), CorruptStreamError, 'trailing byte');
  assert.throws(() => decodeLowBytes(Uint8Array.of(FALLBACK_MODE.widened), high, 2, 1, 1), CorruptStreamError, 'no descriptor');
});

test('damaged mode 7 streams are corrupt-stream errors, and mode 7 is no 8-bit or nested mode', () => {
  const samples = widenSamples(smoothValues(8, 8, 1, 6, 9), REPLICATE(6));
  const stream = encodeFallback(samples, 8, 8, 1);
  assert.throws(() => decodeFallback(stream.subarray(0, 1), 8, 8, 1, 16), CorruptStreamError);
  assert.throws(() => decodeFallback(Uint8Array.of(7, 0x06, 7, 0x06, 0, 1), 8, 8, 1, 16), CorruptStreamError, 'nested');
  assert.throws(() => decodeFallback(stream, 8, 8, 1, 8), CorruptStreamError, 'an 8-bit group has no widened mode');
  // A constant or raw inner stream holding a value above 2^b - 1 is corruption, not a wrong image.
  assert.throws(() => decodeFallback(Uint8Array.of(7, 0x06, FALLBACK_MODE.constant, 64), 8, 8, 1, 16), CorruptStreamError);
  const raw = new Uint8Array(3 + 64);
  raw.set([7, 0x06, FALLBACK_MODE.raw]);
  assert.deepEqual(decodeFallback(raw, 8, 8, 1, 16), new Uint16Array(64));
  raw[3 + 10] = 64;
  assert.throws(() => decodeFallback(raw, 8, 8, 1, 16), CorruptStreamError);
});

test('bit masks: 8-bit content plus 4 noisy low bits (v * 256 + n) codes its 12 varying bits; exact round trips', () => {
  const random = new Random(7);
  const eight = Uint8Array.from(smoothValues(48, 32, 3, 8, 11));
  const samples = Uint16Array.from(eight, (v) => v * 256 + random.nextInt(16));
  assert.equal(findWidening(samples), null);
  const mask = findBitMask(samples);
  assert.deepEqual(mask, { bits: 12, fill: 'mask', varying: 0xff0f, fixed: 0 });
  assert.deepEqual(narrowSamples(samples, mask!), Uint16Array.from(samples, (s) => ((s >> 8) << 4) | (s & 15)));
  assert.deepEqual(widenSamples(narrowSamples(samples, mask!), mask!), samples);
  const stream = encodeFallback(samples, 48, 32, 3);
  assert.deepEqual([...stream.subarray(0, 6)], [FALLBACK_MODE.widened, 0xcc, 0x0f, 0xff, 0x00, 0x00]);
  assert.deepEqual(decodeFallback(stream, 48, 32, 3, 16), samples);
  // About the 8-bit stream plus the 4 noise bits: far below coding the samples as 16-bit.
  const n = samples.length;
  const eightBits = (encodeFallback(eight, 48, 32, 3).length * 8) / n;
  assert.ok((stream.length * 8) / n < eightBits + 4.6, `${(stream.length * 8) / n} bits/sample, 8-bit ${eightBits}`);
  // Fixed bits set to 1 and a mask that is not the smaller stream (a dark genuine group) still round-trip.
  const ones = Uint16Array.from(samples, (s) => s | 0x00a0);
  assert.deepEqual(findBitMask(ones), { bits: 12, fill: 'mask', varying: 0xff0f, fixed: 0x00a0 });
  assert.deepEqual(decodeFallback(encodeFallback(ones, 48, 32, 3), 48, 32, 3, 16), ones);
  const dark = Uint16Array.from({ length: n }, () => random.nextInt(32768));
  assert.deepEqual(decodeFallback(encodeFallback(dark, 48, 32, 3), 48, 32, 3, 16), dark);
  assert.equal(findBitMask(Uint16Array.of(0, 0xffff)), null, 'every bit varies');
  assert.equal(findBitMask(Uint16Array.of(0, 0x0fff, 0x0123)), null, 'only the top bits are fixed: the values are the samples');
  assert.equal(findBitMask(Uint16Array.of(0x8000, 0x8fff)), null, 'fixed top bits, one of them set');
  assert.deepEqual(findBitMask(Uint16Array.of(0x8000, 0x8f0f)), { bits: 8, fill: 'mask', varying: 0x0f0f, fixed: 0x8000 });
});

test('damaged bit-mask descriptors are corrupt-stream errors; low-byte streams hold no mask', () => {
  const header = (bits: number, varying: number, fixed: number): Uint8Array =>
    Uint8Array.of(0xc0 | bits, varying & 0xff, varying >> 8, fixed & 0xff, fixed >> 8);
  assert.deepEqual(readWideningHeader(header(12, 0xff0f, 0x0020), 0, 15, 'x'), {
    widening: { bits: 12, fill: 'mask', varying: 0xff0f, fixed: 0x0020 }, length: 5,
  });
  assert.throws(() => readWideningHeader(header(11, 0xff0f, 0), 0, 15, 'x'), CorruptStreamError, 'popcount is not bits');
  assert.throws(() => readWideningHeader(header(12, 0xff0f, 0x0100), 0, 15, 'x'), CorruptStreamError, 'fixed among varying');
  assert.throws(() => readWideningHeader(header(12, 0xff0f, 0).subarray(0, 4), 0, 15, 'x'), CorruptStreamError, 'cut short');
  assert.throws(() => readWideningHeader(header(4, 0x000f, 0), 0, 8, 'x'), CorruptStreamError, 'no mask in low-byte streams');
  assert.throws(() => decodeLowBytes(Uint8Array.of(FALLBACK_MODE.widened, ...header(4, 0x000f, 0)), new Uint8Array(1), 1, 1, 1), CorruptStreamError);
});
