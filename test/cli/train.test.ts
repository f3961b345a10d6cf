import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { writeTinyCifar10 } from '../helpers/tiny-cifar.js';
import { createHash } from 'node:crypto';
import { readIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { writeImage } from '../../src/image/write-image.js';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';
import { syntheticImages } from '../helpers/tiny-model.js';

test('idfz train then eval then train --resume on a tiny CIFAR-10 folder', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-cli-train-'));
  try {
    const data = writeTinyCifar10(dir, 6);
    const out = path.join(dir, 'run');
    const common = ['--dataset', 'cifar10', '--data', data, '--out', out, '--workers', '1', '--batch-size', '8', '--validation', '6', '--log-level', 'silent'];
    const first = await runCli(['train', '--preset', 'tiny', '--epochs', '1', ...common]);
    assert.equal(first.code, 0, first.stderr);
    for (const file of ['spec.json', 'params.f32', 'ema.f32', 'optimizer.f32', 'state.json', 'log.jsonl', 'curve.svg']) assert.ok(existsSync(path.join(out, file)), file);
    assert.match(readFileSync(path.join(out, 'curve.svg'), 'utf8'), /<svg/);

    const evaluation = await runCli(['eval', '--checkpoint', out, '--dataset', 'cifar10', '--data', data, '--json', '--workers', '1']);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const result = JSON.parse(evaluation.stdout.toString()) as { bpd: number; images: number };
    assert.equal(result.images, 6);
    assert.ok(result.bpd > 0 && result.bpd < 16, `bpd ${result.bpd}`);

    const modelDir = path.join(dir, 'model');
    const exportArgs = ['export', out, '-o', modelDir, '--id', 'tiny-test', '--numeric-id', '4242', '--dataset', 'cifar10', '--data', data, '--calibration-images', '12'];
    const exported = await runCli(exportArgs);
    assert.equal(exported.code, 0, exported.stderr);
    const manifest = JSON.parse(readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')) as { id: string; numericId: number; file: string; sha256: string };
    assert.deepEqual([manifest.id, manifest.numericId, manifest.file], ['tiny-test', 4242, 'model.idfm']);
    const modelBytes = readFileSync(path.join(modelDir, manifest.file));
    assert.equal(createHash('sha256').update(modelBytes).digest('hex'), manifest.sha256);
    assert.equal(readIntegerIdf(modelBytes, 'model.idfm').spec.levels, 2);
    assert.equal((await runCli(exportArgs)).code, 2, 'an existing model folder is not replaced without -f');
    assert.equal((await runCli([...exportArgs, '-f'])).code, 0);
    assert.match((await runCli([...exportArgs.slice(0, 5), 'Bad_Id', ...exportArgs.slice(6)])).stderr, /kebab-case model id/);

    const again = await runCli(['train', '--preset', 'tiny', '--epochs', '1', ...common]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds a checkpoint: pass --resume/);

    const resumed = await runCli(['train', '--resume', '--epochs', '2', ...common]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const state = JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number };
    assert.equal(state.imagesSeen, 48);

    // --init: a new run from the resumed run's weights, with its own counters and the history kept for the manifest.
    const tunedCommon = common.map((arg) => (arg === out ? path.join(dir, 'tuned') : arg));
    assert.match((await runCli(['train', '--init', out, '--preset', 'tiny', ...tunedCommon])).stderr, /--init takes the architecture/);
    const tuned = await runCli(['train', '--init', out, '--epochs', '1', ...tunedCommon]);
    assert.equal(tuned.code, 0, tuned.stderr);
    const tunedState = JSON.parse(readFileSync(path.join(dir, 'tuned', 'state.json'), 'utf8')) as { imagesSeen: number; settings: { initializedFrom: { imagesSeen: number } } };
    assert.deepEqual([tunedState.imagesSeen, tunedState.settings.initializedFrom.imagesSeen], [24, 48]);
    assert.equal((await runCli([...exportArgs.slice(0, 1), path.join(dir, 'tuned'), ...exportArgs.slice(2), '-f'])).code, 0);
    const tunedManifest = JSON.parse(readFileSync(path.join(modelDir, 'manifest.json'), 'utf8')) as { trainedOn: { initializedFrom: { imagesSeen: number } } };
    assert.equal(tunedManifest.trainedOn.initializedFrom.imagesSeen, 48);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('idfz train rejects bad options with one line and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['train', '--dataset', 'cifar10', '--data', 'x', '--out', 'y', '--batch-size', '0'], /Expected an integer 1\.\.4096 for --batch-size but received "0"/],
    [['train', '--dataset', 'svhn', '--data', 'x', '--out', 'y'], /--dataset/],
    [['train', '--dataset', 'cifar10', '--out', 'y'], /--data/],
    [['train', '--dataset', 'cifar10', '--data', 'x', '--out', 'y', '--preset', 'huge'], /--preset/],
    [['train', '--dataset', 'cifar10', '--data', 'x', '--out', path.join(tmpdir(), 'idfz-no-such-run'), '--resume'], /holds no checkpoint to resume/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').filter((line) => line.startsWith('idfz:')).length, 1);
  }
});

test('idfz train on a missing dataset folder: one line, exit 1', async () => {
  const result = await runCli(['train', '--dataset', 'cifar10', '--data', path.join(tmpdir(), 'idfz-missing-data'), '--out', path.join(tmpdir(), 'idfz-missing-out')]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^idfz: .*run `npm run data -- cifar10`/);
});

test('idfz eval rejects a folder that is not a checkpoint', async () => {
  const result = await runCli(['eval', '--checkpoint', tmpdir(), '--dataset', 'cifar10', '--data', 'x']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /not a checkpoint folder/);
});

test('idfz train on two image folders draws crops from both', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-cli-folders-'));
  try {
    const folders = ['a', 'b'].map((name) => path.join(dir, name));
    for (const [f, folder] of folders.entries()) {
      mkdirSync(folder);
      const pixels = syntheticImages(1, 48, f + 1);
      const png = await writeImage(createPixelBuffer({ width: 48, height: 48, channels: 3, bitDepth: 8, data: pixels }), 'png');
      writeFileSync(path.join(folder, 'photo.png'), png);
    }
    const out = path.join(dir, 'run');
    const result = await runCli(['train', '--preset', 'tiny', '--dataset', 'folder', '--data', ...folders, '--crop-size', '16', '--crops', '40', '--validation', '8', '--epochs', '1', '--workers', '1', '--batch-size', '8', '--out', out, '--log-level', 'silent']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number }).imagesSeen, 32);
    const several = await runCli(['train', '--dataset', 'cifar10', '--data', 'x', 'y', '--out', out]);
    assert.equal(several.code, 2);
    assert.match(several.stderr, /--data takes one path for --dataset cifar10/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
