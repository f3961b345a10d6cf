/**
 * Parity of src/engine/wasm/wasm-kernels.ts with the reference kernels: bit-identical outputs over seeded random
 * shapes, paddings, strides, masks and values, at the extremes of every range (max |x|, max |w|, int32 biases,
 * multipliers and shifts at their bounds, accumulators that wrap), and on a real photograph.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../../src/engine/engine.js';
import { hexagonalMask, type ConvSpec } from '../../../src/engine/conv-spec.js';
import { INT16_MAX, INT16_MIN, INT32_MAX, INT32_MIN, MAX_MULTIPLIER, MAX_SHIFT,
  type Requantization } from '../../../src/engine/requantize.js';
import { tensor16, tensor32, type ElementType, type Tensor } from '../../../src/engine/tensor.js';
import { SHARED_DATA } from '../../helpers/paths.js';
import { fillRandom, randomInt, seededRandom } from '../random.js';

const wasm = createEngine({ kernel: 'wasm' });
const reference = createEngine({ kernel: 'reference' });

/** Runs `op` on both engines and asserts identical tensors; returns the result. */
function same(op: (engine: Engine) => Tensor, what: string): Tensor {
  const a = op(wasm);
  const b = op(reference);
  assert.equal(a.data.constructor, b.data.constructor, `${what}: element type`);
  assert.deepEqual([a.height, a.width, a.channels], [b.height, b.width, b.channels], `${what}: shape`);
  if (!a.data.every((v, i) => v === b.data[i])) {
    const i = a.data.findIndex((v, j) => v !== b.data[j]);
    assert.fail(`${what}: element ${i} differs: wasm ${a.data[i]} vs reference ${b.data[i]}`);
  }
  return a;
}

function randomRequant(random: () => number, channels: number, output: ElementType): Requantization {
  const multipliers = Array.from({ length: channels }, () => [0, 1, MAX_MULTIPLIER, randomInt(random, 0, MAX_MULTIPLIER)][randomInt(random, 0, 3)]!);
  const shifts = Array.from({ length: channels }, () => [0, MAX_SHIFT, randomInt(random, 0, 24), randomInt(random, 0, MAX_SHIFT)][randomInt(random, 0, 3)]!);
  const min = output === 'int16' ? INT16_MIN : INT32_MIN;
  const max = output === 'int16' ? INT16_MAX : INT32_MAX;
  const relu = random() < 0.3;
  const lo = relu ? 0 : random() < 0.5 ? min : randomInt(random, min, 0);
  const hi = random() < 0.5 ? max : randomInt(random, Math.max(lo, 0), max);
  return { multipliers, shifts, lo, hi, output };
}

test('conv2d: wasm == reference over 120 random layers (k 1..7, stride 1 and 2, odd sizes and channel counts)', () => {
  for (let seed = 1; seed <= 120; seed++) {
    const random = seededRandom(seed);
    const k = [1, 3, 3, 5, 7][randomInt(random, 0, 4)]!;
    const stride = randomInt(random, 1, 2);
    const height = randomInt(random, 1, 13);
    const width = randomInt(random, 1, 13);
    const inChannels = randomInt(random, 1, 24);
    const outChannels = randomInt(random, 1, 13);
    const xMax = random() < 0.3 ? INT16_MAX : 4095;
    const binary = random() < 0.2;
    const weights = new Int8Array(k * k * inChannels * outChannels).map(() =>
      binary ? (random() < 0.5 ? -1 : 1) : randomInt(random, -128, 127));
    const bias = Array.from({ length: outChannels }, () => random() < 0.5 ? randomInt(random, INT32_MIN, INT32_MAX)
      : randomInt(random, -1e5, 1e5));
    const output: ElementType = random() < 0.5 ? 'int16' : 'int32';
    const spec: ConvSpec = { name: `seed ${seed}`, kernelSize: k, stride, inChannels, outChannels, weights, bias,
      requant: randomRequant(random, outChannels, output), ...(random() < 0.25 ? { mask: hexagonalMask(k) } : {}) };
    const x = tensor16(height, width, inChannels, fillRandom(new Int16Array(height * width * inChannels), random,
      -xMax - (xMax === INT16_MAX ? 1 : 0), xMax));
    const lw = wasm.prepareConv(spec);
    const lr = reference.prepareConv(spec);
    same((engine) => engine.conv2d(engine === wasm ? lw : lr, x), `seed ${seed} k${k} s${stride} ` +
      `${height}x${width}x${inChannels}->${outChannels} ${output}`);
  }
});

test('conv2d: extreme values, including int32 wrap-around, agree bit for bit', () => {
  const cases: [number, number, number, number][] = [[INT16_MIN, -128, INT32_MAX, 0], [INT16_MAX, 127, INT32_MIN, 0],
    [INT16_MIN, 127, INT32_MIN, MAX_SHIFT], [INT16_MAX, -128, INT32_MAX, 16]];
  for (const [xValue, wValue, biasValue, shift] of cases) {
    for (const output of ['int16', 'int32'] as const) {
      const k = 7;
      const inChannels = 40; // 49 * 40 * 2^22 overflows int32 many times over
      const spec: ConvSpec = { kernelSize: k, inChannels, outChannels: 6, weights: new Int8Array(k * k * inChannels * 6).fill(wValue),
        bias: new Array(6).fill(biasValue), requant: { multipliers: new Array(6).fill(MAX_MULTIPLIER),
          shifts: new Array(6).fill(shift), lo: output === 'int16' ? INT16_MIN : INT32_MIN,
          hi: output === 'int16' ? INT16_MAX : INT32_MAX, output } };
      const x = tensor16(9, 10, inChannels, new Int16Array(9 * 10 * inChannels).fill(xValue));
      const lw = wasm.prepareConv(spec);
      const lr = reference.prepareConv(spec);
      const out = same((engine) => engine.conv2d(engine === wasm ? lw : lr, x), `x ${xValue} w ${wValue} ${output}`);
      assert.ok(new Set(out.data).size > 1, 'edges and centre give different sums');
    }
  }
});

test('conv2d: the benchmark shape family (128 channels, 3x3, stride 1 and 2) agrees', () => {
  for (const stride of [1, 2]) {
    const random = seededRandom(1000 + stride);
    const spec: ConvSpec = { kernelSize: 3, stride, inChannels: 128, outChannels: 128,
      weights: fillRandom(new Int8Array(9 * 128 * 128), random, -128, 127),
      bias: Array.from({ length: 128 }, () => randomInt(random, -1e6, 1e6)),
      requant: randomRequant(random, 128, 'int16') };
    const x = tensor16(12, 14, 128, fillRandom(new Int16Array(12 * 14 * 128), random, -4095, 4095));
    const lw = wasm.prepareConv(spec);
    const lr = reference.prepareConv(spec);
    same((engine) => engine.conv2d(engine === wasm ? lw : lr, x), `128ch stride ${stride}`);
  }
});

test('dense: wasm == reference for random sizes', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const random = seededRandom(500 + seed);
    const inputs = randomInt(random, 1, 300);
    const outputs = randomInt(random, 1, 20);
    const output: ElementType = seed % 2 === 0 ? 'int16' : 'int32';
    const spec = { inputs, outputs, weights: fillRandom(new Int8Array(inputs * outputs), random, -128, 127),
      bias: Array.from({ length: outputs }, () => randomInt(random, INT32_MIN, INT32_MAX)),
      requant: randomRequant(random, outputs, output) };
    const lw = wasm.prepareDense(spec);
    const lr = reference.prepareDense(spec);
    const x = tensor16(1, 1, inputs, fillRandom(new Int16Array(inputs), random, INT16_MIN, INT16_MAX));
    same((engine) => engine.dense(engine === wasm ? lw : lr, x), `dense seed ${seed}`);
  }
});

test('requantize, add and clamp: wasm == reference, lengths off the SIMD width, bounds at the extremes', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(700 + seed);
    const [h, w, c] = [randomInt(random, 1, 7), randomInt(random, 1, 7), randomInt(random, 1, 11)];
    const n = h * w * c;
    const x32 = tensor32(h, w, c, fillRandom(new Int32Array(n), random, INT32_MIN, INT32_MAX));
    const rq = randomRequant(random, c, seed % 2 === 0 ? 'int16' : 'int32');
    same((engine) => engine.requantize(x32, rq), `requantize seed ${seed}`);
    const a = tensor16(h, w, c, fillRandom(new Int16Array(n), random, INT16_MIN, INT16_MAX));
    const b = tensor16(h, w, c, fillRandom(new Int16Array(n), random, INT16_MIN, INT16_MAX));
    const lo = random() < 0.3 ? INT16_MIN : randomInt(random, INT16_MIN, 0);
    const hi = random() < 0.3 ? INT16_MAX : randomInt(random, 0, INT16_MAX);
    same((engine) => engine.add(a, b), `add seed ${seed}`);
    same((engine) => engine.add(a, b, lo, hi), `add bounded seed ${seed}`);
    same((engine) => engine.clamp(a, lo, hi), `clamp seed ${seed}`);
    same((engine) => engine.relu(b), `relu seed ${seed}`);
  }
});

test('squeeze, unsqueeze, gather, concat and slice: wasm == reference for int16 and int32', () => {
  for (let seed = 1; seed <= 30; seed++) {
    const random = seededRandom(900 + seed);
    const [h, w, c] = [2 * randomInt(random, 1, 5), 2 * randomInt(random, 1, 5), randomInt(random, 1, 9)];
    const x: Tensor = seed % 2 === 0
      ? tensor16(h, w, c, fillRandom(new Int16Array(h * w * c), random, INT16_MIN, INT16_MAX))
      : tensor32(h, w, c, fillRandom(new Int32Array(h * w * c), random, INT32_MIN, INT32_MAX));
    const squeezed = same((engine) => engine.squeeze(x), `squeeze seed ${seed}`);
    same((engine) => engine.unsqueeze(squeezed), `unsqueeze seed ${seed}`);
    const indices = Array.from({ length: randomInt(random, 1, 2 * c) }, () => randomInt(random, 0, c - 1));
    same((engine) => engine.gatherChannels(x, indices), `gather seed ${seed}`);
    const first = reference.sliceChannels(x, 0, 1);
    same((engine) => engine.concatChannels([x, first, x]), `concat seed ${seed}`);
    const start = randomInt(random, 0, c - 1);
    const end = randomInt(random, start + 1, c);
    same((engine) => engine.sliceChannels(x, start, end), `slice seed ${seed}`);
  }
});

test('a real photograph (Kodak kodim23 crop) through squeeze, conv + ReLU, conv to int32 agrees', async () => {
  const { data, info } = await sharp(path.join(SHARED_DATA, 'kodak', 'kodim23.png'))
    .extract({ left: 300, top: 200, width: 64, height: 48 }).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  const pixels = tensor16(48, 64, 3, Int16Array.from(data, (v) => (v - 128) * 16));
  const random = seededRandom(42);
  const hidden: ConvSpec<'int16'> = { name: 'hidden', kernelSize: 3, inChannels: 12, outChannels: 32,
    weights: fillRandom(new Int8Array(9 * 12 * 32), random, -128, 127), bias: new Array(32).fill(1000),
    requant: { multipliers: new Array(32).fill(181), shifts: new Array(32).fill(14), lo: 0, hi: 4095, output: 'int16' } };
  const head: ConvSpec = { name: 'head', kernelSize: 3, inChannels: 32, outChannels: 4,
    weights: fillRandom(new Int8Array(9 * 32 * 4), random, -128, 127),
    requant: { multipliers: new Array(4).fill(3), shifts: new Array(4).fill(5), lo: INT32_MIN, hi: INT32_MAX, output: 'int32' } };
  const outputs = [wasm, reference].map((engine) => {
    const s = engine.squeeze(pixels);
    const h = engine.conv2d(engine.prepareConv(hidden), s);
    return engine.conv2d(engine.prepareConv(head), h);
  });
  assert.deepEqual(outputs[0], outputs[1]);
  assert.ok(new Set(outputs[0]!.data).size > 100, 'the photograph gives varied outputs');
});
