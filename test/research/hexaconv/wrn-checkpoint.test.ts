import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasWrnCheckpoint, initialRunning, loadWrnCheckpoint, runningSize, saveWrnCheckpoint, type WrnCheckpoint } from '../../../src/research/hexaconv/wrn-checkpoint.js';
import { wrnParamCount, type WrnSpec } from '../../../src/research/hexaconv/wrn-spec.js';

const spec: WrnSpec = { kind: 'hexaconv-wrn', group: 'p4m', imageSize: 16, imageChannels: 3, classes: 4, blocksPerStage: 1, widths: [2, 3], stemStride: 1, kernelSize: 3 };

function checkpoint(): WrnCheckpoint {
  const size = wrnParamCount(spec);
  return {
    spec,
    params: Float32Array.from({ length: size }, (_, i) => i / 7),
    velocity: Float32Array.from({ length: size }, (_, i) => -i),
    running: initialRunning(spec),
    state: {
      imagesSeen: 40, steps: 5, trainSeconds: 1.5, randomState: [1, 2, 3, 4],
      settings: { epochs: 3, batchSize: 8, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-3, flips: true, translate: 0, seed: 1 },
      data: { dataset: 'cifar10', path: '/data', splitSeed: 0, validation: 10, normalisation: { mean: [1, 2, 3], std: [4, 5, 6] }, classNames: ['a', 'b', 'c', 'd'] },
      lastValidation: null,
    },
  };
}

test('checkpoint: save then load gives back every array and the state', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-hexaconv-ckpt-'));
  try {
    assert.ok(!hasWrnCheckpoint(dir));
    const saved = checkpoint();
    saveWrnCheckpoint(dir, saved);
    assert.ok(hasWrnCheckpoint(dir));
    const loaded = loadWrnCheckpoint(dir);
    assert.deepEqual(loaded, saved);
    // running moments start at mean 0, variance 1; layers bn1, bn2 of each block (2, 2 and 2, 3 channels), final (3)
    assert.equal(runningSize(spec), 2 * (2 + 2 + 2 + 3 + 3));
    assert.deepEqual([...initialRunning(spec).subarray(0, 4)], [0, 0, 1, 1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoint: damaged or foreign folders fail with a ModelError that says what is wrong', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-hexaconv-ckpt-'));
  try {
    assert.throws(() => loadWrnCheckpoint(dir), /not a checkpoint folder \(no spec\.json\); train one with `idfz hexaconv train/);
    saveWrnCheckpoint(dir, checkpoint());
    truncateSync(path.join(dir, 'velocity.f32'), 10);
    assert.throws(() => loadWrnCheckpoint(dir), (e: Error) => e.name === 'ModelError' && /velocity\.f32: holds 10 bytes, expected \d+; the checkpoint is damaged/.test(e.message));
    writeFileSync(path.join(dir, 'spec.json'), '{"format":"idfz-float-checkpoint","version":1}');
    assert.throws(() => loadWrnCheckpoint(dir), /not an idfz HexaConv checkpoint/);
    writeFileSync(path.join(dir, 'spec.json'), '{oops');
    assert.throws(() => loadWrnCheckpoint(dir), /not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
