/**
 * Developer probe: images/s of one training step (forward + backward) of an IDF preset on one core, random data.
 * Usage: node dist/scripts/probe-train-speed.js [preset] [batch] [steps]
 */
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../src/train/backend.js';
import { idfPreset } from '../src/arch/idf-presets.js';
import { idfParams } from '../src/arch/idf-params.js';
import { paramCount, paramOffsets } from '../src/arch/param-list.js';
import { initialParams } from '../src/train/param-init.js';
import { bitsPerDim, idfLogLikelihood } from '../src/train/idf-graph.js';

const [presetName = 'small', batchText = '32', stepsText = '5'] = process.argv.slice(2);
await startBackend('wasm');
const spec = idfPreset(presetName, 3, 1);
const list = idfParams(spec);
const flat = initialParams(list, 1);
const variables = new Map<string, tf.Variable>();
for (const [name, { offset, size, shape }] of paramOffsets(list)) {
  variables.set(name, tf.variable(tf.tensor(flat.subarray(offset, offset + size), [...shape])));
}
console.log(`params ${paramCount(list)}`);
const batch = Number(batchText);
const pixels = tf.tidy(() => tf.sub(tf.floor(tf.randomUniform([batch, 32, 32, 3], 0, 256, 'float32', 7)), 128)) as tf.Tensor4D;
for (let step = 0; step < Number(stepsText); step++) {
  const start = performance.now();
  const { value, grads } = tf.variableGrads(() => bitsPerDim(idfLogLikelihood(spec, variables, pixels), 3072));
  const bpd = value.dataSync()[0];
  Object.values(grads).forEach((g) => g.dispose());
  value.dispose();
  const seconds = (performance.now() - start) / 1000;
  console.log(`step ${step} bpd ${bpd?.toFixed(3)} ${(batch / seconds).toFixed(1)} img/s tensors ${tf.memory().numTensors}`);
}
