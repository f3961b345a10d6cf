import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { startBackend } from '../../../src/train/backend.js';
import { inverseFromLu, logAbsDeterminant, luDecompose } from '../../../src/research/snf/lu.js';
import { SnfFlow } from '../../../src/research/snf/snf-flow.js';
import { initialSnfParams } from '../../../src/research/snf/snf-params.js';
import { snfPreset } from '../../../src/research/snf/snf-presets.js';
import type { GradientKind, SnfModelName, SnfSpec } from '../../../src/research/snf/snf-spec.js';

before(async () => {
  await startBackend('wasm');
});

function tinySpec(model: SnfModelName, gradient: GradientKind, side: number, blocks = 1): SnfSpec {
  return snfPreset(model, { gradient, image: { height: side, width: side, channels: 1 }, blocks, steps: 1, couplingWidth: 8 });
}

/** Initial parameters moved off their special starting point (identity, zero couplings) so that every layer acts. */
function perturbed(flow: SnfFlow, seed: number, scale = 0.15): Float32Array {
  const flat = initialSnfParams(flow.spec, seed);
  const random = new Random(seed + 1);
  for (let i = 0; i < flat.length; i++) flat[i]! += scale * random.nextNormal();
  return flat;
}

/** Sets every R to the exact inverse of its W (dense and 1x1 layers). */
function setExactInverses(flow: SnfFlow, flat: Float32Array): void {
  flow.spec.layers.forEach((layer, i) => {
    if (layer.kind !== 'dense' && !(layer.kind === 'conv' && layer.kernel === 1)) return;
    const w = flow.slots.get(`L${i}.w`)!;
    const r = flow.slots.get(`L${i}.r`)!;
    const n = Math.round(Math.sqrt(w.size));
    flat.set(Float32Array.from(inverseFromLu(luDecompose(flat.subarray(w.offset, w.offset + w.size), n))!), r.offset);
  });
}

function pixelsIn(count: number, size: number, seed: number, low = 64, high = 192): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: count * size }, () => low + random.nextFloat() * (high - low));
}

test('log p(v) = log N(z) + log|det dz/dv| (finite-difference Jacobian) for the FC, conv and Glow-like models', () => {
  for (const [model, side] of [['fc', 2], ['conv', 4], ['glow', 2]] as const) {
    const flow = new SnfFlow(tinySpec(model, 'self-normalizing', side));
    const flat = perturbed(flow, 3);
    const d = flow.dimension;
    const v = pixelsIn(1, d, 4);
    const logp = flow.logLikelihoods(flat, v, 1, flow.exactLinearLogdet(flat))[0]!;
    // Central differences of z(v), all D directions in one batch each way.
    const h = 0.05;
    const plus = new Float32Array(d * d);
    const minus = new Float32Array(d * d);
    for (let j = 0; j < d; j++) {
      plus.set(v, j * d);
      minus.set(v, j * d);
      plus[j * d + j]! += h;
      minus[j * d + j]! -= h;
    }
    const zPlus = flow.latents(flat, plus, d);
    const zMinus = flow.latents(flat, minus, d);
    const jacobian = new Float64Array(d * d);
    for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) jacobian[i * d + j] = (zPlus[j * d + i]! - zMinus[j * d + i]!) / (2 * h);
    const z = flow.latents(flat, v, 1);
    const logNormal = z.reduce((s, zi) => s - 0.5 * zi * zi - 0.5 * Math.log(2 * Math.PI), 0);
    const expected = logNormal + logAbsDeterminant(jacobian, d);
    // Finite-difference error is about 1e-3 per dimension; a missing layer's log|det| here is 0.1 or more.
    assert.ok(Math.abs(logp - expected) < 0.01 + 0.005 * d, `${model}: ${logp} vs ${expected}`);
  }
});

test('forward then exact inverse gives back the pixels; with R = W^-1 the learned inverse does too', () => {
  for (const [model, side] of [['fc', 4], ['conv', 4], ['glow', 4]] as const) {
    const flow = new SnfFlow(tinySpec(model, 'self-normalizing', side));
    const flat = perturbed(flow, 5);
    setExactInverses(flow, flat);
    const pixels = Float32Array.from(pixelsIn(3, flow.dimension, 6, 1, 254), Math.floor);
    const values = pixels.map((k) => k + 0.5);
    const z = flow.latents(flat, values, 3);
    const shape = flow.latentShape;
    const run = (how: 'exact' | 'learned') =>
      tf.tidy(() => flow.inverse(tf.tensor4d(z, [3, shape.height, shape.width, shape.channels]), flat, how, () => {
        throw new Error('no split prior in these models');
      }));
    assert.deepEqual([...run('exact')], [...pixels], `${model} exact`);
    // k x k convs have no exact k x k inverse kernel, so only FC and Glow-like (1x1) models invert through R exactly.
    if (model !== 'conv') assert.deepEqual([...run('learned')], [...pixels], `${model} learned`);
  }
});

function gradientsOf(flow: SnfFlow, flat: Float32Array, values: Float32Array, count: number): Float32Array {
  const grad = new Float32Array(flow.size);
  flow.lossAndGradient(flat, values, count, grad);
  return grad;
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

test('whole models: with R = W^-1 the SNF gradients of W and b equal the exact-gradient twin\'s (relative error <= 1e-4)', () => {
  for (const [model, side] of [['fc', 4], ['glow', 4]] as const) {
    const snf = new SnfFlow(tinySpec(model, 'self-normalizing', side));
    const exact = new SnfFlow(tinySpec(model, 'exact', side));
    const snfFlat = perturbed(snf, 7, 0.1);
    setExactInverses(snf, snfFlat);
    // The exact twin has the same parameters without the R blocks.
    const exactFlat = new Float32Array(exact.size);
    for (const p of exact.params) {
      const from = snf.slots.get(p.name)!;
      exactFlat.set(snfFlat.subarray(from.offset, from.offset + from.size), exact.slots.get(p.name)!.offset);
    }
    const values = pixelsIn(6, snf.dimension, 8, 1, 255);
    const snfGrad = gradientsOf(snf, snfFlat, values, 6);
    const exactGrad = gradientsOf(exact, exactFlat, values, 6);
    let linear = 0;
    for (const p of exact.params) {
      const a = snf.slots.get(p.name)!;
      const b = exact.slots.get(p.name)!;
      const error = relativeError(snfGrad.subarray(a.offset, a.offset + a.size), exactGrad.subarray(b.offset, b.offset + b.size));
      assert.ok(error <= 1e-4, `${model} ${p.name}: relative error ${error}`);
      if (p.name.endsWith('.w') && !p.name.includes('conv')) linear++;
    }
    assert.ok(linear >= 1);
    // Without R = W^-1 the stand-in gradient differs: the comparison above has teeth.
    const offFlat = perturbed(snf, 7, 0.1);
    const offGrad = gradientsOf(snf, offFlat, values, 6);
    const w = snf.slots.get(model === 'fc' ? 'L0.w' : 'L2.w')!;
    const wExact = exact.slots.get(model === 'fc' ? 'L0.w' : 'L2.w')!;
    assert.ok(relativeError(offGrad.subarray(w.offset, w.offset + w.size), exactGrad.subarray(wExact.offset, wExact.offset + wExact.size)) > 1e-2);
  }
});

test('the exact-gradient model\'s training loss is the evaluation NLL per dimension', () => {
  const flow = new SnfFlow(tinySpec('conv', 'exact', 4));
  const flat = perturbed(flow, 9);
  const values = pixelsIn(5, flow.dimension, 10, 0, 256);
  const { loss, partialNll, reconstruction } = flow.lossAndGradient(flat, values, 5, new Float32Array(flow.size));
  const logp = flow.logLikelihoods(flat, values, 5, flow.exactLinearLogdet(flat));
  const nll = -logp.reduce((a, b) => a + b, 0) / 5;
  assert.equal(reconstruction, 0);
  assert.ok(Math.abs(partialNll - nll) < 1e-3 * Math.abs(nll), `${partialNll} vs ${nll}`);
  assert.ok(Math.abs(loss - nll / flow.dimension) < 1e-3 * Math.abs(loss));
});

test('the SNF training loss adds 2 lambda ||R W x - x||^2 / D, and R = W^T at initialisation makes it vanish (FC)', () => {
  const flow = new SnfFlow(tinySpec('fc', 'self-normalizing', 2));
  const flat = initialSnfParams(flow.spec, 11);
  const values = pixelsIn(4, flow.dimension, 12);
  assert.ok(flow.lossAndGradient(flat, values, 4, new Float32Array(flow.size)).reconstruction < 1e-10);
  const moved = perturbed(flow, 11);
  const step = flow.lossAndGradient(moved, values, 4, new Float32Array(flow.size));
  assert.ok(step.reconstruction > 1e-3);
  assert.ok(Math.abs(step.loss - (step.partialNll + 2 * flow.spec.reconstructionWeight * step.reconstruction) / flow.dimension) < 1e-4 * Math.abs(step.loss));
});

test('actnorm starts from the data: its outputs have per-channel mean 0 and standard deviation 1', () => {
  const flow = new SnfFlow(tinySpec('glow', 'self-normalizing', 4));
  const flat = perturbed(flow, 13);
  const values = pixelsIn(16, flow.dimension, 14, 0, 256);
  flow.initializeActnorm(flat, values, 16);
  // Layer 0 is the squeeze, layer 1 the actnorm: its output is the input of the 1x1 conv (layer 2).
  const index = flow.spec.layers.findIndex((layer) => layer.kind === 'actnorm');
  assert.equal(index, 1);
  const shift = flow.slots.get('L1.shift')!;
  const logScale = flow.slots.get('L1.logScale')!;
  assert.ok(Math.abs(flat[logScale.offset]!) > 0.1, 'the log-scale was set from the data');
  tf.tidy(() => {
    const { height, width, channels } = flow.spec.image;
    const p = tf.add(1e-6, tf.mul((1 - 2e-6) / 256, tf.tensor4d(values, [16, height, width, channels])));
    const squeezed = tf.reshape(tf.transpose(tf.reshape(tf.sub(tf.log(p), tf.log(tf.sub(1, p))), [16, 2, 2, 2, 2, 1]), [0, 1, 3, 2, 4, 5]), [16, 2, 2, 4]);
    const out = tf.mul(tf.sub(squeezed, tf.tensor1d(flat.subarray(shift.offset, shift.offset + 4))), tf.exp(tf.neg(tf.tensor1d(flat.subarray(logScale.offset, logScale.offset + 4)))));
    const { mean, variance } = tf.moments(out, [0, 1, 2]);
    for (const m of mean.dataSync()) assert.ok(Math.abs(m) < 1e-4);
    for (const s of variance.dataSync()) assert.ok(Math.abs(s - 1) < 1e-3);
  });
});
