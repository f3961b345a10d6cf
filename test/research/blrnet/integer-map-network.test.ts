import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { ModelError } from '../../../src/core/errors.js';
import { createEngine } from '../../../src/engine/index.js';
import { startBackend } from '../../../src/train/backend.js';
import { blrnetPreset, resolveLayers } from '../../../src/research/blrnet/blrnet-spec.js';
import { blrnetOffsets, initialBlrnetParams } from '../../../src/research/blrnet/blrnet-params.js';
import { inputBatch } from '../../../src/research/blrnet/blrnet-graph.js';
import { buildFixedNetwork, fixedLogits, fixedWeights, type FixedNetwork } from '../../../src/research/blrnet/fixed-network.js';
import { accumulatorBound, exportIntegerNetwork, IntegerMapRunner } from '../../../src/research/blrnet/integer-map-network.js';
import { decodeIntegerNetwork, encodeIntegerNetwork } from '../../../src/research/blrnet/integer-map-file.js';
import { sha256 } from '../../../src/core/sha256.js';
import { digitLikeImages } from './blrnet-test-data.js';

before(async () => startBackend('wasm'));

/** The paper's MNIST network with random theta, gamma (some negative, one zero) and beta, batch norm re-estimated. */
function randomMnistNetwork(seed: number, mode: 'map' | 'ternary'): { network: FixedNetwork; images: Uint8Array; count: number } {
  const spec = blrnetPreset('mnist', 28, 28, 1);
  const params = initialBlrnetParams(spec, seed);
  const random = new Random(seed + 1);
  for (const [name, { offset, size }] of blrnetOffsets(spec)) {
    if (name.endsWith('.gamma')) for (let i = 0; i < size; i++) params[offset + i] = (random.nextFloat() < 0.3 ? -1 : 1) * (0.2 + random.nextFloat());
    if (name.endsWith('.beta')) for (let i = 0; i < size; i++) params[offset + i] = random.nextFloat() - 0.5;
  }
  params[blrnetOffsets(spec).get('layer1.gamma')!.offset] = 0;
  const { images: training } = digitLikeImages(60, seed + 2);
  const batches = [0, 1, 2].map((b) => inputBatch(training, 28, 28, 1, [...Array(20).keys()].map((i) => b * 20 + i)));
  const network = buildFixedNetwork(spec, params, fixedWeights(spec, params, mode), batches);
  tf.dispose(batches);
  const count = 200;
  const images = new Uint8Array(count * 784);
  images.set(digitLikeImages(150, seed + 3).images);
  for (let i = 150 * 784; i < images.length; i++) images[i] = random.nextInt(256);
  return { network, images, count };
}

function tfjsLogits(network: FixedNetwork, images: Uint8Array, count: number): Float32Array {
  return tf.tidy(() => fixedLogits(network, inputBatch(images, 28, 28, 1, [...Array(count).keys()])).dataSync() as Float32Array);
}

for (const mode of ['map', 'ternary'] as const) {
  test(`the integer ${mode} network orders every logit exactly as the tfjs network on 28x28 inputs`, () => {
    const { network, images, count } = randomMnistNetwork(mode === 'map' ? 1 : 2, mode);
    const integer = exportIntegerNetwork(network);
    const runner = new IntegerMapRunner(integer, createEngine({ kernel: 'wasm' }));
    const floats = tfjsLogits(network, images, count);
    const classes = 10;
    let agreeing = 0;
    const predicted = new Set<number>();
    for (let n = 0; n < count; n++) {
      const ranks = runner.logits(images.subarray(n * 784, (n + 1) * 784));
      const logits = floats.subarray(n * classes, (n + 1) * classes);
      for (let a = 0; a < classes; a++) for (let b = 0; b < classes; b++) {
        assert.equal(Math.sign(ranks[a]! - ranks[b]!), Math.sign(logits[a]! - logits[b]!), `image ${n}, classes ${a} and ${b}`);
      }
      const prediction = runner.predict(images.subarray(n * 784, (n + 1) * 784));
      assert.equal(prediction, tf.tidy(() => tf.argMax(tf.tensor1d(logits)).dataSync()[0]));
      predicted.add(prediction);
      agreeing++;
    }
    assert.equal(agreeing, count);
    assert.ok(predicted.size >= 3, 'the random network is not constant');
  });
}

test('the reference and WASM engine kernels give the integer network identical logits', () => {
  const { network, images } = randomMnistNetwork(3, 'map');
  const integer = exportIntegerNetwork(network);
  const wasm = new IntegerMapRunner(integer, createEngine({ kernel: 'wasm' }));
  const reference = new IntegerMapRunner(integer, createEngine({ kernel: 'reference' }));
  for (let n = 0; n < 3; n++) assert.deepEqual(reference.logits(images.subarray(n * 784, (n + 1) * 784)), wasm.logits(images.subarray(n * 784, (n + 1) * 784)));
  assert.throws(() => wasm.logits(new Uint8Array(783)), ModelError);
});

test('hidden thresholds reproduce the float32 batch norm and sign for every possible accumulator', () => {
  const spec = blrnetPreset('tiny', 28, 28, 1);
  const random = new Random(8);
  const channels = 4;
  // Hand-made norms: a zero crossing exactly on an integer, negative scales, a zero scale, -0 results.
  const norm = {
    mean: Float32Array.from([3, -7.5, 100.25, 0.1]),
    scale: Float32Array.from([0.5, -0.003, 0, -1e-7]),
    shift: Float32Array.from([0, 0.2, -0, 0]),
  };
  const layers = resolveLayers(spec);
  const weights = layers.map((r) => Float32Array.from({ length: r.fanIn * r.outChannels }, () => (random.nextFloat() < 0.5 ? 1 : -1)));
  const norms = layers.map((r) => (r.index === 0 ? norm : { mean: new Float32Array(r.outChannels), scale: new Float32Array(r.outChannels).fill(1), shift: new Float32Array(r.outChannels) }));
  const integer = exportIntegerNetwork({ spec, weights, norms });
  const bound = accumulatorBound(layers[0]!);
  for (let c = 0; c < channels; c++) {
    const t = integer.hidden[0]!.thresholds[c]!;
    const flipped = norm.scale[c]! < 0;
    assert.equal(integer.hidden[0]!.weights[c], flipped ? -weights[0]![c]! : weights[0]![c]!, `channel ${c} weights flipped with the scale's sign`);
    for (let a = -bound; a <= bound; a++) {
      const value = Math.fround(Math.fround(Math.fround(a - norm.mean[c]!) * norm.scale[c]!) + norm.shift[c]!);
      const integerAcc = flipped ? -a : a;
      assert.equal(integerAcc >= t, value >= 0, `channel ${c}, a = ${a}`);
    }
  }
  assert.equal(integer.hidden[0]!.thresholds[0], 3, 'f(3) = 0 exactly gives +1 from 3 on');
});

test('the .blrnet file round-trips MAP (1 bit per weight) and ternary (2 bits) networks and rejects damage', () => {
  for (const mode of ['map', 'ternary'] as const) {
    const { network } = randomMnistNetwork(4, mode);
    const integer = exportIntegerNetwork(network);
    const bytes = encodeIntegerNetwork(integer);
    const weights = 1_629_472;
    if (mode === 'map') assert.ok(bytes.length < weights / 8 + 60_000, `${bytes.length} bytes: about 1 bit per weight`);
    const decoded = decodeIntegerNetwork(bytes, 'net.blrnet');
    assert.deepEqual(decoded, integer);
    const flipped = bytes.slice();
    flipped[bytes.length - 100]! ^= 1;
    assert.throws(() => decodeIntegerNetwork(flipped, 'net.blrnet'), /sha256 mismatch/);
    assert.throws(() => decodeIntegerNetwork(bytes.subarray(0, bytes.length - 4), 'net.blrnet'), ModelError);
    assert.throws(() => decodeIntegerNetwork(bytes.subarray(0, 20), 'net.blrnet'), ModelError);
    const magic = bytes.slice();
    magic[0] = 0x41;
    assert.throws(() => decodeIntegerNetwork(magic, 'net.blrnet'), /bad magic/);
  }
  // A threshold out of range behind a valid hash is still refused.
  const { network } = randomMnistNetwork(5, 'map');
  const integer = exportIntegerNetwork(network);
  integer.hidden[0]!.thresholds[0] = 1e6;
  assert.throws(() => decodeIntegerNetwork(encodeIntegerNetwork(integer), 'net.blrnet'), /threshold 1000000 outside/);
  // So is a header length out of range (the hash covers the prefix too: re-sign the tampered file).
  const resigned = encodeIntegerNetwork(exportIntegerNetwork(network));
  new DataView(resigned.buffer).setUint32(12, 0x7fffffff, true);
  resigned.set(sha256(resigned.subarray(0, resigned.length - 32)), resigned.length - 32);
  assert.throws(() => decodeIntegerNetwork(resigned, 'net.blrnet'), /header length 2147483647 is out of range/);
});
