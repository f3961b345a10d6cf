import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptStreamError } from '../../src/core/errors.js';
import { RansDecoder, RansEncoder } from '../../src/entropy/index.js';
import { GOLDEN, decodeGolden, encodeGolden } from './golden-input.js';

/**
 * The bytes format version 1 codes the golden input to. Never regenerate within version 1: a change here means
 * old files no longer decode.
 */
const GOLDEN_HEX = '0000eb038c537e90000017009669b41519447ffffffe9dfe9b65ff1a13ff3abcd57e060e';

function goldenBytes(): Uint8Array {
  return new Uint8Array(Buffer.from(GOLDEN_HEX, 'hex'));
}

test('the golden input codes to exactly the pinned bytes', () => {
  const encoder = new RansEncoder();
  encodeGolden(encoder);
  assert.equal(Buffer.from(encoder.finish()).toString('hex'), GOLDEN_HEX);
});

test('the pinned bytes decode to the golden input', () => {
  const decoder = new RansDecoder(goldenBytes());
  const decoded = decodeGolden(decoder);
  decoder.finish();
  assert.deepEqual(decoded.logistic, GOLDEN.logisticSymbols);
  assert.deepEqual(decoded.mixture, GOLDEN.mixtureSymbols);
  assert.deepEqual(decoded.uniform, GOLDEN.uniformSymbols);
});

function decodeAll(bytes: Uint8Array): void {
  const decoder = new RansDecoder(bytes);
  decodeGolden(decoder);
  decoder.finish();
}

test('every single-bit flip of the golden stream gives CorruptStreamError', () => {
  const bytes = goldenBytes();
  for (let bit = 0; bit < 8 * bytes.length; bit++) {
    const damaged = bytes.slice();
    damaged[bit >> 3]! ^= 1 << (bit & 7);
    assert.throws(() => decodeAll(damaged), CorruptStreamError, `bit ${bit}`);
  }
});

test('every truncation and an extra word give CorruptStreamError', () => {
  const bytes = goldenBytes();
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(() => decodeAll(bytes.subarray(0, length)), CorruptStreamError, `length ${length}`);
  }
  const longer = new Uint8Array(bytes.length + 2);
  longer.set(bytes);
  assert.throws(() => decodeAll(longer), /2 unused bytes after the rANS data/);
});

test('decoding with other parameters than the encoder used is caught by the final-state check', () => {
  const decoder = new RansDecoder(goldenBytes());
  const out = new Int32Array(GOLDEN.logisticSymbols.length);
  const mus = GOLDEN.logisticMus.slice();
  mus[1]! += 1;
  assert.throws(() => {
    decoder.decodeLogistic(out, mus, GOLDEN.logisticScales);
    decoder.decodeMixture(new Int32Array(3), GOLDEN.mixtureMus, GOLDEN.mixtureScales, GOLDEN.mixtureWeights, 2);
    decoder.decodeUniform(new Uint8Array(4), 0, 255);
    decoder.finish();
  }, CorruptStreamError);
});
