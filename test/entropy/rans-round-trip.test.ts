import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../src/core/seeded-random.js';
import {
  MU_Q_MAX, RansDecoder, RansEncoder, SCALE_COUNT, intervalCodeLengthBits, logisticInterval, mixtureInterval,
  muToQ, scaleIndexOf, scaleOfIndex, uniformCodeLengthBits,
} from '../../src/entropy/index.js';
import { windowCenter, windowHalfWidth } from '../../src/entropy/logistic-model.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function sampleLogistic(random: SeededRandom, mu: number, scale: number): number {
  const u = random.next();
  return Math.max(INT32_MIN, Math.min(INT32_MAX, Math.round(mu + scale * Math.log(u / (1 - u)))));
}

/** A logistic batch drawn from its own models, with parameters over the whole grid and a few wild symbols. */
function logisticBatch(random: SeededRandom, n: number) {
  const symbols = new Int32Array(n);
  const mus = new Int32Array(n);
  const scales = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const k = random.int(0, SCALE_COUNT - 1);
    const muQ = random.next() < 0.02 ? (random.next() < 0.5 ? -MU_Q_MAX : MU_Q_MAX) : random.int(-1024 * 256, 1024 * 256);
    mus[i] = muQ;
    scales[i] = k;
    const wild = random.next();
    symbols[i] = wild < 0.01 ? INT32_MIN : wild < 0.02 ? INT32_MAX : wild < 0.05 ? random.int(INT32_MIN, INT32_MAX)
      : sampleLogistic(random, muQ / 256, scaleOfIndex(k));
  }
  return { symbols, mus, scales };
}

function mixtureBatch(random: SeededRandom, n: number, components: number) {
  const symbols = new Int32Array(n);
  const mus = new Int32Array(n * components);
  const scales = new Uint8Array(n * components);
  const weights = new Int32Array(n * components);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < components; c++) {
      const q = i * components + c;
      mus[q] = random.int(-500 * 256, 500 * 256);
      scales[q] = random.int(0, 255);
      weights[q] = random.next() < 0.2 ? 0 : random.int(1, 40000);
    }
    weights[i * components] = Math.max(1, weights[i * components]!);
    const c = random.int(0, components - 1);
    symbols[i] = random.next() < 0.02 ? random.int(INT32_MIN, INT32_MAX)
      : sampleLogistic(random, mus[i * components + c]! / 256, scaleOfIndex(scales[i * components + c]!));
  }
  return { symbols, mus, scales, weights };
}

test('logistic round trip over the whole parameter grid, with escapes and int32 extremes', () => {
  const random = new SeededRandom(31);
  const batch = logisticBatch(random, 20000);
  const encoder = new RansEncoder();
  encoder.encodeLogistic(batch.symbols, batch.mus, batch.scales);
  const bytes = encoder.finish();
  const decoder = new RansDecoder(bytes);
  const out = new Int32Array(batch.symbols.length);
  decoder.decodeLogistic(out, batch.mus, batch.scales);
  decoder.finish();
  assert.deepEqual(out, batch.symbols);
});

test('mixture round trips for 1, 2, 5 and 16 components', () => {
  const random = new SeededRandom(32);
  for (const components of [1, 2, 5, 16]) {
    const batch = mixtureBatch(random, 3000, components);
    const encoder = new RansEncoder();
    encoder.encodeMixture(batch.symbols, batch.mus, batch.scales, batch.weights, components);
    const decoder = new RansDecoder(encoder.finish());
    const out = new Int32Array(batch.symbols.length);
    decoder.decodeMixture(out, batch.mus, batch.scales, batch.weights, components);
    decoder.finish();
    assert.deepEqual(out, batch.symbols, `${components} components`);
  }
});

test('mixtures at the ends of the mu range, capped windows and int32 extremes round trip', () => {
  const mus = Int32Array.of(-MU_Q_MAX, MU_Q_MAX, MU_Q_MAX, 0, -MU_Q_MAX, 12345);
  const scales = Uint16Array.of(SCALE_COUNT - 1, 0, SCALE_COUNT - 1, 0, 0, 300);
  const weights = Uint32Array.of(1, 2 ** 24 - 6, 5, 0, 1, 1);
  // Two mixtures of three components, each used for six symbols.
  const symbols = Int32Array.from([INT32_MIN, INT32_MAX, 2 ** 20, -(2 ** 20), 0, 48, INT32_MAX, INT32_MIN, 1, -1, 99, 7]);
  const repeat = (values: readonly number[]): number[] =>
    Array.from({ length: symbols.length / 2 }, () => values).flat();
  const allMus = Int32Array.from(repeat([...mus]));
  const allScales = Uint16Array.from(repeat([...scales]));
  const allWeights = Uint32Array.from(repeat([...weights]));
  const encoder = new RansEncoder();
  encoder.encodeMixture(symbols, allMus, allScales, allWeights, 3);
  const decoder = new RansDecoder(encoder.finish());
  const out = new Int32Array(symbols.length);
  decoder.decodeMixture(out, allMus, allScales, allWeights, 3);
  decoder.finish();
  assert.deepEqual(out, symbols);
});

test('uniform round trips: bytes, 16-bit, a signed range, a one-value range and non-powers of two', () => {
  const random = new SeededRandom(33);
  const ranges: Array<[number, number, 'u8' | 'u16' | 'i32']> = [
    [0, 255, 'u8'], [0, 65535, 'u16'], [-5, 5, 'i32'], [7, 7, 'i32'], [0, 2, 'u8'], [1000, 1000 + 65535, 'i32'],
  ];
  for (const [min, max, kind] of ranges) {
    const n = 1001;
    const values = Array.from({ length: n }, () => random.int(min, max));
    const make = (): Uint8Array | Uint16Array | Int32Array =>
      kind === 'u8' ? new Uint8Array(n) : kind === 'u16' ? new Uint16Array(n) : new Int32Array(n);
    const symbols = make();
    symbols.set(values);
    const encoder = new RansEncoder();
    encoder.encodeUniform(symbols, min, max);
    const bytes = encoder.finish();
    const decoder = new RansDecoder(bytes);
    const out = make();
    decoder.decodeUniform(out, min, max);
    decoder.finish();
    assert.deepEqual(out, symbols, `[${min}, ${max}]`);
    const idealBytes = (n * uniformCodeLengthBits(min, max)) / 8;
    assert.ok(bytes.length <= idealBytes * 1.001 + 16, `[${min}, ${max}]: ${bytes.length} bytes vs ideal ${idealBytes}`);
  }
});

test('batches of every kind and odd lengths share one stream; empty batches are fine', () => {
  const random = new SeededRandom(34);
  const plan = [
    { kind: 'logistic', n: 7 }, { kind: 'uniform', n: 0 }, { kind: 'mixture', n: 3 }, { kind: 'logistic', n: 0 },
    { kind: 'uniform', n: 5 }, { kind: 'mixture', n: 1 }, { kind: 'logistic', n: 1000 }, { kind: 'uniform', n: 1 },
  ] as const;
  const batches = plan.map(({ kind, n }) =>
    kind === 'logistic' ? { kind, ...logisticBatch(random, n) }
      : kind === 'mixture' ? { kind, ...mixtureBatch(random, n, 3) }
        : { kind, symbols: Uint16Array.from({ length: n }, () => random.int(0, 999)) });
  const encoder = new RansEncoder();
  for (const batch of batches) {
    if (batch.kind === 'logistic') encoder.encodeLogistic(batch.symbols, batch.mus, batch.scales);
    else if (batch.kind === 'mixture') encoder.encodeMixture(batch.symbols, batch.mus, batch.scales, batch.weights, 3);
    else encoder.encodeUniform(batch.symbols, 0, 999);
  }
  assert.equal(encoder.symbolCount, 1017);
  const decoder = new RansDecoder(encoder.finish());
  for (const batch of batches) {
    if (batch.kind === 'logistic') {
      const out = new Int32Array(batch.symbols.length);
      decoder.decodeLogistic(out, batch.mus, batch.scales);
      assert.deepEqual(out, batch.symbols);
    } else if (batch.kind === 'mixture') {
      const out = new Int32Array(batch.symbols.length);
      decoder.decodeMixture(out, batch.mus, batch.scales, batch.weights, 3);
      assert.deepEqual(out, batch.symbols);
    } else {
      const out = new Uint16Array(batch.symbols.length);
      decoder.decodeUniform(out, 0, 999);
      assert.deepEqual(out, batch.symbols);
    }
  }
  decoder.finish();
});

test('the ends of the support and the first values beyond them code and cost as the model says', () => {
  const cases: Array<[number, number]> = [[0, 0], [1000, 100], [-77777, 300], [MU_Q_MAX, SCALE_COUNT - 1], [-MU_Q_MAX, 0]];
  for (const [muQ, k] of cases) {
    const lo = windowCenter(muQ) - windowHalfWidth(k);
    const hi = windowCenter(muQ) + windowHalfWidth(k);
    const symbols = Int32Array.from([lo, hi, lo - 1, hi + 1, lo + 1, hi - 1, INT32_MIN, INT32_MAX]);
    const escapes = [...symbols].map((x) => logisticInterval(x, muQ, k).escapeValue >= 0);
    assert.deepEqual(escapes, [false, false, true, true, false, false, true, true], `muQ ${muQ} k ${k}`);
    const mus = new Int32Array(symbols.length).fill(muQ);
    const scales = new Uint16Array(symbols.length).fill(k);
    const encoder = new RansEncoder();
    encoder.encodeLogistic(symbols, mus, scales);
    const decoder = new RansDecoder(encoder.finish());
    const out = new Int32Array(symbols.length);
    decoder.decodeLogistic(out, mus, scales);
    decoder.finish();
    assert.deepEqual(out, symbols);
  }
});

test('an empty stream is the two initial states (16 bytes) and decodes; one symbol works too', () => {
  const empty = new RansEncoder().finish();
  assert.equal(Buffer.from(empty).toString('hex'), '000010003f24886a00001000a385d308');
  new RansDecoder(empty).finish();
  const encoder = new RansEncoder();
  encoder.encodeLogistic(Int32Array.of(-3), Int32Array.of(muToQ(-2.7)), Uint16Array.of(scaleIndexOf(0.5)));
  const bytes = encoder.finish();
  assert.equal(bytes.length, 16);
  const decoder = new RansDecoder(bytes);
  const out = new Int32Array(1);
  decoder.decodeLogistic(out, Int32Array.of(muToQ(-2.7)), Uint16Array.of(scaleIndexOf(0.5)));
  decoder.finish();
  assert.equal(out[0], -3);
});

test('coded size is within 0.1% + 16 bytes of the ideal code length of the integer model', () => {
  const random = new SeededRandom(35);
  const n = 50000;
  const logistic = logisticBatch(random, n);
  const mixture = mixtureBatch(random, n / 10, 5);
  let idealBits = 0;
  for (let i = 0; i < n; i++) {
    idealBits += intervalCodeLengthBits(logisticInterval(logistic.symbols[i]!, logistic.mus[i]!, logistic.scales[i]!));
  }
  for (let i = 0; i < n / 10; i++) {
    idealBits += intervalCodeLengthBits(
      mixtureInterval(mixture.symbols[i]!, mixture.mus, mixture.scales, mixture.weights, i * 5, 5),
    );
  }
  const encoder = new RansEncoder();
  encoder.encodeLogistic(logistic.symbols, logistic.mus, logistic.scales);
  encoder.encodeMixture(mixture.symbols, mixture.mus, mixture.scales, mixture.weights, 5);
  const bytes = encoder.finish();
  assert.ok(bytes.length * 8 <= idealBits * 1.001 + 128, `${bytes.length * 8} bits vs ideal ${idealBits}`);
  assert.ok(bytes.length * 8 >= idealBits - 64, 'cannot beat the ideal code length by more than the initial states');
});
