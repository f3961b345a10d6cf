import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../../src/core/random.js';
import { inverseFromLu, logAbsDet, logAbsDeterminant, luDecompose } from '../../../src/research/snf/lu.js';

function randomMatrix(n: number, seed: number): Float64Array {
  const random = new Random(seed);
  return Float64Array.from({ length: n * n }, () => random.nextNormal());
}

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let p = 0; p < n; p++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * n + p]! * b[p * n + j]!;
  return c;
}

/** log|det| by the Leibniz-free reference: naive elimination without blocking. */
function referenceLogAbsDet(a: Float64Array, n: number): number {
  const m = Float64Array.from(a);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    let best = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]!) > Math.abs(m[best * n + k]!)) best = i;
    for (let j = 0; j < n; j++) [m[k * n + j], m[best * n + j]] = [m[best * n + j]!, m[k * n + j]!];
    sum += Math.log(Math.abs(m[k * n + k]!));
    for (let i = k + 1; i < n; i++) {
      const l = m[i * n + k]! / m[k * n + k]!;
      for (let j = k; j < n; j++) m[i * n + j]! -= l * m[k * n + j]!;
    }
  }
  return sum;
}

test('P A = L U for sizes around the 4-column panels', () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 13, 32]) {
    const a = randomMatrix(n, n);
    const { lu, pivots, singular } = luDecompose(a, n);
    assert.equal(singular, false);
    const l = new Float64Array(n * n);
    const u = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j < i) l[i * n + j] = lu[i * n + j]!;
        else u[i * n + j] = lu[i * n + j]!;
      }
      l[i * n + i] = 1;
    }
    const pa = Float64Array.from(a);
    for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) [pa[k * n + j], pa[pivots[k]! * n + j]] = [pa[pivots[k]! * n + j]!, pa[k * n + j]!];
    const product = multiply(l, u, n);
    for (let i = 0; i < n * n; i++) assert.ok(Math.abs(product[i]! - pa[i]!) < 1e-12, `n=${n} entry ${i}`);
  }
});

test('log|det| matches closed forms and an unblocked reference', () => {
  // [[a, b], [c, d]]: |ad - bc|
  assert.ok(Math.abs(logAbsDeterminant([3, 1, 4, -2], 2) - Math.log(10)) < 1e-15);
  // A permutation has |det| 1; a diagonal matrix the product of its entries' magnitudes.
  assert.ok(Math.abs(logAbsDeterminant([0, 1, 0, 0, 0, 1, 1, 0, 0], 3)) < 1e-15);
  assert.ok(Math.abs(logAbsDeterminant([2, 0, 0, 0, -0.5, 0, 0, 0, 7], 3) - Math.log(7)) < 1e-15);
  for (const n of [6, 17, 40]) {
    const a = randomMatrix(n, 100 + n);
    assert.ok(Math.abs(logAbsDet(luDecompose(a, n)) - referenceLogAbsDet(a, n)) < 1e-9 * n);
  }
});

test('inverse: A A^-1 = I', () => {
  for (const n of [1, 3, 4, 6, 11, 25]) {
    const a = randomMatrix(n, 7 * n);
    const inverse = inverseFromLu(luDecompose(a, n));
    assert.ok(inverse);
    const product = multiply(a, inverse, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.ok(Math.abs(product[i * n + j]! - (i === j ? 1 : 0)) < 1e-10, `n=${n} (${i},${j})`);
  }
});

test('a singular matrix has log|det| = -Infinity and no inverse', () => {
  // Rank 2: the third row is the sum of the first two.
  const factors = luDecompose([1, 2, 3, 4, 5, 6, 5, 7, 9], 3);
  // Rounding may leave a tiny pivot instead of an exact zero; either way the determinant is (numerically) zero.
  assert.ok(logAbsDet(factors) < -30);
  // A zero column gives an exact zero pivot.
  const zeros = luDecompose([1, 0, 2, 3, 4, 0, 5, 6, 7, 0, 8, 9, 1, 0, 1, 1], 4);
  assert.equal(zeros.singular, true);
  assert.equal(logAbsDet(zeros), -Infinity);
  assert.equal(inverseFromLu(zeros), null);
});
