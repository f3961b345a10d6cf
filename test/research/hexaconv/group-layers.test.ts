import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../../src/train/backend.js';
import { Random } from '../../../src/core/random.js';
import { act, compose, inverse, pointGroup, type GroupName } from '../../../src/research/hexaconv/point-groups.js';
import { expansionMatrix, filterExpansion, isIdentityExpansion, type ConvInput } from '../../../src/research/hexaconv/filter-expansion.js';
import { groupConv, maskedBatchNorm, maskedSpatialMean, orientationMax, subsample, type GridTensors } from '../../../src/research/hexaconv/group-layers.js';
import { discGrid, maxDifference, transformMap } from './group-maps.js';
import { downsampleGrid, type SamplingGrid } from '../../../src/research/hexaconv/sampling-grid.js';

function normals(count: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: count }, () => random.nextNormal());
}

/** The group correlation by its definition: out(t, g) = b + sum_h sum_x f(t + x, h) psi(g^-1 h, g^-1 x). */
function directGroupConv(groupName: GroupName, input: ConvInput, k: number, x: Float32Array, xShape: number[], w: Float32Array, wShape: number[], b: Float32Array): Float32Array {
  const group = pointGroup(groupName);
  const expansion = filterExpansion(group, k, input);
  const [n, rows, columns] = xShape as [number, number, number, number];
  const [outChannels, inChannels, perPair] = wShape as [number, number, number];
  const si = expansion.inOrientations;
  const so = expansion.outOrientations;
  const r = (k - 1) / 2;
  const cells = expansion.support.cells.length;
  const out = new Float32Array(n * rows * columns * outChannels * so);
  for (let batch = 0; batch < n; batch++) {
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        for (let co = 0; co < outChannels; co++) {
          for (let g = 0; g < so; g++) {
            const gInverse = inverse(group, g);
            let sum = b[co]!;
            for (const [u, v] of expansion.support.cells) {
              const y = row + v;
              const xx = column + u;
              if (y < 0 || y >= rows || xx < 0 || xx >= columns) continue;
              const [su, sv] = act(group, gInverse, u, v);
              const cell = expansion.support.cellIndex[(sv + r) * k + (su + r)]!;
              for (let ci = 0; ci < inChannels; ci++) {
                for (let h = 0; h < si; h++) {
                  const hSource = input === 'plane' ? 0 : compose(group, gInverse, h);
                  sum += x[((batch * rows + y) * columns + xx) * inChannels * si + ci * si + h]! * w[(co * inChannels + ci) * perPair + hSource * cells + cell]!;
                }
              }
            }
            out[((batch * rows + row) * columns + column) * outChannels * so + co * so + g] = sum;
          }
        }
      }
    }
  }
  return out;
}

const CASES: { group: GroupName; input: ConvInput; k: number }[] = [
  { group: 'z2', input: 'plane', k: 3 },
  { group: 'hex', input: 'plane', k: 3 },
  { group: 'hex', input: 'plane', k: 5 },
  { group: 'p4', input: 'plane', k: 3 },
  { group: 'p4', input: 'group', k: 3 },
  { group: 'p4m', input: 'group', k: 3 },
  { group: 'p6', input: 'plane', k: 3 },
  { group: 'p6', input: 'group', k: 3 },
  { group: 'p6m', input: 'plane', k: 5 },
  { group: 'p6m', input: 'group', k: 3 },
  { group: 'p6m', input: 'group', k: 1 },
];

test('groupConv (expanded filter bank + one convolution) equals the group correlation by its definition', async () => {
  await startBackend('wasm');
  for (const c of CASES) {
    const group = pointGroup(c.group);
    const expansion = filterExpansion(group, c.k, c.input);
    const si = expansion.inOrientations;
    const xShape = [2, 7, 6, 3 * si];
    const wShape = [4, 3, expansion.paramsPerPair];
    const x = normals(xShape.reduce((a, b) => a * b, 1), 1);
    const w = normals(wShape.reduce((a, b) => a * b, 1), 2);
    const b = normals(4, 3);
    const expected = directGroupConv(c.group, c.input, c.k, x, xShape, w, wShape, b);
    const actual = tf.tidy(() => {
      const matrix = isIdentityExpansion(expansion) ? null : tf.tensor2d(expansionMatrix(expansion), [expansion.paramsPerPair, expansion.source.length]);
      return groupConv(tf.tensor4d(x, xShape as [number, number, number, number]), tf.tensor(w, wShape), tf.tensor1d(b), expansion, matrix, 1, { mask: null, validCells: 42 }).dataSync();
    });
    // float32 sums of up to 3 * 12 * 25 products, in another order: compare relative to the outputs' size
    const scale = Math.max(...expected.map(Math.abs));
    const error = maxDifference(actual, expected) / scale;
    assert.ok(error < 1e-6, `${c.group} ${c.input} k=${c.k}: max relative error ${error}`);
  }
});

/** Batch normalisation written plainly (tfjs's own gradients), the reference for maskedBatchNorm's gradient. */
function plainBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor, orientations: number, mask: tf.Tensor4D, validCells: number): tf.Tensor {
  const [n, h, w, cs] = x.shape;
  const c = cs / orientations;
  const split = tf.reshape(x, [n, h, w, c, orientations]);
  const mask5 = tf.reshape(mask, [1, h, w, 1, 1]);
  const count = n * validCells * orientations;
  const mean = tf.div(tf.sum(tf.mul(split, mask5), [0, 1, 2, 4]), count);
  const centred = tf.sub(split, tf.reshape(mean, [1, 1, 1, c, 1]));
  const variance = tf.div(tf.sum(tf.square(tf.mul(centred, mask5)), [0, 1, 2, 4]), count);
  const y = tf.add(tf.mul(tf.mul(centred, tf.reshape(tf.rsqrt(tf.add(variance, 1e-5)), [1, 1, 1, c, 1])), tf.reshape(gamma, [1, 1, 1, c, 1])), tf.reshape(beta, [1, 1, 1, c, 1]));
  return tf.mul(tf.reshape(y, [n, h, w, cs]), mask);
}

test('maskedBatchNorm: outputs and gradients equal plain batch normalisation over the valid cells', async () => {
  await startBackend('wasm');
  const grid = discGrid('hex', 3);
  const orientations = 6;
  const shape: [number, number, number, number] = [3, grid.rows, grid.columns, 2 * orientations];
  tf.tidy(() => {
    const mask = tf.tensor4d(Float32Array.from(grid.mask), [1, grid.rows, grid.columns, 1]);
    const gridTensors: GridTensors = { mask, validCells: grid.validCells };
    // Inputs that are not zero in the padding: the layer must ignore it.
    const x = tf.add(tf.mul(tf.tensor4d(normals(shape.reduce((a, b) => a * b, 1), 4), shape), 2), 0.5);
    const gamma = tf.tensor1d([1.5, -0.7]);
    const beta = tf.tensor1d([0.2, 0.3]);
    const r = tf.tensor4d(normals(shape.reduce((a, b) => a * b, 1), 5), shape);
    let reported: number[] = [];
    const ours = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(maskedBatchNorm(a as tf.Tensor4D, g, b, orientations, gridTensors, null, (m) => (reported = [...m.mean.dataSync(), ...m.variance.dataSync()])), r));
    const plain = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(plainBatchNorm(a as tf.Tensor4D, g, b, orientations, mask, grid.validCells), r));
    const y = maskedBatchNorm(x as tf.Tensor4D, gamma, beta, orientations, gridTensors, null);
    const yPlain = plainBatchNorm(x as tf.Tensor4D, gamma, beta, orientations, mask, grid.validCells);
    assert.ok(maxDifference(y.dataSync(), yPlain.dataSync()) < 1e-5);
    const gradsOurs = tf.grads(ours)([x, gamma, beta]);
    const gradsPlain = tf.grads(plain)([x, gamma, beta]);
    ['x', 'gamma', 'beta'].forEach((name, i) => {
      const error = maxDifference(gradsOurs[i]!.dataSync(), gradsPlain[i]!.dataSync());
      assert.ok(error < 1e-4, `d/d${name}: max error ${error}`);
    });
    assert.equal(reported.length, 4);
    assert.ok(reported[2]! > 3 && reported[2]! < 5, `variance of 2 * N(0, 1): ${reported[2]}`);
    // Outside the mask: zero output and zero gradient.
    const dx = gradsOurs[0]!.dataSync();
    const out = y.dataSync();
    for (let i = 0; i < out.length; i++) {
      if (grid.mask[Math.floor(i / shape[3]) % (grid.rows * grid.columns)] === 0) assert.ok(out[i] === 0 && dx[i] === 0, `cell value ${i}`);
    }
  });
});

test('groupConv and maskedSpatialMean: gradients equal those of the same computation with tfjs ops', async () => {
  await startBackend('wasm');
  const group = pointGroup('p6');
  const expansion = filterExpansion(group, 3, 'group');
  const grid = discGrid('hex', 2);
  tf.tidy(() => {
    const mask = tf.tensor4d(Float32Array.from(grid.mask), [1, 5, 5, 1]);
    const gridTensors: GridTensors = { mask, validCells: grid.validCells };
    const matrix = tf.tensor2d(expansionMatrix(expansion), [expansion.paramsPerPair, expansion.source.length]);
    const x = tf.mul(tf.tensor4d(normals(2 * 25 * 12, 6), [2, 5, 5, 12]), mask);
    const w = tf.tensor(normals(3 * 2 * expansion.paramsPerPair, 7), [3, 2, expansion.paramsPerPair]);
    const b = tf.tensor1d([0.1, -0.2, 0.3]);
    const r = tf.tensor2d(normals(2 * 18, 8), [2, 18]);
    const ours = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.sum(tf.mul(maskedSpatialMean(groupConv(xs as tf.Tensor4D, ws, bs, expansion, matrix, 1, gridTensors), gridTensors), r));
    const plain = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => {
      const filters = tf.reshape(tf.transpose(tf.reshape(tf.matMul(tf.reshape(ws, [6, expansion.paramsPerPair]), matrix), [3, 2, 6, 6, 3, 3]), [4, 5, 1, 3, 0, 2]), [3, 3, 12, 18]);
      const y = tf.mul(tf.add(tf.conv2d(xs as tf.Tensor4D, filters as tf.Tensor4D, 1, 1), tf.reshape(tf.tile(tf.reshape(bs, [3, 1]), [1, 6]), [18])), mask);
      return tf.sum(tf.mul(tf.div(tf.sum(y, [1, 2]), grid.validCells), r));
    };
    const a = tf.grads(ours)([x, w, b]);
    const e = tf.grads(plain)([x, w, b]);
    ['x', 'w', 'b'].forEach((name, i) => {
      const error = maxDifference(a[i]!.dataSync(), e[i]!.dataSync());
      assert.ok(error < 1e-4, `d/d${name}: max error ${error}`);
    });
  });
});

test('orientationMax: the maximum per channel, its gradient to the maximal orientation, split among ties', async () => {
  await startBackend('wasm');
  tf.tidy(() => {
    const x = tf.tensor2d([[1, 5, 2, 5, 0, 3, 9, 9, 9, 1, 1, 2]], [1, 12]); // 2 channels x 6 orientations
    assert.deepEqual([...orientationMax(x, 6).dataSync()], [5, 9]);
    const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(orientationMax(a as tf.Tensor2D, 6), tf.tensor2d([[2, 3]]))))([x]);
    assert.deepEqual([...dx!.dataSync()], [0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0]);
  });
});

test('subsample keeps rows and columns 0, 2, 4, ... of odd and even arrays; its gradient scatters back', async () => {
  await startBackend('wasm');
  tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from({ length: 5 * 4 * 2 }, (_, i) => i), [1, 5, 4, 2]);
    const y = subsample(x);
    assert.deepEqual(y.shape, [1, 3, 2, 2]);
    assert.deepEqual([...y.dataSync()], [0, 1, 4, 5, 16, 17, 20, 21, 32, 33, 36, 37]);
    const [dx] = tf.grads((a: tf.Tensor) => tf.sum(subsample(a as tf.Tensor4D)))([x]);
    const kept = [...dx!.dataSync()].map((v, i) => (v === 1 ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(kept, [0, 1, 4, 5, 16, 17, 20, 21, 32, 33, 36, 37]);
  });
});

for (const groupName of ['p4', 'p4m', 'p6', 'p6m'] as const) {
  test(`${groupName}: lifting and group convolutions (stride 1 and 2) commute with every group element`, async () => {
    await startBackend('wasm');
    const group = pointGroup(groupName);
    const grid = discGrid(group.lattice, 4);
    const maskOf = (g: SamplingGrid): GridTensors => ({ mask: tf.tensor4d(Float32Array.from(g.mask), [1, g.rows, g.columns, 1]), validCells: g.validCells });
    tf.tidy(() => {
      const inMask = maskOf(grid);
      const outMasks = { 1: inMask, 2: maskOf(downsampleGrid(grid)) };
      for (const input of ['plane', 'group'] as const) {
        for (const stride of [1, 2] as const) {
          const expansion = filterExpansion(group, 3, input);
          const matrix = tf.tensor2d(expansionMatrix(expansion), [expansion.paramsPerPair, expansion.source.length]);
          const si = expansion.inOrientations;
          const shape = [2, 9, 9, 2 * si];
          const x = tf.mul(tf.tensor4d(normals(shape.reduce((a, b) => a * b, 1), 9), shape as [number, number, number, number]), inMask.mask!).dataSync() as Float32Array;
          // He-scaled filters, so outputs have unit scale as in a network
          const w = tf.mul(tf.tensor(normals(3 * 2 * expansion.paramsPerPair, 10), [3, 2, expansion.paramsPerPair]), Math.sqrt(2 / (2 * expansion.paramsPerPair)));
          const b = tf.tensor1d(normals(3, 11));
          const run = (data: Float32Array) => groupConv(tf.tensor4d(data, shape as [number, number, number, number]), w, b, expansion, matrix, stride, outMasks[stride]);
          const reference = run(x);
          for (let g = 1; g < group.size; g++) {
            const moved = run(transformMap(x, shape, group, g, si)).dataSync();
            const expected = transformMap(reference.dataSync() as Float32Array, reference.shape, group, g, group.size);
            const error = maxDifference(moved, expected);
            assert.ok(error <= 1e-5, `${groupName} ${input} stride ${stride} element ${g}: max error ${error}`);
          }
        }
      }
    });
  });
}
