import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../helpers/run-cli.js';
import { writeTinyMnist } from './blrnet-test-data.js';

test('idfz blrnet train, train --resume, eval, export and run on a tiny MNIST folder', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-blrnet-cli-'));
  try {
    const data = writeTinyMnist(dir, 120, 40);
    const out = path.join(dir, 'run');
    const common = ['--dataset', 'mnist', '--data', data, '--out', out, '--preset', 'tiny', '--workers', '1', '--batch-size', '25', '--validation', '20', '--log-level', 'silent'];
    const first = await runCli(['blrnet', 'train', '--epochs', '1', ...common]);
    assert.equal(first.code, 0, first.stderr);
    for (const file of ['spec.json', 'params.f32', 'running.f32', 'optimizer.f32', 'state.json', 'log.jsonl', 'curve.svg']) assert.ok(existsSync(path.join(out, file)), file);
    const state = () => JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number; steps: number; lastValidation: { accuracy: number }; settings: { learningRate: number } };
    assert.deepEqual([state().imagesSeen, state().steps], [100, 4]);
    assert.equal(state().settings.learningRate, 0.1, 'the default learning rate (docs/blrnet.md: 0.01 stalls at 98.7%)');
    assert.ok(state().lastValidation.accuracy >= 0);

    assert.equal((await runCli(['blrnet', 'train', '--epochs', '2', ...common])).code, 2, 'an existing checkpoint is not overwritten');
    const resumed = await runCli(['blrnet', 'train', '--epochs', '2', '--resume', '--lr', '0.01', ...common]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual([state().imagesSeen, state().steps], [200, 8]);
    assert.equal(state().settings.learningRate, 0.1, 'a resumed run keeps the learning rate it was started with');
    assert.equal((await runCli(['blrnet', 'train', '--resume', ...common.map((a) => (a === out ? path.join(dir, 'none') : a))])).code, 2, '--resume needs a checkpoint');

    // A fine-tune starts from the checkpoint's weights with a fresh schedule; at a negligible rate theta stays put.
    const tuned = path.join(dir, 'tuned');
    const tune = ['blrnet', 'train', '--dataset', 'mnist', '--data', data, '--out', tuned, '--init', out, '--workers', '1', '--batch-size', '25', '--validation', '20', '--epochs', '1', '--log-level', 'silent'];
    const fineTuned = await runCli([...tune, '--lr', '1e-9']);
    assert.equal(fineTuned.code, 0, fineTuned.stderr);
    const theta = (dir: string) => new Float32Array(readFileSync(path.join(dir, 'params.f32')).buffer.slice(0));
    assert.ok(theta(tuned).every((x, i) => Math.abs(x - theta(out)[i]!) < 1e-6), 'the fine-tune started from the checkpoint');
    assert.equal((JSON.parse(readFileSync(path.join(tuned, 'state.json'), 'utf8')) as { imagesSeen: number }).imagesSeen, 100);
    const otherHoldOut = tune.map((a) => (a === tuned ? path.join(dir, 'tuned2') : a === '20' ? '30' : a));
    assert.equal((await runCli(otherHoldOut)).code, 2, 'a fine-tune may not train on the images its start held out');
    assert.equal((await runCli([...tune, '--resume'])).code, 2, '--init and --resume exclude each other');

    const validation = await runCli(['blrnet', 'eval', '--checkpoint', out, '--split', 'validation', '--ensemble', '0', '--integer', 'off', '--reestimate-batches', '2', '--batch-size', '10', '--json', '--log-level', 'silent']);
    assert.equal(validation.code, 0, validation.stderr);
    assert.equal((JSON.parse(validation.stdout.toString()) as { images: number }).images, 20, 'the 20 training images the run held out');

    const evaluation = await runCli(['blrnet', 'eval', '--checkpoint', out, '--ensemble', '2', '--reestimate-batches', '2', '--batch-size', '10', '--limit', '30', '--json', '--log-level', 'silent']);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const result = JSON.parse(evaluation.stdout.toString()) as Record<string, number | null | { accuracy: number; mismatches: number }>;
    for (const key of ['propagate', 'map', 'ternary', 'ensemble']) assert.ok(typeof result[key] === 'number' && result[key] >= 0 && result[key] <= 1, key);
    assert.equal(result.images, 30);
    assert.deepEqual((result.integer as { mismatches: number }).mismatches, 0, 'the integer MAP network predicts as the tfjs one');
    assert.equal((result.integer as { accuracy: number }).accuracy, result.map);
    assert.match(readFileSync(path.join(out, 'coverage.svg'), 'utf8'), /^<svg/);

    const model = path.join(dir, 'map.blrnet');
    const exported = await runCli(['blrnet', 'export', '--checkpoint', out, '--out', model, '--reestimate-batches', '2', '--batch-size', '10', '--log-level', 'silent']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal((await runCli(['blrnet', 'export', '--checkpoint', out, '--out', model])).code, 2, 'an existing file is not replaced without -f');
    const ran = await runCli(['blrnet', 'run', '--model', model, '--dataset', 'mnist', '--data', data, '--limit', '30', '--json']);
    assert.equal(ran.code, 0, ran.stderr);
    const run = JSON.parse(ran.stdout.toString()) as { accuracy: number; images: number };
    assert.deepEqual([run.accuracy, run.images], [result.map, 30], 'the exported file is the evaluated MAP network');

    // A compact copy (int8 theta) exports exactly the same MAP network.
    const compact = path.join(dir, 'compact');
    assert.equal((await runCli(['blrnet', 'compact', '--checkpoint', out, '--out', compact, '--log-level', 'silent'])).code, 0);
    assert.equal((await runCli(['blrnet', 'compact', '--checkpoint', out, '--out', compact])).code, 2, 'an existing checkpoint is not overwritten');
    const fromCompact = path.join(dir, 'compact.blrnet');
    assert.equal((await runCli(['blrnet', 'export', '--checkpoint', compact, '--out', fromCompact, '--reestimate-batches', '2', '--batch-size', '10', '--log-level', 'silent'])).code, 0);
    assert.deepEqual(readFileSync(fromCompact), readFileSync(model));

    const damaged = readFileSync(model);
    damaged[damaged.length - 1]! ^= 0xff;
    writeFileSync(model, damaged);
    const refused = await runCli(['blrnet', 'run', '--model', model, '--dataset', 'mnist', '--data', data]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /sha256 mismatch/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('idfz blrnet rejects bad options with usage errors', async () => {
  const cases = [
    ['blrnet', 'train', '--dataset', 'imagenet32', '--data', 'x', '--out', 'y'],
    ['blrnet', 'train', '--dataset', 'mnist', '--data', 'x', '--out', 'y', '--batch-size', '1'],
    ['blrnet', 'train', '--dataset', 'mnist', '--data', 'x', '--out', 'y', '--preset', 'huge'],
    ['blrnet', 'eval', '--checkpoint', 'x', '--ensemble', '-1'],
    ['blrnet', 'eval', '--checkpoint', 'x', '--integer', 'gpu'],
    ['blrnet', 'run', '--model', 'x', '--dataset', 'mnist', '--data', 'y', '--kernel', 'simd'],
  ];
  for (const args of cases) assert.equal((await runCli(args)).code, 2, args.join(' '));
  const missing = await runCli(['blrnet', 'eval', '--checkpoint', path.join(tmpdir(), 'no-such-blrnet-checkpoint')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /not a blrnet checkpoint folder/);
});
