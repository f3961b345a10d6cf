/**
 * Moving training data into shared memory and back (src/train/shared-copy.ts, shared-variables.ts): copies keep the
 * exact bytes of any view, and the variables follow the shared vector on load() and write gradients at their offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../src/train/backend.js';
import { sharedCopy } from '../../src/train/shared-copy.js';
import { SharedVariables } from '../../src/train/shared-variables.js';

test('sharedCopy: the bytes of the view (not of its whole buffer), unshared with the source', () => {
  const backing = Uint16Array.from([1, 2, 3, 65535, 5]);
  const view = backing.subarray(1, 4);
  const copy = sharedCopy(view);
  assert.ok(copy instanceof SharedArrayBuffer);
  assert.deepEqual([...new Uint16Array(copy)], [2, 3, 65535]);
  backing[2] = 9;
  assert.equal(new Uint16Array(copy)[1], 3);
  assert.deepEqual([...new Float32Array(sharedCopy(Float32Array.from([0.5, -1e-30])))], [0.5, Math.fround(-1e-30)]);
});

test('SharedVariables: variables mirror the shared vector after load(); gradients land at their offsets, missing ones as zeros', async () => {
  await startBackend('cpu');
  const params = new Float32Array(new SharedArrayBuffer(7 * 4));
  params.set([1, 2, 3, 4, 5, 6, 7]);
  const offsets = new Map([
    ['a.w', { offset: 0, size: 6, shape: [2, 3] }],
    ['a.b', { offset: 6, size: 1, shape: [1] }],
  ]);
  const shared = new SharedVariables(offsets, params);
  try {
    assert.deepEqual(shared.variables.get('a.w')!.shape, [2, 3]);
    assert.deepEqual([...shared.variables.get('a.b')!.dataSync()], [7]);
    assert.deepEqual([...shared.variables.get('a.w')!.dataSync()], [1, 2, 3, 4, 5, 6]);
    params[0] = -1;
    params[6] = 0.25;
    shared.load();
    assert.deepEqual([...shared.variables.get('a.w')!.dataSync()], [-1, 2, 3, 4, 5, 6]);
    assert.deepEqual([...shared.variables.get('a.b')!.dataSync()], [0.25]);
    const out = new Float32Array(7).fill(9);
    const g = tf.tensor([6, 5, 4, 3, 2, 1], [2, 3]);
    shared.writeGradients({ 'a.w': g }, out);
    assert.deepEqual([...out], [6, 5, 4, 3, 2, 1, 0]);
    g.dispose();
  } finally {
    for (const v of shared.variables.values()) v.dispose();
  }
});
