import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptStreamError } from '../../src/core/errors.js';
import { RansDecoder, RansEncoder } from '../../src/entropy/index.js';
import { GOLDEN, decodeGolden, encodeGolden } from './golden-input.js';

/**
 * The bytes each stream version codes the golden input to. Never regenerate within a version: a change here means
 * old files no longer decode. Only the mixture batch differs between the versions.
 */
const GOLDEN_HEX = {
  1: '0000eb038c537e90000017009669b41519447ffffffe9dfe9b65ff1a13ff3abcd57e060e',
  2: '0000eb038c537e90000017009669b41519447ffffffe60fe4b4cff1a06ff63b5d57e060e',
} as const;
const VERSIONS = [1, 2] as const;

function goldenBytes(version: 1 | 2 = 1): Uint8Array {
  return new Uint8Array(Buffer.from(GOLDEN_HEX[version], 'hex'));
}

for (const version of VERSIONS) {
  test(`stream version ${version}: the golden input codes to exactly the pinned bytes`, () => {
    const encoder = new RansEncoder(version);
    encodeGolden(encoder);
    assert.equal(Buffer.from(encoder.finish()).toString('hex'), GOLDEN_HEX[version]);
  });

  test(`stream version ${version}: the pinned bytes decode to the golden input`, () => {
    const decoder = new RansDecoder(goldenBytes(version), 0, undefined, version);
    const decoded = decodeGolden(decoder);
    decoder.finish();
    assert.deepEqual(decoded.logistic, GOLDEN.logisticSymbols);
    assert.deepEqual(decoded.mixture, GOLDEN.mixtureSymbols);
    assert.deepEqual(decoded.uniform, GOLDEN.uniformSymbols);
  });

  test(`stream version ${version}: every single-bit flip of the golden stream gives CorruptStreamError`, () => {
    const bytes = goldenBytes(version);
    for (let bit = 0; bit < 8 * bytes.length; bit++) {
      const damaged = bytes.slice();
      damaged[bit >> 3]! ^= 1 << (bit & 7);
      assert.throws(() => decodeAll(damaged, version), CorruptStreamError, `bit ${bit}`);
    }
  });
}

test('a stream decoded as the other version fails cleanly, and unknown versions are refused', () => {
  assert.throws(() => decodeAll(goldenBytes(1), 2), CorruptStreamError);
  assert.throws(() => decodeAll(goldenBytes(2), 1), CorruptStreamError);
  assert.throws(() => new RansEncoder(3 as 1), /stream version 3 is not 1 or 2/);
  assert.throws(() => new RansDecoder(goldenBytes(1), 0, undefined, 0 as 1), /stream version 0 is not 1 or 2/);
});

function decodeAll(bytes: Uint8Array, version: 1 | 2 = 1): void {
  const decoder = new RansDecoder(bytes, 0, bytes.length, version);
  decodeGolden(decoder);
  decoder.finish();
}

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
  const decoder = new RansDecoder(goldenBytes(), 0, undefined, 1);
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
