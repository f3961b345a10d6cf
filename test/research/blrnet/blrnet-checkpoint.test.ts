import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelError } from '../../../src/core/errors.js';
import { adamaxState } from '../../../src/train/adamax.js';
import { hasBlrnetCheckpoint, loadBlrnetCheckpoint, saveBlrnetCheckpoint, type BlrnetCheckpoint } from '../../../src/research/blrnet/blrnet-checkpoint.js';
import { blrnetPreset } from '../../../src/research/blrnet/blrnet-spec.js';
import { initialBlrnetParams, initialBnStats } from '../../../src/research/blrnet/blrnet-params.js';

function sample(): BlrnetCheckpoint {
  const spec = blrnetPreset('tiny', 28, 28, 1);
  const params = initialBlrnetParams(spec, 1);
  const optimizer = adamaxState(params.length);
  optimizer.m.fill(0.25);
  optimizer.u.fill(0.5);
  optimizer.step = 12;
  const settings = { dataset: 'mnist', dataPath: '/data/mnist', validation: 5000, batchSize: 100, learningRate: 0.003, warmupImages: 0, decayPerEpoch: 0.9, temperature: 1, flips: false, seed: 1 };
  return { spec, params, running: initialBnStats(spec), optimizer, state: { imagesSeen: 1200, steps: 12, trainSeconds: 3.5, lastValidation: { epoch: 0.02, accuracy: 0.5, loss: 1.2 }, settings } };
}

test('a checkpoint round-trips, with or without the optimiser state', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-blrnet-ckpt-'));
  try {
    const checkpoint = sample();
    assert.equal(hasBlrnetCheckpoint(dir), false);
    saveBlrnetCheckpoint(dir, checkpoint);
    assert.equal(hasBlrnetCheckpoint(dir), true);
    assert.deepEqual(loadBlrnetCheckpoint(dir), checkpoint);
    const slim = path.join(dir, 'slim');
    saveBlrnetCheckpoint(slim, checkpoint, false);
    const loaded = loadBlrnetCheckpoint(slim);
    assert.deepEqual(loaded.params, checkpoint.params);
    assert.equal(loaded.optimizer.step, 0, 'without optimizer.f32 Adamax restarts');
    assert.ok(loaded.optimizer.m.every((x) => x === 0));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('damaged checkpoints are refused with a ModelError naming the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-blrnet-ckpt-'));
  try {
    const damage: [string, (folder: string) => void, RegExp][] = [
      ['short params', (f) => truncateSync(path.join(f, 'params.f32'), 100), /params\.f32: holds 100 bytes/],
      ['missing moments', (f) => unlinkSync(path.join(f, 'running.f32')), /running\.f32: missing/],
      ['NaN parameter', (f) => writeFileSync(path.join(f, 'params.f32'), new Uint8Array(new Float32Array(initialBlrnetParams(blrnetPreset('tiny', 28, 28, 1), 1).fill(Number.NaN)).buffer)), /value 0 is NaN/],
      ['foreign spec', (f) => writeFileSync(path.join(f, 'spec.json'), '{"format":"idfz-float-checkpoint","version":1,"spec":{}}'), /not an idfz blrnet checkpoint/],
      ['bad JSON', (f) => writeFileSync(path.join(f, 'state.json'), '{'), /state\.json: cannot read/],
    ];
    damage.forEach(([name, apply, message], i) => {
      const folder = path.join(dir, String(i));
      saveBlrnetCheckpoint(folder, sample());
      apply(folder);
      assert.throws(() => loadBlrnetCheckpoint(folder), (error: Error) => error instanceof ModelError && message.test(error.message), name);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
