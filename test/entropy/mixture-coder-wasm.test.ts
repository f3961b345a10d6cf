import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/core/seeded-random.js';
import { START_A, decodeBytes, decodeWith, encodeWith, extremeBatch, streamBytes } from './mixture-batches.js';
import { checkMixtureValues } from '../../src/entropy/batch-checks.js';
import { MU_Q_MAX, SCALE_COUNT } from '../../src/entropy/logistic-params.js';
import {
  decodeMixtureFast, decodeSlotMixtureFast, encodeMixtureReverseFast, encodeSlotMixtureReverseFast,
} from '../../src/entropy/mixture-coder-wasm.js';
import { decodeSlotMixture, encodeSlotMixtureReverse } from '../../src/entropy/mixture-slot-coder.js';
import { decodeMixture, encodeMixtureReverse } from '../../src/entropy/mixture-coder.js';
import {
  MIXTURE_WEIGHT_TOTAL_MAX, PreparedMixture, mixtureBoundary, prepareMixture,
} from '../../src/entropy/mixture-model.js';
import { MIXTURE_CHUNK_SYMBOLS, mixtureKernel } from '../../src/entropy/mixture-wasm.js';
import { CorruptStreamError } from '../../src/core/errors.js';
import { PROBABILITY_ONE } from '../../src/entropy/rans-core.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Both mixture definitions: each fast coder against its reference loops. */
const VERSIONS = [
  {
    name: 'format version 1', encode: encodeMixtureReverse, decode: decodeMixture,
    encodeFast: encodeMixtureReverseFast, decodeFast: decodeMixtureFast,
  },
  {
    name: 'format version 2', encode: encodeSlotMixtureReverse, decode: decodeSlotMixture,
    encodeFast: encodeSlotMixtureReverseFast, decodeFast: decodeSlotMixtureFast,
  },
] as const;

for (const v of VERSIONS) {
  test(`${v.name}: the fast coders write and read exactly the reference streams on extreme random mixtures`, () => {
    const random = new SeededRandom(91);
    for (const [components, n] of [[1, 3000], [2, 3000], [5, MIXTURE_CHUNK_SYMBOLS + 1500], [16, 800]] as const) {
      const batch = extremeBatch(random, n, components);
      const reference = encodeWith(v.encode, batch);
      const fast = encodeWith(v.encodeFast, batch);
      assert.deepEqual(fast.words, reference.words, `K = ${components}: stream words`);
      assert.deepEqual([fast.lanes.a, fast.lanes.b], [reference.lanes.a, reference.lanes.b], `K = ${components}: states`);
      const slow = decodeWith(v.decode, batch, reference.words, reference.lanes);
      const quick = decodeWith(v.decodeFast, batch, reference.words, reference.lanes);
      assert.deepEqual(slow.out, batch.symbols, `K = ${components}: reference decode`);
      assert.deepEqual(quick.out, batch.symbols, `K = ${components}: decoded symbols`);
      assert.deepEqual(quick.out, slow.out);
      assert.deepEqual([quick.lanes.a, quick.lanes.b, quick.lanes.h0, quick.lanes.h1],
        [slow.lanes.a, slow.lanes.b, slow.lanes.h0, slow.lanes.h1], `K = ${components}: decoder lanes and hashes`);
      assert.deepEqual([quick.lanes.a, quick.lanes.b].sort(), [START_A, START_A + 12345].sort(), 'back at the start');
    }
  });

  test(`${v.name}: the fast decoder reads a new window when escapes take more than two words a symbol`, () => {
    const random = new SeededRandom(94);
    const components = 3;
    const n = MIXTURE_CHUNK_SYMBOLS + 700;
    const batch = extremeBatch(random, n, components);
    for (let i = 0; i < n; i++) {
      if (i % 97 !== 0) batch.symbols[i] = random.next() < 0.5 ? random.int(INT32_MIN, -(2 ** 30)) : random.int(2 ** 30, INT32_MAX);
    }
    const reference = encodeWith(v.encode, batch);
    // The window holds four bytes a chunk symbol: at over five bytes a symbol the first chunk must read a second one.
    assert.ok(2 * reference.words.length > 5 * n, `${2 * reference.words.length} bytes for ${n} symbols`);
    assert.equal(mixtureKernel().input.length, 4 * MIXTURE_CHUNK_SYMBOLS + 64);
    const slow = decodeWith(v.decode, batch, reference.words, reference.lanes);
    const quick = decodeWith(v.decodeFast, batch, reference.words, reference.lanes);
    assert.deepEqual(quick.out, batch.symbols);
    assert.deepEqual([quick.lanes.a, quick.lanes.b, quick.lanes.h0, quick.lanes.h1],
      [slow.lanes.a, slow.lanes.b, slow.lanes.h0, slow.lanes.h1]);
  });

  test(`${v.name}: the fast decoder equals the reference when escapes end its runs at every offset of a context pass`, () => {
    // The kernel prepares 32 symbols' contexts per pass from the start of each run; an escape ends a run, so gaps of
    // every length put the next run's pass ends (and its odd last symbol) at every offset.
    const random = new SeededRandom(96);
    for (const components of [4, 5]) {
      const n = 4000;
      const batch = extremeBatch(random, n, components);
      for (let i = 0; i < n; i += random.int(1, 70)) batch.symbols[i] = random.next() < 0.5 ? INT32_MIN : INT32_MAX;
      const reference = encodeWith(v.encode, batch);
      const slow = decodeWith(v.decode, batch, reference.words, reference.lanes);
      const quick = decodeWith(v.decodeFast, batch, reference.words, reference.lanes);
      assert.deepEqual(quick.out, batch.symbols, `K = ${components}`);
      assert.deepEqual([quick.lanes.a, quick.lanes.b, quick.lanes.h0, quick.lanes.h1],
        [slow.lanes.a, slow.lanes.b, slow.lanes.h0, slow.lanes.h1], `K = ${components}`);
    }
  });

  test(`${v.name}: on damaged streams (bit flips, truncation) the fast decoder fails or decodes exactly as the reference`, () => {
    const random = new SeededRandom(95);
    const components = 5;
    const batch = extremeBatch(random, 1500, components);
    const coded = encodeWith(v.encode, batch);
    const clean = streamBytes(coded.words);
    const outcome = (coder: typeof v.decode, bytes: Uint8Array): unknown => {
      try {
        const { out, lanes } = decodeBytes(coder, batch, bytes, coded.lanes);
        return { out, lanes: [lanes.a, lanes.b, lanes.h0, lanes.h1] };
      } catch (error) {
        assert.ok(error instanceof CorruptStreamError, String(error));
        return error.message;
      }
    };
    let failures = 0;
    for (let trial = 0; trial < 40; trial++) {
      let bytes = clean.slice();
      if (trial % 2 === 0) {
        const bit = random.int(0, 8 * bytes.length - 1);
        bytes[bit >> 3] ^= 1 << (bit & 7);
      }
      if (trial % 4 !== 0) bytes = bytes.subarray(0, 2 * random.int(0, bytes.length / 2 - 1));
      const expected = outcome(v.decode, bytes);
      failures += typeof expected === 'string' ? 1 : 0;
      assert.deepEqual(outcome(v.decodeFast, bytes), expected, `trial ${trial}`);
    }
    assert.ok(failures >= 20, `${failures} damaged streams ran out`);
  });
}

test('kernel intervals and searches equal mixtureBoundary, or defer to the reference (escapes, capped windows)', () => {
  const random = new SeededRandom(92);
  const kernel = mixtureKernel();
  const mixture = new PreparedMixture();
  let deferred = 0;
  let capped = 0;
  for (const components of [1, 3, 7, 16]) {
    const n = 600;
    const batch = extremeBatch(random, n, components);
    kernel.loadChunk(batch.mus, batch.scales, batch.weights, components, 0, n);
    kernel.symbols.set(batch.symbols);
    for (let i = 0; i < n; i++) {
      const freq = kernel.symbolInterval(i, components);
      prepareMixture(batch.mus, batch.scales, batch.weights, i * components, components, mixture);
      const j = batch.symbols[i]! - mixture.lo + 1;
      const inside = j >= 1 && j <= mixture.nb - 2;
      const isCapped = mixture.nb === 2 * 131071 + 3 && components > 1;
      capped += isCapped ? 1 : 0;
      if (freq === 0) {
        deferred++;
        assert.ok(!inside || isCapped, `symbol ${i} deferred although inside an uncapped window`);
      } else {
        assert.ok(inside);
        const start = mixtureBoundary(j, mixture);
        assert.equal(kernel.result[0], start, `start of symbol ${i}`);
        assert.equal(freq, mixtureBoundary(j + 1, mixture) - start, `frequency of symbol ${i}`);
      }
      // The search from random slots, slots at bin edges and the ends of the range.
      for (let t = 0; t < 6; t++) {
        const edge = mixtureBoundary(random.int(0, mixture.nb), mixture);
        const slot = t === 0 ? 0 : t === 1 ? PROBABILITY_ONE - 1 : t === 2 ? Math.min(edge, PROBABILITY_ONE - 1)
          : t === 3 ? Math.max(0, edge - 1) : random.int(0, PROBABILITY_ONE - 1);
        const found = kernel.decodeFind(i, components, slot);
        const low = mixtureBoundary(found, mixture);
        const high = mixtureBoundary(found + 1, mixture);
        assert.ok(low <= slot && slot < high, `slot ${slot} of symbol ${i} in bin ${found}`);
        assert.deepEqual(Array.from(kernel.result.subarray(0, 4)), [low, high, mixture.lo, mixture.nb]);
      }
    }
  }
  assert.ok(deferred > 50 && capped > 20, `extremes exercised: ${deferred} deferred, ${capped} capped`);
});

test('the WASM parameter screen agrees with the reference value checks', () => {
  const random = new SeededRandom(93);
  const kernel = mixtureKernel();
  const components = 3;
  const n = 50;
  for (let trial = 0; trial < 300; trial++) {
    const mus = new Int32Array(n * components).map(() => random.int(-MU_Q_MAX, MU_Q_MAX));
    const scales = new Uint16Array(n * components).map(() => random.int(0, SCALE_COUNT - 1));
    const weights = new Uint32Array(n * components).map(() => random.int(1, 1000));
    const q = random.int(0, n * components - 1);
    const which = trial % 6;
    if (which === 0) mus[q] = random.next() < 0.5 ? -MU_Q_MAX - 1 : MU_Q_MAX + 1;
    else if (which === 1) scales[q] = SCALE_COUNT + random.int(0, 60000);
    else if (which === 2) weights[q] = random.next() < 0.5 ? MIXTURE_WEIGHT_TOTAL_MAX + 1 : 2 ** 32 - random.int(1, 2 ** 31);
    else if (which === 3) weights.fill(0, q - (q % components), q - (q % components) + components);
    else if (which === 4) weights.fill(MIXTURE_WEIGHT_TOTAL_MAX / 2, q - (q % components), q - (q % components) + 3);
    let valid = true;
    try {
      checkMixtureValues(n, mus, scales, weights, components);
    } catch {
      valid = false;
    }
    assert.equal(kernel.paramsValid(n, mus, scales, weights, components), valid, `trial ${trial} (case ${which})`);
    assert.equal(valid, which === 5, `trial ${trial}`);
  }
});
