/**
 * Tests of src/engine/engine.ts, run against every kernel set (as TensorFlow.js runs one suite per backend):
 * hand-computed results of each op, argument validation, layer ownership and the WASM memory limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError, LimitError, ModelError, UsageError } from '../../src/core/errors.js';
import { createEngine, inversePermutation } from '../../src/engine/engine.js';
import { KERNEL_NAMES } from '../../src/engine/kernels.js';
import { INT32_MAX, INT32_MIN, uniformRequantization } from '../../src/engine/requantize.js';
import { tensor16, tensor32 } from '../../src/engine/tensor.js';

const wide = (channels: number) => uniformRequantization(channels, 1, 0, INT32_MIN, INT32_MAX, 'int32');
const iota = (n: number, from = 1) => Int16Array.from({ length: n }, (_, i) => i + from);

for (const kernel of KERNEL_NAMES) {
  const engine = createEngine({ kernel });

  test(`${kernel}: 3x3 box filter, stride 1 and 2, TensorFlow 'same' padding`, () => {
    const box = engine.prepareConv({ kernelSize: 3, inChannels: 1, outChannels: 1, weights: new Int8Array(9).fill(1),
      requant: wide(1) });
    const x3 = tensor16(3, 3, 1, iota(9));
    assert.deepEqual(Array.from(engine.conv2d(box, x3).data), [12, 21, 16, 27, 45, 33, 24, 39, 28]);
    const box2 = engine.prepareConv({ kernelSize: 3, stride: 2, inChannels: 1, outChannels: 1,
      weights: new Int8Array(9).fill(1), requant: wide(1) });
    const out3 = engine.conv2d(box2, x3); // padding 1 on each side: centres (0,0), (0,2), (2,0), (2,2)
    assert.deepEqual([out3.height, out3.width, ...out3.data], [2, 2, 12, 16, 24, 28]);
    const out4 = engine.conv2d(box2, tensor16(4, 4, 1, iota(16))); // padding only after: windows start at 0 and 2
    assert.deepEqual(Array.from(out4.data), [54, 45, 72, 54]);
  });

  test(`${kernel}: weights are [ky][kx][in][out] and taps correlate (no flip)`, () => {
    const weights = new Int8Array(9 * 2);
    weights[0 * 2 + 0] = 1; // tap (0,0) of input channel 0 -> reads x[y-1][x-1]
    weights[8 * 2 + 1] = 2; // tap (2,2) of input channel 1 -> reads x[y+1][x+1]
    const layer = engine.prepareConv({ kernelSize: 3, inChannels: 2, outChannels: 1, weights, requant: wide(1) });
    const x = tensor16(2, 2, 2, Int16Array.from([1, 10, 2, 20, 3, 30, 4, 40]));
    assert.deepEqual(Array.from(engine.conv2d(layer, x).data), [2 * 40, 0, 0, 1]);
    const mix = engine.prepareConv({ kernelSize: 1, inChannels: 2, outChannels: 3,
      weights: Int8Array.from([1, 2, 3, 4, 5, 6]), bias: [100, 0, -100], requant: wide(3) });
    assert.deepEqual(Array.from(engine.conv2d(mix, tensor16(1, 1, 2, Int16Array.from([7, -1]))).data),
      [100 + 7 - 4, 14 - 5, -100 + 21 - 6]);
  });

  test(`${kernel}: requantisation and ReLU fused into the convolution, int16 output`, () => {
    const layer = engine.prepareConv({ kernelSize: 1, inChannels: 1, outChannels: 2, weights: Int8Array.from([3, -3]),
      bias: [1, 1], requant: { multipliers: [1, 5], shifts: [1, 2], lo: 0, hi: 1000, output: 'int16' } });
    const out = engine.conv2d(layer, tensor16(1, 3, 1, Int16Array.from([1, -5, 2000])));
    assert.ok(out.data instanceof Int16Array);
    // ch0: floor((3x + 1 + 1) / 2); ch1: floor(((1 - 3x) * 5 + 2) / 4), then clamp to [0, 1000].
    assert.deepEqual(Array.from(out.data), [2, 0, 0, 20, 1000, 0]);
  });

  test(`${kernel}: hexagonal mask and binary weights`, () => {
    const layer = engine.prepareConv({ kernelSize: 3, inChannels: 1, outChannels: 1,
      weights: Int8Array.from([1, -1, 1, -1, 1, -1, 1, -1, 1]), mask: [0, 1, 1, 1, 1, 1, 1, 1, 0], requant: wide(1) });
    const x = tensor16(3, 3, 1, iota(9));
    // centre pixel: taps 1..7 of x = 2 - 3 + 4 ... with signs +-: -2 + 3 - 4 + 5 - 6 + 7 - 8 = -5
    assert.equal(engine.conv2d(layer, x).data[4], -5);
  });

  test(`${kernel}: dense over the flattened HWC input`, () => {
    const layer = engine.prepareDense({ name: 'fc', inputs: 4, outputs: 2, weights: Int8Array.from([1, 0, 0, 1, 1, 0,
      0, -1]), bias: [0, 5], requant: wide(2) });
    const out = engine.dense(layer, tensor16(2, 1, 2, Int16Array.from([1, 2, 3, 4])));
    assert.deepEqual([out.height, out.width, out.channels, ...out.data], [1, 1, 2, 1 + 3, 5 + 2 - 4]);
    assert.throws(() => engine.dense(layer, tensor16(1, 1, 3)), (e: unknown) => e instanceof ModelError && /fc: expects 4/.test(e.message));
  });

  test(`${kernel}: requantize an int32 tensor per channel into int16 or int32`, () => {
    const x = tensor32(1, 2, 2, Int32Array.from([7, -7, 2 ** 31 - 1, -(2 ** 31)]));
    const rq16 = engine.requantize(x, { multipliers: [1, 3], shifts: [1, 0], lo: -32768, hi: 32767, output: 'int16' });
    assert.deepEqual(Array.from(rq16.data), [4, -21, 32767, -32768]);
    const rq32 = engine.requantize(x, { multipliers: [65535, 1], shifts: [47, 0], lo: INT32_MIN, hi: INT32_MAX,
      output: 'int32' });
    assert.deepEqual(Array.from(rq32.data), [0, -7, 1, INT32_MIN]);
    assert.throws(() => engine.requantize(x, wide(3)), ModelError);
  });

  test(`${kernel}: add saturates to its bounds, clamp and relu`, () => {
    const a = tensor16(1, 1, 9, Int16Array.from([32767, -32768, 100, -100, 5, 0, 1, 2, 3]));
    const b = tensor16(1, 1, 9, Int16Array.from([1, -1, 50, -50, -5, 0, 1, 2, 3]));
    assert.deepEqual(Array.from(engine.add(a, b).data), [32767, -32768, 150, -150, 0, 0, 2, 4, 6]);
    assert.deepEqual(Array.from(engine.add(a, b, -120, 120).data), [120, -120, 120, -120, 0, 0, 2, 4, 6]);
    assert.deepEqual(Array.from(engine.clamp(a, -3, 4).data), [4, -3, 4, -3, 4, 0, 1, 2, 3]);
    assert.deepEqual(Array.from(engine.relu(a).data), [32767, 0, 100, 0, 5, 0, 1, 2, 3]);
    assert.throws(() => engine.add(a, tensor16(1, 9, 1)), ModelError);
    assert.throws(() => engine.clamp(a, 5, 4), ModelError);
    assert.throws(() => engine.clamp(a, -40000, 4), ModelError);
  });

  test(`${kernel}: squeeze puts (dy, dx) block-major before channels, unsqueeze inverts it`, () => {
    // 2x4 image, 2 channels: pixel (y, x) holds [10 * (y * 4 + x), 10 * (y * 4 + x) + 1].
    const x = tensor16(2, 4, 2, Int16Array.from({ length: 16 }, (_, i) => 10 * (i >> 1) + (i & 1)));
    const s = engine.squeeze(x);
    assert.deepEqual([s.height, s.width, s.channels], [1, 2, 8]);
    assert.deepEqual(Array.from(s.data), [0, 1, 10, 11, 40, 41, 50, 51, 20, 21, 30, 31, 60, 61, 70, 71]);
    assert.deepEqual(engine.unsqueeze(s), x);
    const x32 = tensor32(2, 2, 1, Int32Array.from([2 ** 31 - 1, -5, 7, -(2 ** 31)]));
    assert.deepEqual(engine.unsqueeze(engine.squeeze(x32)), x32);
    assert.throws(() => engine.squeeze(tensor16(3, 2, 1)), (e: unknown) => e instanceof ModelError && /even/.test(e.message));
    assert.throws(() => engine.unsqueeze(tensor16(1, 1, 6)), ModelError);
  });

  test(`${kernel}: gather permutes channels, the inverse permutation undoes it`, () => {
    const x = tensor32(1, 2, 3, Int32Array.from([1, 2, 3, 4, 5, 6]));
    const perm = [2, 0, 1];
    const y = engine.gatherChannels(x, perm);
    assert.deepEqual(Array.from(y.data), [3, 1, 2, 6, 4, 5]);
    assert.deepEqual(engine.gatherChannels(y, inversePermutation(perm)), x);
    assert.deepEqual(Array.from(engine.gatherChannels(x, [1, 1]).data), [2, 2, 5, 5]);
    assert.throws(() => engine.gatherChannels(x, [3]), ModelError);
    assert.throws(() => engine.gatherChannels(x, []), ModelError);
  });

  test(`${kernel}: concat and slice along channels`, () => {
    const a = tensor16(1, 2, 1, Int16Array.from([1, 2]));
    const b = tensor16(1, 2, 2, Int16Array.from([10, 11, 20, 21]));
    const c = engine.concatChannels([a, b, a]);
    assert.deepEqual([c.channels, ...c.data], [4, 1, 10, 11, 1, 2, 20, 21, 2]);
    assert.deepEqual(engine.sliceChannels(c, 1, 3), b);
    assert.throws(() => engine.concatChannels([a, tensor16(2, 1, 1)]), ModelError);
    assert.throws(() => engine.concatChannels([a, tensor32(1, 2, 1)] as never[]), ModelError);
    assert.throws(() => engine.concatChannels([]), ModelError);
    assert.throws(() => engine.sliceChannels(c, 2, 2), ModelError);
    assert.throws(() => engine.sliceChannels(c, 0, 5), ModelError);
  });

  test(`${kernel}: ops never write into their inputs`, () => {
    const x = tensor16(2, 2, 4, iota(16, -8));
    const copy = x.data.slice();
    const layer = engine.prepareConv({ kernelSize: 3, inChannels: 4, outChannels: 4, weights: new Int8Array(144).fill(3),
      requant: uniformRequantization(4, 1, 0, -32768, 32767, 'int16') });
    engine.conv2d(layer, x);
    engine.relu(x);
    engine.add(x, x);
    engine.squeeze(x);
    assert.deepEqual(x.data, copy);
  });

  test(`${kernel}: a conv input with the wrong channel count or type is a model error`, () => {
    const layer = engine.prepareConv({ name: 'enc.0', kernelSize: 3, inChannels: 4, outChannels: 1,
      weights: new Int8Array(36), requant: wide(1) });
    assert.throws(() => engine.conv2d(layer, tensor16(2, 2, 3)),
      (e: unknown) => e instanceof ModelError && /enc\.0: expects 4 input channels but received 2x2x3/.test(e.message));
    assert.throws(() => engine.conv2d(layer, tensor32(2, 2, 4) as never), ModelError);
  });
}

test('a layer prepared by one engine is refused by another', () => {
  const a = createEngine({ kernel: 'reference' });
  const b = createEngine({ kernel: 'reference' });
  const layer = a.prepareConv({ name: 'l', kernelSize: 1, inChannels: 1, outChannels: 1, weights: new Int8Array(1),
    requant: wide(1) });
  assert.throws(() => b.conv2d(layer, tensor16(1, 1, 1)), InternalError);
});

test('engine options are validated', () => {
  assert.equal(createEngine().kernel, 'wasm');
  assert.throws(() => createEngine({ kernel: 'gpu' as never }), (e: unknown) => e instanceof UsageError && /gpu/.test(e.message));
  assert.throws(() => createEngine({ maxMemoryBytes: 1000 }), UsageError);
  assert.throws(() => createEngine({ maxMemoryBytes: 2 ** 31 }), UsageError);
});

test('wasm: an op that needs more than maxMemoryBytes is a LimitError, and the engine still works after it', () => {
  const engine = createEngine({ kernel: 'wasm', maxMemoryBytes: 4 * 65536 });
  const layer = engine.prepareConv({ kernelSize: 3, inChannels: 8, outChannels: 8, weights: new Int8Array(576).fill(1),
    requant: wide(8) });
  assert.throws(() => engine.conv2d(layer, tensor16(64, 64, 8)),
    (e: unknown) => e instanceof LimitError && /maxMemoryBytes/.test(e.message));
  const out = engine.conv2d(layer, tensor16(4, 4, 8, new Int16Array(128).fill(1)));
  assert.equal(out.data[0], 4 * 8); // corner: 2x2 taps x 8 channels
  assert.throws(() => engine.prepareConv({ kernelSize: 15, inChannels: 64, outChannels: 64,
    weights: new Int8Array(15 * 15 * 64 * 64), requant: wide(64) }), LimitError);
});

test('inversePermutation refuses a non-permutation', () => {
  assert.deepEqual(Array.from(inversePermutation([1, 2, 0])), [2, 0, 1]);
  assert.throws(() => inversePermutation([0, 0, 1]), (e: unknown) => e instanceof ModelError && /twice/.test(e.message));
  assert.throws(() => inversePermutation([0, 3]), ModelError);
});
