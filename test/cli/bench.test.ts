/**
 * `idfz bench` end to end, in-process: JSON on stdout and in a file with the documented schema, exact decoding of
 * real images, the Markdown report with its chart, missing tools reported as skipped (never silently), idfz measured
 * with a model folder, and a valid and an invalid case for every option.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { writeTinyCifar10 } from '../helpers/tiny-cifar.js';
import { writeTinyModelFolder } from '../bench/tiny-model-folder.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-bench-cli-'));
test.after(() => rmSync(root, { recursive: true, force: true }));
const CIFAR = writeTinyCifar10(root, 4);
const ZEBRA = path.join(SHARED_DATA, 'imagenet32-sample', 'zebra1300.npz');

interface JsonCodec {
  name: string;
  bpd: number | null;
  encodeMBps: number | null;
  decodeMBps: number | null;
  exact: boolean | null;
  skipped: string | null;
  error: string | null;
  note: string | null;
  bytes: number | null;
  estimated?: { float: { bpd: number | null; note: string }; integer: { bpd: number | null; note: string } };
}
interface JsonResult {
  dataset: string;
  images: number;
  subPixels: number;
  codecs: JsonCodec[];
}

test('--json - prints the schema on stdout for real ImageNet32 images, every codec exact', async () => {
  const result = await runCli(['bench', '--dataset', 'imagenet32', '--data', ZEBRA, '--limit', '6', '--baselines', 'png,webp', '--json', '-']);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout.toString('utf8')) as JsonResult;
  assert.deepEqual(Object.keys(json), ['dataset', 'images', 'subPixels', 'codecs']);
  assert.deepEqual([json.dataset, json.images, json.subPixels], ['imagenet32/test', 6, 6 * 3072]);
  assert.deepEqual(json.codecs.map((codec) => codec.name), ['png', 'webp']);
  for (const codec of json.codecs) {
    assert.deepEqual(Object.keys(codec).slice(0, 5), ['name', 'bpd', 'encodeMBps', 'decodeMBps', 'exact'], 'the schema keys first');
    assert.equal(codec.exact, true);
    assert.equal(codec.bpd, (8 * codec.bytes!) / (6 * 3072));
    assert.ok(codec.bpd! > 2 && codec.bpd! < 8, `${codec.name}: ${codec.bpd} bits/dim on real photographs`);
    assert.ok(codec.encodeMBps! > 0 && codec.decodeMBps! > 0);
  }
  assert.ok(json.codecs[1]!.bpd! < json.codecs[0]!.bpd!, 'lossless WebP beats PNG on natural images');
});

test('without --json a table goes to stdout; --json FILE and --report write files', async () => {
  const out = path.join(root, 'out');
  const result = await runCli(['bench', '--dataset', 'cifar10', '--data', CIFAR, '--baselines', 'png', '--json', path.join(root, 'r.json'), '--report', path.join(root, 'r.md')]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout.toString('utf8'), /^cifar10\/test: 4 images, 12288 samples, each image coded as its own file\ncodec .*\npng\s+\d\.\d{3}\s/);
  const json = JSON.parse(readFileSync(path.join(root, 'r.json'), 'utf8')) as JsonResult;
  assert.deepEqual([json.dataset, json.images, json.codecs[0]!.name, json.codecs[0]!.exact], ['cifar10/test', 4, 'png', true]);
  const markdown = readFileSync(path.join(root, 'r.md'), 'utf8');
  assert.match(markdown, /!\[bits per dimension per codec\]\(r\.svg\)/);
  assert.match(markdown, new RegExp(`\\| png \\| ${json.codecs[0]!.bpd!.toFixed(3).replace('.', '\\.')} \\|`));
  assert.match(readFileSync(path.join(root, 'r.svg'), 'utf8'), /^<svg /);
  assert.equal(existsSync(out), false);
});

test('a missing tool is reported as skipped in the JSON and the table, and the rest still runs', async () => {
  const saved = process.env.PATH;
  process.env.PATH = path.join(root, 'no-tools-here');
  try {
    const file = path.join(root, 'skipped.json');
    const result = await runCli(['bench', '--dataset', 'cifar10', '--data', CIFAR, '--limit', '2', '--baselines', 'jxl,png,jp2', '--json', file]);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(readFileSync(file, 'utf8')) as JsonResult;
    const [jxl, png, jp2] = json.codecs;
    assert.match(jxl!.skipped!, /^cjxl is not installed \(not on PATH\); install the Debian package libjxl-tools .*; djxl is not installed/);
    assert.match(jp2!.skipped!, /opj_compress is not installed/);
    assert.deepEqual([jxl!.bpd, jxl!.exact, jp2!.bpd], [null, null, null]);
    assert.equal(png!.exact, true);
    const table = result.stdout.toString('utf8');
    assert.match(table, /\njxl\s+-\s+-\s+-\s+-\s+per-process\s+skipped: cjxl is not installed/);
    assert.match(table, /\njp2\s+-\s+-\s+-\s+-\s+per-process\s+skipped: opj_compress is not installed/);
  } finally {
    process.env.PATH = saved;
  }
});

test('--model FOLDER adds idfz first: .idf sizes, exact decoding, its note and estimates', async () => {
  const folder = await writeTinyModelFolder(root, 'tiny-cli', 77, 77, false);
  const result = await runCli(['bench', '--dataset', 'cifar10', '--data', CIFAR, '--limit', '2', '--model', folder, '--baselines', 'png', '--json', '-']);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout.toString('utf8')) as JsonResult;
  assert.deepEqual(json.codecs.map((codec) => codec.name), ['idfz', 'png']);
  const [idfz] = json.codecs;
  assert.equal(idfz!.exact, true);
  assert.equal(idfz!.bpd, (8 * idfz!.bytes!) / (2 * 3072));
  assert.match(idfz!.note!, /^\d of 2 tiles coded by the learned model tiny-cli/);
  assert.ok(idfz!.estimated!.integer.bpd! > 0, idfz!.estimated!.integer.note);
  assert.deepEqual([idfz!.estimated!.float.bpd, idfz!.estimated!.float.note.startsWith('model tiny-cli ships no float checkpoint')], [null, true]);
});

test('--model that names no installed model and no folder is a ModelError (exit 1) saying what to give', async () => {
  const result = await runCli(['bench', '--dataset', 'cifar10', '--data', CIFAR, '--model', 'no-such-model']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^idfz: model "no-such-model" is not installed \(installed: .*\); give an id from `idfz models` or the path of a model folder\n$/);
  assert.equal(result.stdout.length, 0);
  const path_ = await runCli(['bench', '--dataset', 'cifar10', '--data', CIFAR, '--model', './nowhere/model']);
  assert.equal(path_.code, 1);
  assert.match(path_.stderr, /nowhere\/model: not a model folder/);
});

test('a folder is benchmarked at full size', async () => {
  const result = await runCli(['bench', '--dataset', 'folder', '--data', path.join(SHARED_DATA, 'usc-sipi-misc'), '--limit', '1', '--baselines', 'png', '--json', '-']);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout.toString('utf8')) as JsonResult;
  assert.deepEqual([json.images, json.subPixels, json.codecs[0]!.exact], [1, 256 * 256 * 3, true]);
});

const INVALID: [string, string[], RegExp][] = [
  ['an unknown dataset', ['--dataset', 'svhn', '--data', CIFAR], /option '--dataset <name>' argument 'svhn' is invalid/],
  ['no --dataset', ['--data', CIFAR], /required option '--dataset <name>' not specified/],
  ['no --data', ['--dataset', 'cifar10'], /required option '--data <path>' not specified/],
  ['a bad --split', ['--dataset', 'cifar10', '--data', CIFAR, '--split', 'valid'], /option '--split <split>' argument 'valid' is invalid/],
  ['--limit 0', ['--dataset', 'cifar10', '--data', CIFAR, '--limit', '0'], /^idfz: Expected an integer 1\.\.1000000000 for --limit but received "0"$/m],
  ['--limit x', ['--dataset', 'cifar10', '--data', CIFAR, '--limit', 'x'], /Expected an integer 1\.\.1000000000 for --limit but received "x"/],
  ['an unknown baseline', ['--dataset', 'cifar10', '--data', CIFAR, '--baselines', 'png,bmp'], /^idfz: Expected a comma-separated list of png, webp, avif, jxl, jp2 \(or none\) for --baselines but received "bmp"/m],
  ['a repeated baseline', ['--dataset', 'cifar10', '--data', CIFAR, '--baselines', 'png,png'], /--baselines names png twice/],
  ['nothing to measure', ['--dataset', 'cifar10', '--data', CIFAR, '--baselines', 'none'], /^idfz: Nothing to measure: --baselines none and no --model/m],
  ['a report that is not .md', ['--dataset', 'cifar10', '--data', CIFAR, '--report', 'r.html'], /Expected a Markdown file name ending in \.md for --report but received "r\.html"/],
];

for (const [what, args, message] of INVALID) {
  test(`usage error: ${what} (exit 2, one message)`, async () => {
    const result = await runCli(['bench', ...args]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stdout.length, 0);
  });
}

test('missing data is a DataError (exit 1) with what to do', async () => {
  const result = await runCli(['bench', '--dataset', 'folder', '--data', path.join(root, 'nowhere'), '--baselines', 'png']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^idfz: .*nowhere: does not exist; point --data at a folder of images\n$/);
  const cifar = await runCli(['bench', '--dataset', 'cifar10', '--data', path.join(root, 'nowhere'), '--baselines', 'png']);
  assert.equal(cifar.code, 1);
  assert.match(cifar.stderr, /npm run data -- cifar10/);
});

test('--json to a folder that does not exist fails cleanly after the run', async () => {
  const result = await runCli(['bench', '--dataset', 'cifar10', '--data', CIFAR, '--limit', '1', '--baselines', 'png', '--json', path.join(root, 'no', 'r.json')]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /^idfz: .*r\.json/m);
});
