/**
 * The predictive fallback models through their shared protocol (FallbackSampleModel): the channel order, and the
 * exact parameter sequences (muQ, scaleIndex of every sample) of modes 1, 3 and 4 on real crops of every channel
 * count and both depths, pinned to the values the models gave before their shared pieces were factored out
 * (commit 66d2bc5), so that any change to a frozen mode's parameters fails here first, sample by sample.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../../src/core/sha256.js';
import { readImage } from '../../src/image/read-image.js';
import { FallbackBlendModel } from '../../src/codec/fallback-blend-model.js';
import { FallbackLmsModel } from '../../src/codec/fallback-lms-model.js';
import { FallbackModel } from '../../src/codec/fallback-model.js';
import { FallbackSampleModel } from '../../src/codec/fallback-sample-model.js';
import { FIXTURES, SHARED_DATA } from '../helpers/paths.js';

const MODELS = [FallbackModel, FallbackBlendModel, FallbackLmsModel] as const;

/** Crops (folder, file, left, top, width, height) and the first 16 hex digits of their parameters' sha256 in modes 1, 3, 4. */
const PINNED: readonly [string, string, number, number, number, number, readonly [string, string, string]][] = [
  [SHARED_DATA, 'kodak/kodim23.png', 256, 200, 40, 32, ['6c56c7a1c75e495f', '21dad4d87682975f', '15aaa0544aa4742f']],
  [SHARED_DATA, 'usc-sipi-misc/5.2.09.png', 128, 128, 40, 32, ['2579d8a9acdf1d69', '125ce50e1796207b', '9467a73c8d16d7c5']],
  [FIXTURES, 'rgba-257x129.png', 100, 50, 40, 24, ['9fef0d269e40ca77', '55b343768c8c2f79', '092253aa5bb7f53d']],
  [FIXTURES, 'grey-alpha-257x129.png', 100, 50, 40, 24, ['4f936c1b5273f26b', '979e05985e367101', '537b706045b68c68']],
  [FIXTURES, 'rgb16-33x17.png', 0, 0, 33, 17, ['1a2a607304fe4e0e', 'abc1e2e0ffe6658b', '14d2b3ea9e376c0e']],
  [FIXTURES, 'grey16-33x17.png', 0, 0, 33, 17, ['2952fcf034edf0b2', 'aa620cbac9dfe3fa', '24e9a94bbdc0f63e']],
];

test('every predictive mode codes G before R and B in RGB groups, other groups in channel order', () => {
  for (const Model of MODELS) {
    for (const [channels, order] of [[1, [0]], [2, [0, 1]], [3, [1, 0, 2]], [4, [0, 1, 2, 3]]] as const) {
      const model = new Model(5, channels, 255);
      assert.ok(model instanceof FallbackSampleModel);
      assert.deepEqual(Array.from(model.channelOrder()), order, `${Model.name}, ${channels} channels`);
      assert.equal(model.colourDifferences, channels === 3);
      assert.equal(model.maxValue, 255);
    }
  }
});

test('pinned parameters: modes 1, 3 and 4 give the same muQ and scale index for every sample as before', async () => {
  for (const [folder, file, left, top, width, height, expected] of PINNED) {
    const image = await readImage(readFileSync(path.join(folder, file)));
    const C = image.channels;
    const samples = new Int32Array(width * height * C);
    for (let y = 0; y < height; y++) {
      for (let i = 0; i < width * C; i++) samples[y * width * C + i] = image.data[((top + y) * image.width + left) * C + i]!;
    }
    MODELS.forEach((Model, m) => {
      const model = new Model(width, C, image.bitDepth === 8 ? 255 : 65535);
      const params = new DataView(new ArrayBuffer(samples.length * 8));
      let k = 0;
      const order = model.channelOrder();
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          for (const c of order) {
            model.predict(samples, x, y, c);
            params.setInt32(k, model.muQ, true);
            params.setInt32(k + 4, model.scaleIndex, true);
            k += 8;
            model.update(samples[(y * width + x) * C + c]!, x, c);
          }
        }
      }
      const hash = sha256Hex(new Uint8Array(params.buffer)).slice(0, 16);
      assert.equal(hash, expected[m], `${file} (${C} channels, ${image.bitDepth}-bit), ${Model.name}`);
    });
  }
});
