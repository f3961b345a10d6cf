/**
 * idfz in the bench: real crops round-trip exactly through compress / decompress with a real (tiny) integer IDF,
 * the measured bytes are the .idf files, the note counts learned tiles, and the float and integer estimates are
 * computed on exactly the bench images (or null with the reason).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchImage } from '../../src/bench/bench-codec.js';
import { idfzCodec } from '../../src/bench/idfz-codec.js';
import { floatCheckpointOf, floatEstimate, integerEstimate } from '../../src/bench/model-estimates.js';
import { runBench } from '../../src/bench/run-bench.js';
import { createIdfTileCoder } from '../../src/codec/idf-tile-coder.js';
import { readIdfHeader } from '../../src/container/index.js';
import { createEngine } from '../../src/engine/index.js';
import { loadModel, readModelFolder, type LoadedModel } from '../../src/zoo/index.js';
import { cropOf, KODAK_FILE, sampleImages } from './sample-images.js';
import { writeTinyModelFolder } from './tiny-model-folder.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-bench-model-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let model: LoadedModel;
let withCheckpoint: LoadedModel;
test.before(async () => {
  model = await loadModel(await readModelFolder(await writeTinyModelFolder(root, 'tiny-bench', 41, 41, false)));
  withCheckpoint = await loadModel(await readModelFolder(await writeTinyModelFolder(root, 'tiny-float', 42, 42, true)));
});

test('every sample image (RGB, grey, odd sizes, 1x1) round-trips exactly as a complete .idf file', async () => {
  const images = await sampleImages();
  const codec = idfzCodec({ model });
  assert.equal(codec.name, 'idfz');
  assert.match(codec.settings, /model tiny-bench, sha256 [0-9a-f]{8}\.\.\./);
  for (const image of images) {
    const bytes = await codec.encode(image);
    const header = readIdfHeader(bytes);
    assert.deepEqual([header.width, header.height, header.channels], [image.width, image.height, image.channels], image.name);
    assert.deepEqual(await codec.decode(bytes, image), image.data, image.name);
  }
  // The grey crop cannot use an RGB model: its tile falls back; the RGB crops may use either coder.
  assert.match(codec.note!(), /^\d+ of 4 tiles coded by the learned model tiny-bench, the others by the fallback coder$/);
});

test('the integer estimate is the sum of estimateBits over the images, per sample', async () => {
  const images: BenchImage[] = [await cropOf(KODAK_FILE, 0, 0, 32, 32), await cropOf(KODAK_FILE, 200, 100, 16, 24)];
  const coder = createIdfTileCoder(model.bytes, 'tiny', createEngine({ kernel: 'reference' }));
  const bits = images.reduce((sum, image) => sum + coder.estimateBits(image.data, image.width, image.height), 0);
  const estimate = await integerEstimate(model, images);
  assert.equal(estimate.bpd, bits / (32 * 32 * 3 + 16 * 24 * 3));
  assert.match(estimate.note, /ideal code length of tiny-bench, each image as one tile/);
});

test('the integer estimate is null with the reason for images the model cannot take whole', async () => {
  const [odd, , grey] = await sampleImages();
  assert.deepEqual(await integerEstimate(model, [odd!]), {
    bpd: null,
    note: 'kodim23.png@300,200 is 33x17, not a multiple of the model\'s 4 (the codec pads such images; the estimate covers whole tiles only)',
  });
  assert.match((await integerEstimate(model, [grey!])).note, /^model tiny-bench codes 3-channel images, 5\.1\.09\.png@60,90 has 1$/);
  assert.equal((await integerEstimate(model, [])).bpd, null);
});

test('the float estimate needs a shipped checkpoint; with one it evaluates the same images close to the integer model', async () => {
  const images: BenchImage[] = [await cropOf(KODAK_FILE, 0, 0, 16, 16), await cropOf(KODAK_FILE, 400, 300, 16, 16), await cropOf(KODAK_FILE, 600, 20, 16, 16)];
  assert.equal(await floatCheckpointOf(model.record), null);
  assert.match((await floatEstimate(model.record, images)).note, /^model tiny-bench ships no float checkpoint/);
  assert.equal(await floatCheckpointOf(withCheckpoint.record), path.join(root, 'tiny-float', 'checkpoint'));
  const float = await floatEstimate(withCheckpoint.record, images);
  const integer = await integerEstimate(withCheckpoint, images);
  assert.ok(float.bpd !== null && integer.bpd !== null, `${float.note}; ${integer.note}`);
  assert.ok(Math.abs(float.bpd - integer.bpd) < 0.05 * float.bpd, `float ${float.bpd} vs integer ${integer.bpd} bits/dim`);
  assert.match(float.note, /^EMA weights of checkpoint in tiny-float/);
  const mixed = [images[0]!, await cropOf(KODAK_FILE, 0, 0, 32, 16)];
  assert.match((await floatEstimate(withCheckpoint.record, mixed)).note, /equal-size images only/);
});

test('in runBench idfz reports bits per dimension from the .idf sizes, exact decoding, the note and the estimates', async () => {
  const images = [await cropOf(KODAK_FILE, 10, 10, 32, 32), await cropOf(KODAK_FILE, 50, 300, 32, 32)];
  const codec = idfzCodec({ model });
  const sizes: number[] = [];
  for (const image of images) sizes.push((await idfzCodec({ model }).encode(image)).length);
  const [result] = (await runBench('kodak crops', images, [codec])).codecs;
  assert.equal(result!.bpd, (8 * (sizes[0]! + sizes[1]!)) / (2 * 3072));
  assert.equal(result!.exact, true);
  assert.match(result!.note!, /of 2 tiles coded by the learned model/);
  assert.equal(result!.estimated!.integer.bpd, (await integerEstimate(model, images)).bpd);
  assert.equal(result!.estimated!.float.bpd, null);
  assert.ok(readFileSync(path.join(root, 'tiny-bench', 'manifest.json')).length > 0);
});
