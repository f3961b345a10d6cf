import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelError } from '../../../src/core/errors.js';
import { adamaxState } from '../../../src/train/adamax.js';
import { hasBlrnetCheckpoint, loadBlrnetCheckpoint, saveBlrnetCheckpoint, type BlrnetCheckpoint } from '../../../src/research/blrnet/blrnet-checkpoint.js';
import { blrnetPreset } from '../../../src/research/blrnet/blrnet-spec.js';
import { initialBlrnetParams, initialBnStats } from '../../../src/research/blrnet/blrnet-params.js';
import { fixedWeights } from '../../../src/research/blrnet/fixed-network.js';

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

test('a checkpoint round-trips; a compact one keeps the MAP and ternary networks exactly', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-blrnet-ckpt-'));
  try {
    const checkpoint = sample();
    checkpoint.params.set([0, -1e-9, 1e-9, 0.4999, 0.5, -0.50001, 1, -1, 0.3]);
    assert.equal(hasBlrnetCheckpoint(dir), false);
    saveBlrnetCheckpoint(dir, checkpoint);
    assert.equal(hasBlrnetCheckpoint(dir), true);
    assert.deepEqual(loadBlrnetCheckpoint(dir), checkpoint);
    const compactDir = path.join(dir, 'compact');
    saveBlrnetCheckpoint(compactDir, checkpoint, { compact: true });
    assert.ok(statSync(path.join(compactDir, 'params.q8')).size < checkpoint.params.length * 4 / 3);
    assert.equal(existsSync(path.join(compactDir, 'optimizer.f32')), false);
    const loaded = loadBlrnetCheckpoint(compactDir);
    assert.equal(loaded.optimizer.step, 0, 'a compact checkpoint restarts Adamax');
    assert.deepEqual(loaded.running, checkpoint.running);
    const spec = checkpoint.spec;
    for (const mode of ['map', 'ternary'] as const) assert.deepEqual(fixedWeights(spec, loaded.params, mode), fixedWeights(spec, checkpoint.params, mode), mode);
    const theta = 36;
    // Within half a step, except that a tiny non-zero theta keeps its sign at +-1/127.
    for (let i = 0; i < theta; i++) assert.ok(Math.abs(loaded.params[i]! - checkpoint.params[i]!) <= (Math.abs(checkpoint.params[i]!) < 1 / 254 ? 1 / 127 : 1 / 254) + 1e-7, `theta ${i}`);
    assert.deepEqual(loaded.params.subarray(theta, theta + 8), checkpoint.params.subarray(theta, theta + 8), 'gamma and beta are kept as float32');
    const bytes = readFileSync(path.join(compactDir, 'params.q8'));
    bytes[0] = 0x80;
    writeFileSync(path.join(compactDir, 'params.q8'), bytes);
    assert.throws(() => loadBlrnetCheckpoint(compactDir), /-128 is outside/);
    bytes[0] = 1;
    writeFileSync(path.join(compactDir, 'params.q8'), bytes.subarray(0, 50));
    assert.throws(() => loadBlrnetCheckpoint(compactDir), /too short/);
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
