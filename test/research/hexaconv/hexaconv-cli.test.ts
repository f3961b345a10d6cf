import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { runCli } from '../../helpers/run-cli.js';
import { writeTinyCifar10 } from '../../helpers/tiny-cifar.js';

test('idfz hexaconv train, eval --json, refusal to overwrite, train --resume (cifar10, p6)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-hexaconv-'));
  try {
    const data = writeTinyCifar10(dir, 6);
    const out = path.join(dir, 'run');
    const common = ['--dataset', 'cifar10', '--data', data, '--out', out, '--workers', '1', '--log-level', 'silent'];
    const first = await runCli(['hexaconv', 'train', '--group', 'p6', '--widths', '2,2,3', '--blocks', '1', '--epochs', '1', '--batch-size', '8', '--validation', '6', ...common]);
    assert.equal(first.code, 0, first.stderr);
    for (const file of ['spec.json', 'params.f32', 'velocity.f32', 'running.f32', 'state.json', 'log.jsonl']) assert.ok(existsSync(path.join(out, file)), file);
    const log = readFileSync(path.join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; accuracy: number });
    assert.ok(log.some((entry) => entry.type === 'validation' && entry.accuracy >= 0 && entry.accuracy <= 1));

    const evaluation = await runCli(['hexaconv', 'eval', '--checkpoint', out, '--json', '--workers', '1']);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const result = JSON.parse(evaluation.stdout.toString()) as { accuracy: number; images: number; params: number; group: string };
    assert.equal(result.images, 6);
    assert.equal(result.group, 'p6');
    assert.ok(result.accuracy >= 0 && result.accuracy <= 1);
    assert.ok(result.params > 500 && result.params < 5000, `params ${result.params}`);

    const again = await runCli(['hexaconv', 'train', '--group', 'p6', ...common]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds a checkpoint: pass --resume/);
    const changed = await runCli(['hexaconv', 'train', '--resume', '--lr', '0.1', ...common]);
    assert.equal(changed.code, 2);
    assert.match(changed.stderr, /drop --lr/);

    // Resumed on two data-parallel workers (the batch of 8 splits 4 + 4).
    const resumed = await runCli(['hexaconv', 'train', '--resume', '--epochs', '2', ...common, '--workers', '2']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const state = JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number; settings: { epochs: number; batchSize: number } };
    assert.equal(state.imagesSeen, 48);
    assert.equal(state.settings.epochs, 2);
    assert.equal(state.settings.batchSize, 8);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('idfz hexaconv train on an AID-style class folder: 64 x 64 resizing, seeded 80/20 split, eval on the 20%', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-hexaconv-aid-'));
  try {
    const data = path.join(dir, 'AID');
    for (const [c, name] of ['Beach', 'Forest', 'Port'].entries()) {
      mkdirSync(path.join(data, name), { recursive: true });
      for (let i = 0; i < 5; i++) {
        const pixels = Buffer.alloc(80 * 70 * 3, 40 + 60 * c + 5 * i);
        await sharp(pixels, { raw: { width: 80, height: 70, channels: 3 } }).png().toFile(path.join(data, name, `${name.toLowerCase()}_${i}.png`));
      }
    }
    const out = path.join(dir, 'run');
    const trained = await runCli(['hexaconv', 'train', '--dataset', 'folder', '--data', data, '--group', 'hex', '--widths', '2,2', '--blocks', '1', '--epochs', '1', '--batch-size', '4', '--out', out, '--workers', '1', '--log-level', 'silent']);
    assert.equal(trained.code, 0, trained.stderr);
    const state = JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number; data: { classNames: string[]; validation: number } };
    assert.deepEqual(state.data.classNames, ['Beach', 'Forest', 'Port']);
    assert.equal(state.data.validation, 1); // 10% of the 12 training images (4 of 5 per class)
    assert.equal(state.imagesSeen, 11);
    const evaluation = await runCli(['hexaconv', 'eval', '--checkpoint', out, '--json', '--workers', '1']);
    assert.equal(evaluation.code, 0, evaluation.stderr);
    assert.equal((JSON.parse(evaluation.stdout.toString()) as { images: number }).images, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('idfz hexaconv cost: every group within 5% of the budget', async () => {
  const result = await runCli(['hexaconv', 'cost', '--budget', '100000', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const cost = JSON.parse(result.stdout.toString()) as { groups: { group: string; params: number; forwardMultiplyAdds: number }[] };
  assert.deepEqual(cost.groups.map((g) => g.group), ['z2', 'hex', 'p4', 'p4m', 'p6', 'p6m']);
  for (const g of cost.groups) assert.ok(Math.abs(g.params - 100_000) < 5000, `${g.group}: ${g.params}`);
  const text = await runCli(['hexaconv', 'cost']);
  assert.match(text.stdout.toString(), /^budget 100000 parameters \(the paper's: 340000\), cifar10, 4 blocks per stage\n/);
});

test('idfz hexaconv rejects bad options with one line and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [['hexaconv', 'train', '--dataset', 'cifar10', '--data', 'x', '--out', 'y', '--group', 'p5'], /--group/],
    [['hexaconv', 'train', '--dataset', 'svhn', '--data', 'x', '--out', 'y'], /--dataset/],
    [['hexaconv', 'train', '--dataset', 'cifar10', '--data', 'x', '--out', 'y', '--widths', '4,0'], /Expected an integer 1\.\.1024 for --widths but received "0"/],
    [['hexaconv', 'train', '--dataset', 'cifar10', '--data', 'x', '--out', 'y', '--momentum', '1.5'], /Expected a number in \[0, 0\.999\] for --momentum/],
    [['hexaconv', 'train', '--dataset', 'cifar10', '--data', 'x', '--out', path.join(tmpdir(), 'idfz-hexaconv-none'), '--resume'], /holds no checkpoint to resume/],
    [['hexaconv', 'cost', '--budget', '10'], /Expected an integer 1000\.\.100000000 for --budget/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
  const missing = await runCli(['hexaconv', 'train', '--dataset', 'cifar10', '--data', path.join(tmpdir(), 'idfz-hexaconv-no-data'), '--group', 'z2', '--out', path.join(tmpdir(), 'idfz-hexaconv-no-out')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /run `npm run data -- cifar10`/);
  const noGroup = await runCli(['hexaconv', 'eval', '--checkpoint', tmpdir()]);
  assert.equal(noGroup.code, 1);
  assert.match(noGroup.stderr, /not a checkpoint folder/);
});
