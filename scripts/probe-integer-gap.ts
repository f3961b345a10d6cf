/**
 * Float bits/dim of a checkpoint (EMA weights, tfjs) against the coded bits/dim of its exported integer model on the
 * same CIFAR-10 test images: the quantisation loss that issue 5 bounds at 1.5%. Prints one JSON object.
 * Usage: node dist/scripts/probe-integer-gap.js CHECKPOINT [--images 200] [--calibration 512]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../src/train/backend.js';
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { exportIdf } from '../src/train/export-idf.js';
import { idfParams } from '../src/arch/idf-params.js';
import { paramOffsets } from '../src/arch/param-list.js';
import { idfLogLikelihood } from '../src/train/idf-graph.js';
import { readCifar10 } from '../src/data/cifar10.js';
import { sliceDataset } from '../src/data/dataset.js';
import { writeIntegerIdf } from '../src/engine/integer-idf-file.js';
import { createEngine } from '../src/engine/index.js';
import { createIdfTileCoder } from '../src/codec/idf-tile-coder.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { images: { type: 'string', default: '200' }, calibration: { type: 'string', default: '512' }, data: { type: 'string', default: 'data/cifar-10-batches-bin' } } });
await startBackend('wasm');
const checkpoint = loadCheckpoint(positionals[0]!);
const train = await readCifar10(values.data!, 'train');
const test = sliceDataset(await readCifar10(values.data!, 'test'), 0, Number(values.images));
const model = await exportIdf(checkpoint.spec, checkpoint.ema, sliceDataset(train, 0, Number(values.calibration)));
const coder = createIdfTileCoder(writeIntegerIdf(model), 'probe', createEngine({ kernel: 'wasm' }));

const params = new Map<string, tf.Tensor>();
for (const [name, { offset, size, shape }] of paramOffsets(idfParams(checkpoint.spec))) params.set(name, tf.tensor(checkpoint.ema.subarray(offset, offset + size), [...shape]));
let floatBits = 0;
for (let first = 0; first < test.count; first += 50) {
  const n = Math.min(50, test.count - first);
  floatBits += tf.tidy(() => {
    const pixels = tf.tensor4d(Float32Array.from(test.images.subarray(first * 3072, (first + n) * 3072), (v) => v - 128), [n, 32, 32, 3]);
    return -tf.sum(idfLogLikelihood(checkpoint.spec, params, pixels)).dataSync()[0]! / Math.LN2;
  });
}
let codedBytes = 0;
let idealBits = 0;
const start = performance.now();
for (let i = 0; i < test.count; i++) {
  const pixels = test.images.subarray(i * 3072, (i + 1) * 3072);
  const stream = coder.encodeTile(pixels, 32, 32);
  codedBytes += stream.length;
  idealBits += coder.estimateBits(pixels, 32, 32);
  if (i < 20 && !coder.decodeTile(stream, 32, 32).every((v, k) => v === pixels[k])) throw new Error(`image ${i} did not round-trip`);
}
const dims = test.count * 3072;
const floatBpd = floatBits / dims;
const integerBpd = idealBits / dims;
console.log(JSON.stringify({ images: test.count, floatBpd, integerIdealBpd: integerBpd, codedBpd: (codedBytes * 8) / dims, integerLossPct: (100 * (integerBpd - floatBpd)) / floatBpd, encodeSecondsPerImage: (performance.now() - start) / 1000 / test.count / 2 }));
