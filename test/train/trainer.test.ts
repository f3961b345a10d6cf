import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { idfPreset } from '../../src/arch/idf-presets.js';
import { trainIdf, type TrainOptions, type TrainingImages } from '../../src/train/trainer.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { Random } from '../../src/core/random.js';

/** Smooth synthetic 8x8 RGB images: a learnable, non-uniform distribution. */
function syntheticImages(count: number, seed: number): TrainingImages {
  const random = new Random(seed);
  const images = new Uint8Array(count * 8 * 8 * 3);
  for (let n = 0; n < count; n++) {
    const base = random.nextInt(200);
    const slope = random.nextInt(5);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) for (let c = 0; c < 3; c++) {
      images[((n * 8 + y) * 8 + x) * 3 + c] = base + slope * (x + y) + c * 3 + random.nextInt(3);
    }
  }
  return { count, height: 8, width: 8, channels: 3, images };
}

function options(outDir: string, workers: number, imagesPerRun: number): TrainOptions {
  return {
    outDir,
    train: syntheticImages(64, 1),
    validation: syntheticImages(16, 2),
    batchSize: 16,
    workers,
    backend: 'wasm',
    seed: 3,
    schedule: { learningRate: 1e-2, warmupImages: 16, decayPerEpoch: 1 },
    clipNorm: 100,
    emaDecay: 0.5,
    epochs: imagesPerRun / 64,
    minutes: null,
    checkpointMinutes: 1000,
    validateEveryImages: 1_000_000,
    validationLimit: 16,
    flips: true,
  };
}

test('training lowers validation bits/dim, writes a checkpoint and a log, and resumes exactly where it stopped', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-train-'));
  try {
    const spec = idfPreset('tiny', 3, 1);
    const first = await trainIdf({ spec }, options(dir, 2, 64));
    assert.equal(first.imagesSeen, 64);
    const saved = loadCheckpoint(dir);
    assert.equal(saved.state.imagesSeen, 64);
    assert.equal(saved.optimizer.step, 4);
    const second = await trainIdf({ checkpoint: saved }, options(dir, 1, 640));
    assert.equal(second.imagesSeen, 640);
    const entries = readFileSync(path.join(dir, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; bpd: number });
    const validations = entries.filter((e) => e.type === 'validation').map((e) => e.bpd);
    assert.equal(validations.length, 2);
    assert.ok(validations[1]! < validations[0]! - 0.5, `validation bpd ${validations.join(' -> ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one and two workers compute the same step (gradients are summed exactly over the split batch)', async () => {
  const dirs = [1, 2].map(() => mkdtempSync(path.join(tmpdir(), 'idfz-train-')));
  try {
    const spec = idfPreset('tiny', 3, 1);
    for (const [i, workers] of [1, 2].entries()) await trainIdf({ spec }, { ...options(dirs[i]!, workers, 64), flips: false });
    const [a, b] = dirs.map((dir) => loadCheckpoint(dir).params);
    let maxDiff = 0;
    for (let k = 0; k < a!.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a![k]! - b![k]!));
    assert.ok(maxDiff < 1e-4, `max parameter difference ${maxDiff}`);
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint without optimizer.f32 (as committed) still resumes, with fresh Adamax moments', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-train-'));
  try {
    await trainIdf({ spec: idfPreset('tiny', 3, 1) }, options(dir, 1, 64));
    rmSync(path.join(dir, 'optimizer.f32'));
    const loaded = loadCheckpoint(dir);
    assert.equal(loaded.optimizer.step, 0);
    assert.equal(loaded.state.steps, 4);
    const resumed = await trainIdf({ checkpoint: loaded }, options(dir, 1, 128));
    assert.equal(resumed.imagesSeen, 128);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an aborted run stops after the current step and still writes its checkpoint', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-train-'));
  try {
    const stop = new AbortController();
    const result = await trainIdf({ spec: idfPreset('tiny', 3, 1) }, { ...options(dir, 1, 640), signal: stop.signal, onProgress: () => stop.abort() });
    assert.equal(result.imagesSeen, 16);
    assert.equal(loadCheckpoint(dir).state.imagesSeen, 16);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
