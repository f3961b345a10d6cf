/**
 * The engine agrees with the training world (TensorFlow.js, cpu backend): 'same' convolutions with stride 1 and 2
 * equal tf.conv2d with the same [ky][kx][in][out] filter, dense equals tf.matMul, unsqueeze equals
 * tf.depthToSpace(x, 2) and squeeze its inverse (TensorFlow's spaceToDepth, which tfjs lacks). Values are small
 * integers, so float32 computes them exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createEngine } from '../../src/engine/engine.js';
import { KERNEL_NAMES } from '../../src/engine/kernels.js';
import { INT32_MAX, INT32_MIN, uniformRequantization } from '../../src/engine/requantize.js';
import { tensor16 } from '../../src/engine/tensor.js';
import { fillRandom, randomInt, seededRandom } from './random.js';

await tf.setBackend('cpu');

for (const kernel of KERNEL_NAMES) {
  const engine = createEngine({ kernel });

  test(`${kernel}: conv2d equals tf.conv2d(x, filter, stride, 'same') for 40 random layers`, () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      const k = [1, 3, 5][randomInt(random, 0, 2)]!;
      const stride = randomInt(random, 1, 2);
      const [h, w, cin, cout] = [randomInt(random, 1, 11), randomInt(random, 1, 11), randomInt(random, 1, 9),
        randomInt(random, 1, 6)];
      const weights = fillRandom(new Int8Array(k * k * cin * cout), random, -8, 8);
      const x = fillRandom(new Int16Array(h * w * cin), random, -64, 64);
      const layer = engine.prepareConv({ kernelSize: k, stride, inChannels: cin, outChannels: cout, weights,
        requant: uniformRequantization(cout, 1, 0, INT32_MIN, INT32_MAX, 'int32') });
      const ours = engine.conv2d(layer, tensor16(h, w, cin, x));
      const theirs = tf.tidy(() => tf.conv2d(tf.tensor4d(Float32Array.from(x), [1, h, w, cin]),
        tf.tensor4d(Float32Array.from(weights), [k, k, cin, cout]), stride, 'same'));
      assert.deepEqual(theirs.shape, [1, ours.height, ours.width, cout], `seed ${seed}: shape`);
      assert.deepEqual(Array.from(ours.data), Array.from(theirs.dataSync()), `seed ${seed}: k${k} s${stride} ${h}x${w}`);
      theirs.dispose();
    }
  });

  test(`${kernel}: dense equals tf.matMul of the flattened input with the [in][out] kernel`, () => {
    const random = seededRandom(77);
    const weights = fillRandom(new Int8Array(24 * 5), random, -20, 20);
    const x = fillRandom(new Int16Array(24), random, -100, 100);
    const layer = engine.prepareDense({ inputs: 24, outputs: 5, weights,
      requant: uniformRequantization(5, 1, 0, INT32_MIN, INT32_MAX, 'int32') });
    const ours = engine.dense(layer, tensor16(2, 3, 4, x));
    const theirs = tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(x), [1, 24]),
      tf.tensor2d(Float32Array.from(weights), [24, 5])).dataSync());
    assert.deepEqual(Array.from(ours.data), Array.from(theirs));
  });

  test(`${kernel}: unsqueeze equals tf.depthToSpace(x, 2) and squeeze is TensorFlow's spaceToDepth`, () => {
    const random = seededRandom(5);
    const [h, w, c] = [3, 5, 12];
    const data = fillRandom(new Int16Array(h * w * c), random, -1000, 1000);
    const ours = engine.unsqueeze(tensor16(h, w, c, data));
    const theirs = tf.tidy(() => tf.depthToSpace(tf.tensor4d(Float32Array.from(data), [1, h, w, c]), 2, 'NHWC').dataSync());
    assert.deepEqual(Array.from(ours.data), Array.from(theirs));
    // spaceToDepth as the training graph writes it: reshape to [H/2, 2, W/2, 2, C], swap the middle axes.
    const image = fillRandom(new Int16Array(6 * 4 * 3), random, -1000, 1000);
    const squeezed = engine.squeeze(tensor16(6, 4, 3, image));
    const expected = tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(tf.tensor1d(Float32Array.from(image)),
      [3, 2, 2, 2, 3]), [0, 2, 1, 3, 4]), [3, 2, 12]).dataSync());
    assert.deepEqual(Array.from(squeezed.data), Array.from(expected));
  });
}
