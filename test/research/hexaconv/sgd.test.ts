import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosineLearningRate, sgdStep } from '../../../src/research/hexaconv/sgd.js';

test('sgdStep: momentum and weight decay on the masked entries only', () => {
  const params = Float32Array.from([1, 2]);
  const velocity = new Float32Array(2);
  const mask = Uint8Array.from([1, 0]);
  sgdStep(params, Float32Array.from([0.5, 0.5]), velocity, 0.1, 0.9, 0.1, mask);
  // v = -0.1 * (0.5 + 0.1 * 1) = -0.06; -0.1 * 0.5 = -0.05
  assert.ok(Math.abs(velocity[0]! + 0.06) < 1e-7 && Math.abs(velocity[1]! + 0.05) < 1e-7);
  assert.ok(Math.abs(params[0]! - 0.94) < 1e-6 && Math.abs(params[1]! - 1.95) < 1e-6);
  sgdStep(params, new Float32Array(2), velocity, 0.1, 0.9, 0, mask);
  assert.ok(Math.abs(velocity[1]! + 0.045) < 1e-7);
});

test('cosineLearningRate: peak at the start, half-way at half, 0 at the end and after', () => {
  assert.equal(cosineLearningRate(0.05, 0), 0.05);
  assert.ok(Math.abs(cosineLearningRate(0.05, 0.5) - 0.025) < 1e-12);
  assert.ok(cosineLearningRate(0.05, 1) < 1e-12);
  assert.ok(cosineLearningRate(0.05, 2) < 1e-12);
});
