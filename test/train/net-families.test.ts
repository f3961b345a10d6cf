/**
 * The `binary` and `hex` coupling-network families end to end on tiny random-initialised models: parameter counts,
 * the float graph against the integer engine, a codec round trip, +-1 weights packed one bit each in the model
 * file, and hexagonal masks that make masked taps irrelevant. The `resnet` default runs alongside as the reference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { idfPreset } from '../../src/arch/idf-presets.js';
import { idfParams } from '../../src/arch/idf-params.js';
import type { IdfSpec } from '../../src/arch/idf-spec.js';
import type { NetFamily } from '../../src/arch/net-spec.js';
import { binaryWeightCount, effectiveParamCount, paramCount, paramOffsets } from '../../src/arch/param-list.js';
import { Random } from '../../src/core/random.js';
import { createEngine } from '../../src/engine/index.js';
import { IntegerIdf } from '../../src/engine/integer-idf.js';
import { readIntegerIdf, writeIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { createIdfTileCoder } from '../../src/codec/idf-tile-coder.js';
import { startBackend } from '../../src/train/backend.js';
import { exportIdf } from '../../src/train/export-idf.js';
import { idfLogLikelihood } from '../../src/train/idf-graph.js';
import { initialParams } from '../../src/train/param-init.js';
import { binarizeStraightThrough } from '../../src/train/nets.js';
import { syntheticImages } from '../helpers/tiny-model.js';

/** The tiny preset with every network of `family`. */
function tinySpec(family: NetFamily, seed: number, width = 8): IdfSpec {
  const spec = idfPreset('tiny', 3, seed);
  const net = { ...spec.coupling, family, width };
  return { ...spec, coupling: net, splitPrior: { ...spec.splitPrior, net } };
}

/** Initial parameters with every value perturbed (so couplings translate), as test/helpers/tiny-model.ts does. */
function perturbedParams(spec: IdfSpec, seed: number): Float32Array {
  const params = initialParams(idfParams(spec), seed);
  const random = new Random(seed + 1);
  for (let i = 0; i < params.length; i++) params[i]! += random.nextNormal() * 0.05;
  return params;
}

const calibration = { count: 8, height: 16, width: 16, channels: 3, images: syntheticImages(8, 16, 9) };

/** Float bits/dim of the graph and ideal bits/dim of the exported integer model on the same images. */
async function floatAndInteger(spec: IdfSpec, params: Float32Array, images: Uint8Array, count: number, size: number) {
  await startBackend('wasm');
  const model = await exportIdf(spec, params, calibration);
  const floatBpd = tf.tidy(() => {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, { offset, size: n, shape }] of paramOffsets(idfParams(spec))) tensors.set(name, tf.tensor(params.subarray(offset, offset + n), [...shape]));
    const pixels = tf.sub(tf.tensor4d(Float32Array.from(images), [count, size, size, 3]), 128) as tf.Tensor4D;
    return -tf.sum(idfLogLikelihood(spec, tensors, pixels)).dataSync()[0]! / (count * size * size * 3 * Math.LN2);
  });
  const coder = createIdfTileCoder(writeIntegerIdf(model), 'tiny.idfm', createEngine({ kernel: 'wasm' }));
  let bits = 0;
  const imageSize = size * size * 3;
  for (let n = 0; n < count; n++) bits += coder.estimateBits(images.subarray(n * imageSize, (n + 1) * imageSize), size, size);
  return { model, floatBpd, integerBpd: bits / (count * imageSize) };
}

test('parameter counts: hex kernels count 7 of 9 taps, binary kernels are flagged, resnet unchanged', () => {
  const resnet = idfParams(tinySpec('resnet', 1));
  const hex = idfParams(tinySpec('hex', 1));
  const binary = idfParams(tinySpec('binary', 1));
  assert.equal(effectiveParamCount(resnet), paramCount(resnet));
  assert.equal(binaryWeightCount(resnet), 0);
  const kernels = resnet.filter((p) => p.name.endsWith('.w'));
  const kernelScalars = kernels.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(paramCount(hex), paramCount(resnet), 'the flat vector stores all 9 taps');
  assert.equal(effectiveParamCount(hex), paramCount(resnet) - (kernelScalars * 2) / 9, 'two of nine taps of every 3x3 kernel are masked');
  assert.equal(binaryWeightCount(binary), kernelScalars);
  const outChannels = kernels.reduce((n, p) => n + p.shape[3]!, 0);
  assert.equal(paramCount(binary), paramCount(resnet) + outChannels, 'one scale per output channel');
  for (const p of hex.filter((q) => q.name.endsWith('.w'))) assert.deepEqual(p.taps, [0, 1, 1, 1, 1, 1, 1, 1, 0]);
});

test('initial hex kernels are 0 on masked taps; binary scales start at 0 where the resnet kernel starts at 0', () => {
  const spec = tinySpec('hex', 2);
  const flat = initialParams(idfParams(spec), 2);
  for (const [name, { offset, size }] of paramOffsets(idfParams(spec))) {
    if (!name.endsWith('.w')) continue;
    const perTap = size / 9;
    for (const tap of [0, 8]) assert.ok(flat.subarray(offset + tap * perTap, offset + (tap + 1) * perTap).every((v) => v === 0), `${name} tap ${tap}`);
  }
  const binary = tinySpec('binary', 2);
  const offsets = paramOffsets(idfParams(binary));
  const values = initialParams(idfParams(binary), 2);
  const at = (name: string) => values.subarray(offsets.get(name)!.offset, offsets.get(name)!.offset + offsets.get(name)!.size);
  assert.ok(at('level0.coupling0.out.s').every((v) => v === 0), 'couplings start as the identity');
  assert.ok(at('level0.coupling0.block0.conv2.s').every((v) => v === 0), 'blocks start as the identity');
  const fanIn = 9 * offsets.get('level0.coupling0.in.w')!.shape[2]!;
  assert.ok(at('level0.coupling0.in.s').every((v) => Math.abs(v - Math.sqrt(2 / fanIn)) < 1e-7), 'He magnitude');
  assert.ok(at('level0.coupling0.in.w').some((v) => v < 0) && at('level0.coupling0.in.w').some((v) => v > 0), 'random signs');
});

test('binarizeStraightThrough: sign with sign(0) = +1 forward, clipped identity backward', async () => {
  await startBackend('wasm');
  const w = tf.tensor1d([-2, -0.5, 0, 0.25, 1.5]);
  assert.deepEqual(Array.from(binarizeStraightThrough(w).dataSync()), [-1, -1, 1, 1, 1]);
  const gradient = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(binarizeStraightThrough(v), tf.tensor1d([1, 2, 3, 4, 5]))))(w);
  assert.deepEqual(Array.from(gradient.dataSync()), [0, 2, 3, 4, 0]);
});

for (const family of ['resnet', 'binary', 'hex'] as const) {
  test(`${family}: the exported integer model's ideal bits/dim is within 0.5% of the float graph's`, async () => {
    const spec = tinySpec(family, 3);
    const images = syntheticImages(4, 16, 31);
    const { floatBpd, integerBpd } = await floatAndInteger(spec, perturbedParams(spec, 3), images, 4, 16);
    assert.ok(floatBpd > 1 && floatBpd < 16, `float ${floatBpd}`);
    assert.ok(Math.abs(integerBpd - floatBpd) <= 0.005 * floatBpd, `float ${floatBpd.toFixed(4)} vs integer ${integerBpd.toFixed(4)} bits/dim`);
  });

  test(`${family}: compress then decompress a tile through the codec's IDF tile coder, both kernels`, async () => {
    await startBackend('wasm');
    const spec = tinySpec(family, 4);
    const bytes = writeIntegerIdf(await exportIdf(spec, perturbedParams(spec, 4), calibration));
    const wasm = createIdfTileCoder(bytes, `${family}.idfm`, createEngine({ kernel: 'wasm' }));
    const reference = createIdfTileCoder(bytes, `${family}.idfm`, createEngine({ kernel: 'reference' }));
    const pixels = syntheticImages(1, 64, 17).subarray(0, 24 * 16 * 3);
    const stream = wasm.encodeTile(pixels, 24, 16);
    assert.deepEqual(reference.encodeTile(pixels, 24, 16), stream);
    assert.deepEqual(wasm.decodeTile(stream, 24, 16), pixels);
    assert.deepEqual(reference.decodeTile(stream, 24, 16), pixels);
  });
}

test('binary: every engine weight is +-1, stored one bit each (version 2), and the file reads back to the same model', async () => {
  await startBackend('wasm');
  const spec = tinySpec('binary', 5);
  const model = await exportIdf(spec, perturbedParams(spec, 5), calibration);
  const weights = [...model.layers.values()].reduce((n, l) => n + l.weights.length, 0);
  for (const layer of model.layers.values()) assert.ok(layer.weights.every((w) => w === 1 || w === -1), `${layer.name} has weights other than +-1`);
  const bytes = writeIntegerIdf(model);
  assert.equal(bytes[4], 2, 'a file with packed layers is version 2');
  const again = readIntegerIdf(bytes, 'binary.idfm');
  for (const [name, layer] of model.layers) assert.deepEqual(again.layers.get(name)!.weights, layer.weights, name);
  assert.deepEqual(writeIntegerIdf(again), bytes);
  // The same layers written as a resnet's (int8 weights, version 1): 7 of every 8 weight bytes more, less the
  // header's "weightBits" entries ("binary" and "resnet" have the same length).
  const asResnet = { ...spec.coupling, family: 'resnet' as const };
  const unpacked = writeIntegerIdf({ ...model, spec: { ...spec, coupling: asResnet, splitPrior: { ...spec.splitPrior, net: asResnet } } });
  assert.equal(unpacked[4], 1);
  const saved = [...model.layers.values()].reduce((n, l) => n + l.weights.length - Math.ceil(l.weights.length / 8), 0);
  assert.equal(unpacked.length - bytes.length, saved - model.layers.size * ',"weightBits":1'.length);
  assert.ok(saved > 0.85 * weights);
  const pixels = syntheticImages(1, 16, 6);
  const engine = createEngine({ kernel: 'wasm' });
  assert.deepEqual(new IntegerIdf(engine, again).forward(pixels, 16, 16), new IntegerIdf(engine, model).forward(pixels, 16, 16));
  const version1 = bytes.slice();
  version1[4] = 1;
  assert.throws(() => readIntegerIdf(version1, 'v1.idfm'), /weightBits 1; only 1, and only in a version-2 file/);
});

test('hex: masked taps are 0 in the engine, carry a mask, and changing them in the float parameters changes nothing', async () => {
  await startBackend('wasm');
  const spec = tinySpec('hex', 6);
  const params = perturbedParams(spec, 6);
  const model = await exportIdf(spec, params, calibration);
  for (const layer of model.layers.values()) {
    assert.deepEqual(Array.from(layer.mask ?? []), [0, 1, 1, 1, 1, 1, 1, 1, 0], layer.name!);
    const perTap = layer.weights.length / 9;
    for (const tap of [0, 8]) assert.ok(layer.weights.subarray(tap * perTap, (tap + 1) * perTap).every((w) => w === 0), `${layer.name} tap ${tap}`);
  }
  const noisy = params.slice();
  const random = new Random(60);
  for (const [name, { offset, size }] of paramOffsets(idfParams(spec))) {
    if (!name.endsWith('.w')) continue;
    const perTap = size / 9;
    for (const tap of [0, 8]) for (let i = 0; i < perTap; i++) noisy[offset + tap * perTap + i] = random.nextNormal();
  }
  assert.deepEqual(writeIntegerIdf(await exportIdf(spec, noisy, calibration)), writeIntegerIdf(model));
  const bytes = writeIntegerIdf(model);
  assert.equal(bytes[4], 1, 'hex needs no format extension');
  const again = readIntegerIdf(bytes, 'hex.idfm');
  assert.deepEqual(Array.from(again.layers.get('level0.coupling0.in')!.mask ?? []), [0, 1, 1, 1, 1, 1, 1, 1, 0], 'the reader restores the mask from the architecture');
  // A view into a larger buffer (as a Node Buffer from readFileSync is) reads the same model.
  const larger = new Uint8Array(bytes.length + 5);
  larger.set(bytes, 3);
  assert.deepEqual(writeIntegerIdf(readIntegerIdf(larger.subarray(3, 3 + bytes.length), 'view.idfm')), bytes);
});

test('binary: a packed layer whose last byte has a padding bit set is refused', async () => {
  await startBackend('wasm');
  const spec = tinySpec('binary', 7, 5);
  const bytes = writeIntegerIdf(await exportIdf(spec, perturbedParams(spec, 7), calibration));
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const first = (JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as { layers: { kernelSize: number; inChannels: number; outChannels: number; weightBits?: number }[] }).layers[0]!;
  const n = first.kernelSize ** 2 * first.inChannels * first.outChannels;
  assert.equal(first.weightBits, 1);
  assert.notEqual(n % 8, 0, 'the first layer needs padding bits for this test');
  const damaged = bytes.slice();
  damaged[12 + headerLength + Math.ceil(n / 8) - 1]! |= 0x80;
  assert.throws(() => readIntegerIdf(damaged, 'padded.idfm'), /padding bits after the last packed weight/);
  assert.doesNotThrow(() => readIntegerIdf(bytes, 'good.idfm'));
});
