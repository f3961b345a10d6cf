/**
 * The committed MNIST PBNet's MAP network, run as an integer network on the engine, makes exactly the predictions
 * of the tfjs deterministic network on the whole MNIST test set, its file form reads back to the same network, and its
 * accuracy is the MAP accuracy docs/blrnet.md reports for the checkpoint (98.98%).
 * Needs the fetched MNIST (`npm run data -- mnist`) and the committed checkpoint; skipped without them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../helpers/paths.js';
import { createEngine } from '../../../src/engine/index.js';
import { readMnist } from '../../../src/data/mnist.js';
import { startBackend } from '../../../src/train/backend.js';
import { loadBlrnetCheckpoint } from '../../../src/research/blrnet/blrnet-checkpoint.js';
import { fixedPredictions, mapFixedNetwork } from '../../../src/research/blrnet/blrnet-evaluate.js';
import { decodeIntegerNetwork, encodeIntegerNetwork } from '../../../src/research/blrnet/integer-map-file.js';
import { exportIntegerNetwork, IntegerMapRunner } from '../../../src/research/blrnet/integer-map-network.js';

const MODEL = path.join(REPO_ROOT, 'models/research/blrnet/mnist');
const MNIST = path.join(REPO_ROOT, 'data/mnist');
const skip = !existsSync(path.join(MODEL, 'spec.json')) ? 'no committed checkpoint in models/research/blrnet/mnist'
  : !existsSync(MNIST) ? 'MNIST is not fetched (npm run data -- mnist)' : false;

test('integer MAP network == tfjs MAP network on all 10,000 MNIST test images', { skip }, async () => {
  await startBackend('wasm');
  const checkpoint = loadBlrnetCheckpoint(MODEL);
  const train = await readMnist(MNIST, 'train');
  const testSet = await readMnist(MNIST, 'test');
  // Batch norm re-estimated as `idfz blrnet eval` and `export` do by default (seed 1, 20 batches of 100).
  const fixed = mapFixedNetwork(checkpoint, train, { reestimateBatches: 20, batchSize: 100, seed: 1 });
  const integer = exportIntegerNetwork(fixed);
  assert.deepEqual(decodeIntegerNetwork(encodeIntegerNetwork(integer), 'map.blrnet'), integer);
  const expected = fixedPredictions(fixed, testSet, 500);
  const runner = new IntegerMapRunner(integer, createEngine({ kernel: 'wasm' }));
  let mismatches = 0;
  let correct = 0;
  for (let i = 0; i < testSet.count; i++) {
    const predicted = runner.predict(testSet.images.subarray(i * 784, (i + 1) * 784));
    if (predicted !== expected[i]) mismatches++;
    if (predicted === testSet.labels![i]) correct++;
  }
  assert.equal(mismatches, 0);
  assert.equal(correct, 9903, 'the MAP accuracy docs/blrnet.md reports for this checkpoint');
});
