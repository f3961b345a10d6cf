import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../../src/core/random.js';
import { startBackend } from '../../../src/train/backend.js';
import { inverseFromLu, logAbsDeterminant, luDecompose } from '../../../src/research/snf/lu.js';
import {
  exactLogdetConv,
  exactLogdetDense,
  fastMatMul,
  logdetStandInConv,
  logdetStandInDense,
  snfConv2d,
  snfMatMul,
} from '../../../src/research/snf/snf-ops.js';
import { convToeplitz, tapUseCounts, toeplitzKernelGradient, type ConvGeometry } from '../../../src/research/snf/toeplitz.js';

before(async () => {
  await startBackend('wasm');
});

function nearIdentity(n: number, seed: number, noise = 0.2): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0) + noise * random.nextNormal());
}

function normals(size: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: size }, () => random.nextNormal());
}

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

/**
 * Gradient with respect to W of the per-image NLL of a one-layer flow z = x W + b under N(0, I):
 * mean_n 1/2 |z_n|^2 - log|det W| (constants dropped), once with the SNF stand-in and once exactly.
 */
function denseNllGradients(wValues: Float64Array, rValues: Float64Array, n: number, x: tf.Tensor2D): { snf: Float32Array; exact: Float32Array } {
  return tf.tidy(() => {
    const w = tf.tensor2d(Float32Array.from(wValues), [n, n]);
    const r = tf.tensor2d(Float32Array.from(rValues), [n, n]);
    const data = (z: tf.Tensor) => tf.mean(tf.mul(0.5, tf.sum(tf.square(z), 1)));
    const snf = tf.grads((ws: tf.Tensor, rs: tf.Tensor) => tf.sub(data(snfMatMul(x, ws as tf.Tensor2D, rs as tf.Tensor2D)), logdetStandInDense(ws as tf.Tensor2D, rs as tf.Tensor2D)))([w, r]);
    const exact = tf.grad((ws: tf.Tensor) => tf.sub(data(tf.matMul(x, ws as tf.Tensor2D)), exactLogdetDense(ws as tf.Tensor2D)))(w);
    return { snf: snf[0]!.dataSync() as Float32Array, exact: exact.dataSync() as Float32Array };
  });
}

test('dense: with R = W^-1 the SNF gradient of W equals the exact gradient (relative error <= 1e-4)', () => {
  for (const n of [5, 16, 33]) {
    const w = nearIdentity(n, n);
    const r = inverseFromLu(luDecompose(w, n))!;
    const x = tf.tensor2d(normals(8 * n, 100 + n), [8, n]);
    const { snf, exact } = denseNllGradients(w, r, n, x);
    const error = relativeError(snf, exact);
    assert.ok(error <= 1e-4, `n=${n}: relative error ${error}`);
    // R = W^T instead of W^-1 gives a visibly different gradient, so the comparison has teeth.
    const { snf: off } = denseNllGradients(w, transpose(w, n), n, x);
    assert.ok(relativeError(off, exact) > 1e-2);
    x.dispose();
  }
});

function transpose(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

test('dense: the exact log-det op returns multiplier * log|det W| with gradient multiplier * W^-T', () => {
  const n = 7;
  // The op sees float32 weights: compare against the inverse of exactly those.
  const w = Float64Array.from(Float32Array.from(nearIdentity(n, 3, 0.5)));
  const expected = logAbsDeterminant(w, n);
  const inverse = inverseFromLu(luDecompose(w, n))!;
  const [value, grad] = tf.tidy(() => {
    const ws = tf.tensor2d(Float32Array.from(w), [n, n]);
    const { value: v, grad: g } = tf.valueAndGrad((t: tf.Tensor) => exactLogdetDense(t as tf.Tensor2D, 3))(ws);
    return [v.dataSync()[0]!, g.dataSync()];
  });
  assert.ok(Math.abs(value - 3 * expected) < 1e-5);
  const inverseT = transpose(inverse, n);
  assert.ok(relativeError(grad, inverseT.map((v) => 3 * v)) < 1e-6);
});

test('snfMatMul: usual gradients for x and W; R gets -(z^T) (W^T g_z)', () => {
  const [n, d] = [4, 6];
  tf.tidy(() => {
    const x = tf.tensor2d(normals(n * d, 1), [n, d]);
    const w = tf.tensor2d(normals(d * d, 2), [d, d]);
    const r = tf.tensor2d(normals(d * d, 3), [d, d]);
    const probe = tf.tensor2d(normals(n * d, 4), [n, d]);
    const f = (xs: tf.Tensor, ws: tf.Tensor, rs: tf.Tensor) => tf.sum(tf.mul(snfMatMul(xs as tf.Tensor2D, ws as tf.Tensor2D, rs as tf.Tensor2D), probe));
    const [dx, dw, dr] = tf.grads(f)([x, w, r]);
    const [dxRef, dwRef] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => tf.sum(tf.mul(tf.matMul(xs as tf.Tensor2D, ws as tf.Tensor2D), probe)))([x, w]);
    assert.ok(relativeError(dx!.dataSync(), dxRef!.dataSync()) < 1e-6);
    assert.ok(relativeError(dw!.dataSync(), dwRef!.dataSync()) < 1e-6);
    const drRef = tf.neg(tf.matMul(tf.matMul(x, w), tf.matMul(probe, w, false, true), true, false));
    assert.ok(relativeError(dr!.dataSync(), drRef.dataSync()) < 1e-6);
  });
});

const GEOMETRY: ConvGeometry = { kernel: 3, channels: 2, height: 5, width: 4 };

test('conv: the stand-in gradient is the Toeplitz sum of T(R)^T (flipped, transposed R times tap counts)', () => {
  const g = GEOMETRY;
  const size = g.kernel * g.kernel * g.channels * g.channels;
  const wValues = normals(size, 5);
  const rValues = normals(size, 6);
  const [dw, dr] = tf.tidy(() => {
    const w = tf.tensor4d(wValues, [3, 3, 2, 2]);
    const r = tf.tensor4d(rValues, [3, 3, 2, 2]);
    return tf.grads((ws: tf.Tensor, rs: tf.Tensor) => logdetStandInConv(ws as tf.Tensor4D, rs as tf.Tensor4D, g.height, g.width))([w, r]).map((t) => t.dataSync());
  });
  // T(R) maps z -> x, so its transpose takes the place of T(W)^-T in the Toeplitz gradient formula.
  const expectedW = toeplitzKernelGradient(convToeplitz(rValues, g), g);
  assert.ok(relativeError(dw!, expectedW) < 1e-6);
  const expectedR = toeplitzKernelGradient(convToeplitz(wValues, g), g).map((v) => -v);
  assert.ok(relativeError(dr!, expectedR) < 1e-6);
  assert.deepEqual([...tapUseCounts(3, 5, 4)], [12, 16, 12, 15, 20, 15, 12, 16, 12]);
});

test('conv: with R = W^-1 (a centre-tap kernel) the SNF gradient equals the exact Toeplitz gradient', () => {
  const g = GEOMETRY;
  const c = g.channels;
  const mix = nearIdentity(c, 9, 0.4);
  const mixInverse = inverseFromLu(luDecompose(mix, c))!;
  const kernelOf = (m: Float64Array) => {
    const k = new Float32Array(9 * c * c);
    for (let ci = 0; ci < c; ci++) for (let co = 0; co < c; co++) k[4 * c * c + ci * c + co] = m[ci * c + co]!;
    return k;
  };
  const [snf, exact] = tf.tidy(() => {
    const x = tf.tensor4d(normals(3 * g.height * g.width * c, 10), [3, g.height, g.width, c]);
    const w = tf.tensor4d(kernelOf(mix), [3, 3, c, c]);
    // x W = z means x = z W^-1: R's centre tap is the inverse matrix.
    const r = tf.tensor4d(kernelOf(mixInverse), [3, 3, c, c]);
    const data = (z: tf.Tensor) => tf.mean(tf.mul(0.5, tf.sum(tf.square(z), [1, 2, 3])));
    const a = tf.grads((ws: tf.Tensor, rs: tf.Tensor) => tf.sub(data(snfConv2d(x, ws as tf.Tensor4D, rs as tf.Tensor4D)), logdetStandInConv(ws as tf.Tensor4D, rs as tf.Tensor4D, g.height, g.width)))([w, r]);
    const b = tf.grad((ws: tf.Tensor) => tf.sub(data(tf.conv2d(x, ws as tf.Tensor4D, 1, 'same')), exactLogdetConv(ws as tf.Tensor4D, g)))(w);
    return [a[0]!.dataSync(), b.dataSync()];
  });
  assert.ok(relativeError(snf!, exact!) <= 1e-4, `relative error ${relativeError(snf!, exact!)}`);
});

test('conv: exact log|det T| and its gradient agree with finite differences; 1x1 equals H W log|det W|', () => {
  const g = GEOMETRY;
  const kernel = Float64Array.from(normals(36, 11)).map((v, i) => 0.3 * v + ([16, 19].includes(i) ? 1.5 : 0));
  const logdet = (k: Float64Array) => logAbsDeterminant(convToeplitz(k, g), 40);
  const [value, grad] = tf.tidy(() => {
    const { value: v, grad: gr } = tf.valueAndGrad((ws: tf.Tensor) => exactLogdetConv(ws as tf.Tensor4D, g))(tf.tensor4d(Float32Array.from(kernel), [3, 3, 2, 2]));
    return [v.dataSync()[0]!, gr.dataSync()];
  });
  assert.ok(Math.abs(value - logdet(kernel)) < 1e-4 * Math.max(1, Math.abs(value)));
  const h = 1e-6;
  for (const index of [0, 5, 16, 19, 35]) {
    const plus = Float64Array.from(kernel);
    const minus = Float64Array.from(kernel);
    plus[index]! += h;
    minus[index]! -= h;
    const numeric = (logdet(plus) - logdet(minus)) / (2 * h);
    assert.ok(Math.abs(grad[index]! - numeric) < 1e-3 * Math.max(1, Math.abs(numeric)), `entry ${index}: ${grad[index]} vs ${numeric}`);
  }
  const m = nearIdentity(2, 12, 0.5);
  const oneByOne = logAbsDeterminant(convToeplitz(m, { ...g, kernel: 1 }), 40);
  assert.ok(Math.abs(oneByOne - g.height * g.width * logAbsDeterminant(m, 2)) < 1e-9);
});

test('snfConv2d: usual gradients for x and W; R gets the kernel gradient of conv(z, R) for upstream -dx', () => {
  tf.tidy(() => {
    const x = tf.tensor4d(normals(2 * 5 * 4 * 2, 13), [2, 5, 4, 2]);
    const w = tf.tensor4d(normals(36, 14), [3, 3, 2, 2]);
    const r = tf.tensor4d(normals(36, 15), [3, 3, 2, 2]);
    const probe = tf.tensor4d(normals(2 * 5 * 4 * 2, 16), [2, 5, 4, 2]);
    const [dx, dw, dr] = tf.grads((xs: tf.Tensor, ws: tf.Tensor, rs: tf.Tensor) => tf.sum(tf.mul(snfConv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, rs as tf.Tensor4D), probe)))([x, w, r]);
    const [dxRef, dwRef] = tf.grads((xs: tf.Tensor, ws: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same'), probe)))([x, w]);
    assert.ok(relativeError(dx!.dataSync(), dxRef!.dataSync()) < 1e-5);
    assert.ok(relativeError(dw!.dataSync(), dwRef!.dataSync()) < 1e-5);
    const z = tf.conv2d(x, w, 1, 'same');
    const drRef = tf.grad((rs: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(z, rs as tf.Tensor4D, 1, 'same'), tf.neg(dxRef!))))(r);
    assert.ok(relativeError(dr!.dataSync(), drRef.dataSync()) < 1e-5);
  });
});

test('the reconstruction term inside snfMatMul / snfConv2d has the gradient of c mean ||R W x - x||^2 (x fixed)', () => {
  const c = 0.7;
  tf.tidy(() => {
    // Dense: 5 images of 6 dimensions.
    const x = tf.tensor2d(normals(30, 20), [5, 6]);
    const w = tf.tensor2d(normals(36, 21), [6, 6]);
    const r = tf.tensor2d(normals(36, 22), [6, 6]);
    let reported: tf.Scalar | null = null;
    const [dw, dr] = tf.grads((ws: tf.Tensor, rs: tf.Tensor) => tf.mul(0, tf.sum(snfMatMul(x, ws as tf.Tensor2D, rs as tf.Tensor2D, { weight: c, images: 5, onValue: (v) => (reported = v) }))))([w, r]);
    const reference = (ws: tf.Tensor, rs: tf.Tensor) => tf.mul(c / 5, tf.sum(tf.square(tf.sub(tf.matMul(tf.matMul(x, ws as tf.Tensor2D), rs as tf.Tensor2D), x))));
    const [dwRef, drRef] = tf.grads(reference)([w, r]);
    // Upstream dy = 0 leaves only the reconstruction gradient (and dR's -u^T dx = 0).
    assert.ok(relativeError(dw!.dataSync(), dwRef!.dataSync()) < 1e-5);
    assert.ok(relativeError(dr!.dataSync(), drRef!.dataSync()) < 1e-5);
    // The reported value is the batch mean of ||R W x - x||^2, without the weight c.
    const mean = reference(w, r).dataSync()[0]! / c;
    assert.ok(Math.abs(reported!.dataSync()[0]! - mean) < 1e-4 * mean);
    tf.dispose(reported!);

    // Convolution: 2 images of 5x4x2.
    const xc = tf.tensor4d(normals(80, 23), [2, 5, 4, 2]);
    const wc = tf.tensor4d(normals(36, 24), [3, 3, 2, 2]);
    const rc = tf.tensor4d(normals(36, 25), [3, 3, 2, 2]);
    const [dwc, drc] = tf.grads((ws: tf.Tensor, rs: tf.Tensor) => tf.mul(0, tf.sum(snfConv2d(xc, ws as tf.Tensor4D, rs as tf.Tensor4D, { weight: c, images: 2, onValue: (v) => v.dispose() }))))([wc, rc]);
    const convReference = (ws: tf.Tensor, rs: tf.Tensor) =>
      tf.mul(c / 2, tf.sum(tf.square(tf.sub(tf.conv2d(tf.conv2d(xc, ws as tf.Tensor4D, 1, 'same'), rs as tf.Tensor4D, 1, 'same'), xc))));
    const [dwcRef, drcRef] = tf.grads(convReference)([wc, rc]);
    assert.ok(relativeError(dwc!.dataSync(), dwcRef!.dataSync()) < 1e-5);
    assert.ok(relativeError(drc!.dataSync(), drcRef!.dataSync()) < 1e-5);
  });
});

test('a reconstruction term that does not train the forward weights leaves W its likelihood gradient and R the same gradient', () => {
  type Layer = (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor, term: { weight: number; trainsForward: boolean; images: number }) => tf.Tensor;
  const check = (layer: Layer, x: tf.Tensor, w: tf.Tensor, r: tf.Tensor, probe: tf.Tensor) => {
    const images = x.shape[0]!;
    const grads = (trainsForward: boolean, weight: number) =>
      tf.grads((ws: tf.Tensor, rs: tf.Tensor) => tf.sum(tf.mul(layer(x, ws, rs, { weight, trainsForward, images }), probe)))([w, r]);
    const [dwInverseOnly, drInverseOnly] = grads(false, 0.7);
    const [dwNoTerm] = grads(false, 0);
    const [dwBoth, drBoth] = grads(true, 0.7);
    assert.deepEqual(Array.from(dwInverseOnly!.dataSync()), Array.from(dwNoTerm!.dataSync()));
    assert.ok(relativeError(drInverseOnly!.dataSync(), drBoth!.dataSync()) < 1e-6);
    assert.ok(relativeError(dwInverseOnly!.dataSync(), dwBoth!.dataSync()) > 1e-3);
  };
  tf.tidy(() => {
    check((x, w, r, term) => snfMatMul(x as tf.Tensor2D, w as tf.Tensor2D, r as tf.Tensor2D, term),
      tf.tensor2d(normals(30, 40), [5, 6]), tf.tensor2d(normals(36, 41), [6, 6]), tf.tensor2d(normals(36, 42), [6, 6]), tf.tensor2d(normals(30, 43), [5, 6]));
    check((x, w, r, term) => snfConv2d(x as tf.Tensor4D, w as tf.Tensor4D, r as tf.Tensor4D, term),
      tf.tensor4d(normals(80, 44), [2, 5, 4, 2]), tf.tensor4d(normals(36, 45), [3, 3, 2, 2]), tf.tensor4d(normals(36, 46), [3, 3, 2, 2]), tf.tensor4d(normals(80, 47), [2, 5, 4, 2]));
  });
});

test('fastMatMul has the stock matMul gradient', () => {
  tf.tidy(() => {
    const x = tf.tensor2d(normals(12, 30), [3, 4]);
    const w = tf.tensor2d(normals(20, 31), [4, 5]);
    const probe = tf.tensor2d(normals(15, 32), [3, 5]);
    const mine = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fastMatMul(a as tf.Tensor2D, b as tf.Tensor2D), probe)))([x, w]);
    const stock = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), probe)))([x, w]);
    mine.forEach((g, i) => assert.ok(relativeError(g.dataSync(), stock[i]!.dataSync()) < 1e-6));
  });
});
