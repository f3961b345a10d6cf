/**
 * Developer probe: where the bits go. For a checkpoint's EMA weights, bits/dim contributed by each split prior and
 * the top prior on the first N CIFAR-10 test images.
 * Usage: node dist/scripts/probe-bits-breakdown.js CHECKPOINT_DIR [N]
 */
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../src/train/backend.js';
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { idfParams } from '../src/arch/idf-params.js';
import { paramOffsets } from '../src/arch/param-list.js';
import { idfLogLikelihoodTerms } from '../src/train/idf-graph.js';
import { readCifar10 } from '../src/data/cifar10.js';

const [dir = 'runs/exp', countText = '500'] = process.argv.slice(2);
await startBackend('wasm');
const checkpoint = loadCheckpoint(dir);
const params = new Map<string, tf.Tensor>();
for (const [name, { offset, size, shape }] of paramOffsets(idfParams(checkpoint.spec))) {
  params.set(name, tf.tensor(checkpoint.ema.subarray(offset, offset + size), [...shape]));
}
const test = await readCifar10('data/cifar-10-batches-bin', 'test');
const count = Number(countText);
const sums: number[] = [];
for (let first = 0; first < count; first += 50) {
  const n = Math.min(50, count - first);
  const pixels = tf.tidy(() => tf.sub(tf.tensor4d(test.images.subarray(first * 3072, (first + n) * 3072), [n, 32, 32, 3], 'int32').toFloat(), 128)) as tf.Tensor4D;
  const terms = idfLogLikelihoodTerms(checkpoint.spec, params, pixels);
  terms.forEach((term, i) => (sums[i] = (sums[i] ?? 0) + tf.sum(term).dataSync()[0]!));
  tf.dispose([pixels, ...terms]);
}
const names = [...Array(sums.length - 1).keys()].map((l) => `split level ${l}`).concat('top');
sums.forEach((sum, i) => console.log(`${names[i]}: ${(-sum / (count * 3072 * Math.LN2)).toFixed(4)} bits/dim (of the image's dims)`));
console.log(`total: ${(-sums.reduce((a, b) => a + b, 0) / (count * 3072 * Math.LN2)).toFixed(4)}`);
