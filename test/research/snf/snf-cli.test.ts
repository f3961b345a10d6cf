import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Random } from '../../../src/core/random.js';
import { readImage } from '../../../src/image/read-image.js';
import { runCli } from '../../helpers/run-cli.js';
import { idxBytes } from '../../data/formats.js';
import { openDataset } from '../../../src/data/open-dataset.js';
import { startBackend } from '../../../src/train/backend.js';
import { evaluateSnf } from '../../../src/research/snf/snf-evaluate.js';
import { SnfFlow } from '../../../src/research/snf/snf-flow.js';
import { initialSnfParams } from '../../../src/research/snf/snf-params.js';
import { snfPreset } from '../../../src/research/snf/snf-presets.js';
import type { SnfModelName } from '../../../src/research/snf/snf-spec.js';

let dir = '';
let data = '';

/** A tiny MNIST-layout folder: 4x4 grey images (a bright blob on a dark background), 40 train, 8 test. */
function writeTinyMnist(folder: string): void {
  const random = new Random(5);
  const images = (count: number) => {
    const pixels = new Uint8Array(count * 16);
    for (let k = 0; k < count; k++) {
      const [cy, cx] = [random.nextInt(4), random.nextInt(4)];
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) pixels[k * 16 + y * 4 + x] = Math.max(0, 250 - 90 * (Math.abs(y - cy) + Math.abs(x - cx)) - random.nextInt(20));
    }
    return pixels;
  };
  for (const [prefix, count] of [['train', 40], ['t10k', 8]] as const) {
    writeFileSync(path.join(folder, `${prefix}-images-idx3-ubyte`), idxBytes([count, 4, 4], images(count)));
    writeFileSync(path.join(folder, `${prefix}-labels-idx1-ubyte`), idxBytes([count], new Uint8Array(count)));
  }
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'idfz-snf-cli-'));
  data = path.join(dir, 'mnist');
  mkdirSync(data);
  writeTinyMnist(data);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const quiet = ['--log-level', 'silent'];

async function evalJson(checkpoint: string): Promise<{ nll: number; bpd: number; images: number; gradient: string }> {
  const result = await runCli(['snf', 'eval', '--checkpoint', checkpoint, '--data', data, '--json', ...quiet]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout.toString());
}

test('snf train, eval, train --resume, sample, compact on a tiny MNIST folder (fc, SNF)', async () => {
  const out = path.join(dir, 'fc');
  const common = ['--dataset', 'mnist', '--data', data, '--out', out, '--batch-size', '10', '--validation', '8', '--lr', '1e-3', '--log-seconds', '0.001', ...quiet];
  const first = await runCli(['snf', 'train', '--model', 'fc', '--epochs', '2', ...common]);
  assert.equal(first.code, 0, first.stderr);
  for (const file of ['spec.json', 'params.f32', 'optimizer.f32', 'state.json', 'log.jsonl', 'curve.svg']) assert.ok(existsSync(path.join(out, file)), file);
  const lines = readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; nll: number });
  assert.ok(lines.some((line) => line.type === 'train') && lines.some((line) => line.type === 'validation'));
  const state = JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number; steps: number };
  assert.deepEqual([state.imagesSeen, state.steps], [64, 8]);

  const before = await evalJson(out);
  assert.equal(before.images, 8);
  assert.equal(before.gradient, 'self-normalizing');
  // 16 dimensions of 8 bits: a model that learned anything codes well under 8 bits/dim, and never below 0 nats.
  assert.ok(before.nll > 0 && before.bpd < 8, JSON.stringify(before));

  const resumed = await runCli(['snf', 'train', '--resume', '--epochs', '6', ...common]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal((JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number }).imagesSeen, 192);
  const later = await evalJson(out);
  assert.ok(later.nll < before.nll, `training went on learning: ${before.nll} -> ${later.nll}`);

  const grid = path.join(dir, 'grid.png');
  const sampled = await runCli(['snf', 'sample', '--checkpoint', out, '-o', grid, '--count', '6', '--columns', '3', '--compare', '--json', ...quiet]);
  assert.equal(sampled.code, 0, sampled.stderr);
  const summary = JSON.parse(sampled.stdout.toString()) as { meanAbsPixelDifference: number; inverse: string };
  assert.equal(summary.inverse, 'learned');
  assert.ok(summary.meanAbsPixelDifference >= 0 && summary.meanAbsPixelDifference < 64);
  const image = await readImage(readFileSync(grid));
  assert.deepEqual([image.width, image.height, image.channels], [3 * 4 + 2 * 2, 2 * 4 + 2, 1]);
  assert.equal((await runCli(['snf', 'sample', '--checkpoint', out, '-o', grid, ...quiet])).code, 2, 'no overwrite without -f');

  const compact = path.join(dir, 'fc-compact');
  assert.equal((await runCli(['snf', 'compact', '--checkpoint', out, '--out', compact, ...quiet])).code, 0);
  assert.ok(existsSync(path.join(compact, 'params.f16')) && !existsSync(path.join(compact, 'params.f32')) && !existsSync(path.join(compact, 'optimizer.f32')));
  assert.ok(statSync(path.join(compact, 'params.f16')).size * 2 === statSync(path.join(out, 'params.f32')).size);
  const compactEval = await evalJson(compact);
  assert.ok(Math.abs(compactEval.nll - later.nll) < 0.01 * Math.abs(later.nll) + 0.05, `${compactEval.nll} vs ${later.nll}`);
});

/**
 * Test NLL (eval's seed-0 noise) of a model as `idfz snf train` starts it with --seed 1, before actnorm's data
 * initialisation and any step: the bar a trained model has to beat.
 */
async function untrainedNll(model: SnfModelName, exact: boolean, glow: { width: number; steps: number } | null): Promise<number> {
  await startBackend('wasm');
  const spec = snfPreset(model, { gradient: exact ? 'exact' : 'self-normalizing', image: { height: 4, width: 4, channels: 1 }, ...(glow ? { couplingWidth: glow.width, steps: glow.steps } : {}) });
  const test = await openDataset('mnist', data, 'test');
  return evaluateSnf(new SnfFlow(spec), initialSnfParams(spec, 1), test, { seed: 0 }).nll;
}

test('snf train --exact, conv and glow models train and evaluate; the exact model cannot sample through R', async () => {
  for (const [model, extra] of [['fc', ['--exact']], ['conv', []], ['glow', ['--width', '4', '--steps', '1']], ['glow', ['--exact', '--width', '4', '--steps', '1']]] as const) {
    const out = path.join(dir, `${model}${extra.join('')}`);
    const trained = await runCli(['snf', 'train', '--model', model, ...extra, '--dataset', 'mnist', '--data', data, '--out', out, '--epochs', '1', '--batch-size', '16', '--lr', '1e-3', '--validation', '8', ...quiet]);
    assert.equal(trained.code, 0, `${model} ${extra.join(' ')}: ${trained.stderr}`);
    const result = await evalJson(out);
    assert.equal(result.gradient, (extra as readonly string[]).includes('--exact') ? 'exact' : 'self-normalizing');
    // One epoch here is two steps (32 training images, batch 16, lr 1e-3 for all): too few to beat 8 bits/dim (a uniform 8-bit model)
    // from a near-identity flow in logit space, but enough to lower the test NLL below the untrained model's (same
    // parameters from the same seed, same eval noise); a wrong sign or a lost gradient fails this.
    const start = await untrainedNll(model, (extra as readonly string[]).includes('--exact'), model === 'glow' ? { width: 4, steps: 1 } : null);
    assert.ok(Number.isFinite(result.nll) && result.bpd > 0 && result.nll < start, `${model} ${extra.join(' ')}: ${JSON.stringify(result)}, untrained ${start}`);
  }
  const exactFc = path.join(dir, 'fc--exact');
  const grid = path.join(dir, 'exact.png');
  assert.equal((await runCli(['snf', 'sample', '--checkpoint', exactFc, '-o', grid, ...quiet])).code, 2);
  assert.equal((await runCli(['snf', 'sample', '--checkpoint', exactFc, '-o', grid, '--inverse', 'exact', ...quiet])).code, 0);
});

test('snf timing --json: one row per layer, dimension and gradient, with the exact/SNF ratio', async () => {
  const result = await runCli(['snf', 'timing', '--layer', 'both', '--dims', '8,16', '--batch-size', '4', '--steps', '1', '--warmup', '0', '--json', ...quiet]);
  assert.equal(result.code, 0, result.stderr);
  const { rows } = JSON.parse(result.stdout.toString()) as { rows: Array<{ layer: string; dimension: number; gradient: string; secondsPerStep: number; exactOverSnf: number | null }> };
  assert.deepEqual(rows.map((r) => `${r.layer}/${r.dimension}/${r.gradient}`), [
    'dense/8/self-normalizing', 'dense/8/exact', 'dense/16/self-normalizing', 'dense/16/exact',
    'conv/8/self-normalizing', 'conv/8/exact', 'conv/16/self-normalizing', 'conv/16/exact',
  ]);
  for (const row of rows) assert.ok(row.secondsPerStep > 0 && (row.gradient === 'exact') === (row.exactOverSnf !== null));
});

test('snf: invalid usage exits 2 with a message', async () => {
  const out = path.join(dir, 'bad');
  const cases: Array<[string[], RegExp]> = [
    [['snf', 'train', '--model', 'resnet', '--dataset', 'mnist', '--data', data, '--out', out, '--epochs', '1'], /resnet/],
    [['snf', 'train', '--model', 'fc', '--dataset', 'mnist', '--data', data, '--out', out], /--epochs/],
    [['snf', 'train', '--resume', '--out', out, '--epochs', '1'], /no SNF checkpoint/],
    [['snf', 'train', '--model', 'fc', '--dataset', 'mnist', '--data', data, '--out', path.join(dir, 'fc'), '--epochs', '1'], /--resume/],
    [['snf', 'train', '--model', 'fc', '--dataset', 'mnist', '--data', data, '--out', out, '--epochs', '0'], /--epochs/],
    [['snf', 'train', '--model', 'fc', '--dataset', 'mnist', '--data', data, '--out', out, '--epochs', '1', '--recon-weight', '-1'], /--recon-weight/],
    [['snf', 'sample', '--checkpoint', path.join(dir, 'fc'), '-o', path.join(dir, 'grid.jpg')], /PNG/],
    [['snf', 'timing', '--dims', '8,x'], /--dims/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli([...args, ...quiet]);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message, args.join(' '));
  }
  // A folder that is not a checkpoint is a model error (exit 1), not a usage error.
  const missing = await runCli(['snf', 'eval', '--checkpoint', dir, '--data', data, ...quiet]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not a checkpoint folder/);
});
