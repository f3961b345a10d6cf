/**
 * `idfz compress` end to end, in-process: every valid fixture compresses and decompresses (through the CLI) to
 * identical pixels; default names, -o, -f, "-", --json, --threads, --tile-size, --max-pixels and --model each have
 * a valid and an invalid case; bad inputs are one line each, the batch goes on, and nothing partial is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { assertOneLine, CliWorkspaces, listing } from './cli-workspace.js';
import { readImage } from '../../src/image/read-image.js';
import { readIdfHeader } from '../../src/container/index.js';
import { writeIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { MANIFEST, fixturePath, type ValidFixture } from '../image/fixture-manifest.js';
import { tinyIntegerModel } from '../helpers/tiny-model.js';
import { FIXTURES } from '../helpers/paths.js';
import { listModels } from '../../src/zoo/index.js';

const workspaces = new CliWorkspaces('idfz-compress-');
const workspace = (...fixtures: string[]): string => workspaces.folder(...fixtures);

/** Writes a tiny RGB integer model (id tiny, numeric id 77) into `folder`/tiny; returns its file's bytes. */
async function installTinyModel(folder: string): Promise<Uint8Array> {
  const bytes = writeIntegerIdf(await tinyIntegerModel(21));
  mkdirSync(path.join(folder, 'tiny'));
  writeFileSync(path.join(folder, 'tiny', 'model.idfm'), bytes);
  writeFileSync(path.join(folder, 'tiny', 'manifest.json'), JSON.stringify({ id: 'tiny', numericId: 77, file: 'model.idfm', sha256: sha256Hex(bytes), channels: 3 }));
  return bytes;
}

async function pixelsOf(file: string): Promise<{ shape: number[]; data: Uint8Array | Uint16Array }> {
  const image = await readImage(readFileSync(file));
  return { shape: [image.width, image.height, image.channels, image.bitDepth], data: image.data };
}

const VALID = MANIFEST.filter((entry): entry is ValidFixture => entry.valid).map((entry) => entry.file);

test('every valid fixture: compress, then decompress through the CLI, gives identical pixels', async () => {
  const folder = workspace();
  // Unique stems, since grey-33x17.png and grey-33x17.pgm would both become grey-33x17.idf.
  const inputs = VALID.map((file) => {
    const unique = `${file.replace('.', '-')}${path.extname(file)}`;
    copyFileSync(fixturePath(file), path.join(folder, unique));
    return unique;
  });
  mkdirSync(path.join(folder, 'idf'));
  mkdirSync(path.join(folder, 'back'));
  const compressed = await runCli(['-q', 'compress', ...inputs, '-o', 'idf', '--threads', '1'], { cwd: folder });
  assert.deepEqual([compressed.code, compressed.stderr], [0, '']);
  const idfs = inputs.map((file) => path.join('idf', `${path.parse(file).name}.idf`));
  const decompressed = await runCli(['decompress', ...idfs, '-o', 'back', '--format', 'tiff', '--threads', '1'], { cwd: folder });
  assert.deepEqual([decompressed.code, decompressed.stderr], [0, '']);
  for (const file of inputs) {
    const original = await pixelsOf(path.join(folder, file));
    assert.deepEqual(await pixelsOf(path.join(folder, 'back', `${path.parse(file).name}.tif`)), original, file);
  }
});

test('default output beside the input; --json has the issue\'s fields; bitsPerDim is the file\'s', async () => {
  const folder = workspace();
  mkdirSync(path.join(folder, 'in'));
  copyFileSync(fixturePath('rgb-257x129.png'), path.join(folder, 'in', 'photo.png'));
  const result = await runCli(['-q', 'compress', 'in/photo.png', '--json', '--tile-size', '64', '--no-model'], { cwd: folder });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  const summary = JSON.parse(result.stdout.toString()) as Record<string, unknown>;
  const bytes = readFileSync(path.join(folder, 'in', 'photo.idf'));
  assert.deepEqual(
    { ...summary, seconds: 0 },
    { input: 'in/photo.png', output: path.join('in', 'photo.idf'), bytes: bytes.length, bitsPerDim: (bytes.length * 8) / (257 * 129 * 3), width: 257, height: 129, channels: 3, bitDepth: 8, model: null, tiles: 15, learnedTiles: 0, metadata: [], seconds: 0 },
  );
  assert.ok(typeof summary.seconds === 'number' && summary.seconds > 0);
  assert.equal(readIdfHeader(bytes).tileWidth, 64);
});

test('--threads 1 and 2 write identical files; bad --threads and --tile-size values are usage errors', async () => {
  const folder = workspace('rgba-257x129.png');
  for (const threads of ['1', '2']) {
    const result = await runCli(['-q', 'compress', 'rgba-257x129.png', '-o', `t${threads}.idf`, '--threads', threads, '--tile-size', '64'], { cwd: folder });
    assert.deepEqual([result.code, result.stderr], [0, '']);
  }
  assert.deepEqual(readFileSync(path.join(folder, 't1.idf')), readFileSync(path.join(folder, 't2.idf')));
  const before = listing(folder);
  for (const [option, value] of [['--threads', '0'], ['--threads', 'abc'], ['--threads', '257'], ['--tile-size', '0'], ['--tile-size', '5000']]) {
    const bad = await runCli(['compress', 'rgba-257x129.png', option!, value!], { cwd: folder });
    assert.equal(bad.code, 2, `${option} ${value}`);
    assertOneLine(bad, new RegExp(`^idfz: Expected an integer 1\\.\\.\\d+ for ${option} but received "${value}"$`));
  }
  assert.deepEqual(listing(folder), before);
});

test('-f: an existing output is refused and kept, then replaced with -f', async () => {
  const folder = workspace('rgb-33x17.png');
  writeFileSync(path.join(folder, 'rgb-33x17.idf'), 'keep me');
  const refused = await runCli(['-q', 'compress', 'rgb-33x17.png'], { cwd: folder });
  assert.equal(refused.code, 1);
  assertOneLine(refused, /^idfz: rgb-33x17\.idf: already exists; use -f \(--force\) to overwrite it$/);
  assert.equal(readFileSync(path.join(folder, 'rgb-33x17.idf'), 'utf8'), 'keep me');
  assert.deepEqual(listing(folder), ['rgb-33x17.idf', 'rgb-33x17.png']);
  const forced = await runCli(['-q', 'compress', 'rgb-33x17.png', '-f'], { cwd: folder });
  assert.deepEqual([forced.code, forced.stderr], [0, '']);
  assert.doesNotThrow(() => readIdfHeader(readFileSync(path.join(folder, 'rgb-33x17.idf'))));
});

test('a batch goes on past bad inputs, one line each, exit 1, and leaves no partial output', async () => {
  const folder = workspace('rgb-33x17.png', 'not-an-image.txt', 'truncated-257x129.png', 'grey-33x17.pgm');
  const result = await runCli(['-q', 'compress', 'rgb-33x17.png', 'not-an-image.txt', 'missing.png', 'truncated-257x129.png', 'grey-33x17.pgm'], { cwd: folder });
  assert.equal(result.code, 1);
  assert.deepEqual(result.stderr.trimEnd().split('\n').map((line) => line.split(':')[1]!.trim()), ['not-an-image.txt', 'missing.png', 'truncated-257x129.png']);
  assert.deepEqual(listing(folder), ['grey-33x17.idf', 'grey-33x17.pgm', 'not-an-image.txt', 'rgb-33x17.idf', 'rgb-33x17.png', 'truncated-257x129.png']);
});

test('an .idf file given to compress: one line that says to decompress it, exit 1, no output', async () => {
  const folder = workspace();
  copyFileSync(path.join(FIXTURES, 'golden', 'none-0-rgb-40x24.idf'), path.join(folder, 'photo.idf'));
  const result = await runCli(['compress', 'photo.idf', '-o', 'again.idf'], { cwd: folder });
  assert.equal(result.code, 1);
  assertOneLine(result, /^idfz: photo\.idf: is an \.idf file already \(format version 1, 40 x 24\); decompress it with idfz decompress$/);
  assert.deepEqual(listing(folder), ['photo.idf']);
});

test('"-": stdin to stdout; --json with stdout output is a usage error; "-" twice is a usage error', async () => {
  const png = readFileSync(fixturePath('grey-alpha-33x17.png'));
  const result = await runCli(['-q', 'compress', '-'], { stdin: png });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  const back = await runCli(['decompress', '-'], { stdin: result.stdout });
  assert.equal(back.code, 0);
  assert.deepEqual((await readImage(back.stdout)).data, (await readImage(png)).data);
  const json = await runCli(['compress', '-', '--json'], { stdin: png });
  assert.equal(json.code, 2);
  assertOneLine(json, /--json prints on stdout, which the compressed file already uses/);
  const twice = await runCli(['compress', '-', '-']);
  assert.equal(twice.code, 2);
  assertOneLine(twice, /can be given only once/);
});

test('--max-pixels: at the image size it compresses (padding may exceed it), below it refuses', async () => {
  const folder = workspace('rgb-33x17.png');
  await installTinyModel(folder);
  assert.equal((await runCli(['-q', 'compress', 'rgb-33x17.png', '--max-pixels', '561', '--model', './tiny'], { cwd: folder })).code, 0);
  assert.equal(readIdfHeader(readFileSync(path.join(folder, 'rgb-33x17.idf'))).paddedWidth, 36);
  const over = await runCli(['-q', 'compress', 'rgb-33x17.png', '--max-pixels', '560', '-f'], { cwd: folder });
  assert.equal(over.code, 1);
  assertOneLine(over, /^idfz: rgb-33x17\.png: 33x17 image has 561 pixels, above the limit of 560/);
});

test('--model: a model folder is used (padding to its multiple); an unknown id or a damaged model is one line, exit 1', async () => {
  const folder = workspace('rgb-33x17.png');
  const bytes = await installTinyModel(folder);
  const result = await runCli(['compress', 'rgb-33x17.png', '--model', './tiny', '--json', '--tile-size', '16'], { cwd: folder });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  const header = readIdfHeader(readFileSync(path.join(folder, 'rgb-33x17.idf')));
  assert.deepEqual([header.paddedWidth, header.paddedHeight, header.tileWidth], [36, 20, 16]);
  const back = await runCli(['decompress', 'rgb-33x17.idf', '--format', 'pnm'], { cwd: folder });
  assert.deepEqual([back.code, back.stderr], [0, '']);
  assert.deepEqual((await pixelsOf(path.join(folder, 'rgb-33x17.ppm'))).data, (await pixelsOf(path.join(folder, 'rgb-33x17.png'))).data);
  const before = listing(folder);
  const unknown = await runCli(['compress', 'rgb-33x17.png', '--model', 'no-such-model', '-f'], { cwd: folder });
  assert.equal(unknown.code, 1);
  assertOneLine(unknown, /^idfz: model "no-such-model" is not installed \(installed: [^)]*\); give an id from `idfz models` or the path of a model folder$/);
  writeFileSync(path.join(folder, 'tiny', 'model.idfm'), bytes.subarray(0, 100));
  const damaged = await runCli(['compress', 'rgb-33x17.png', '--model', './tiny', '-f'], { cwd: folder });
  assert.equal(damaged.code, 1);
  assertOneLine(damaged, /tiny\/model\.idfm: sha256 [0-9a-f]{16}\.\.\. does not match the manifest's/);
  assert.deepEqual(listing(folder), before);
});

test('the installed cifar10 model codes some tiles of a real photo; decompress finds it by numeric id', async (t) => {
  if (!(await listModels()).models.some((model) => model.id === 'cifar10')) {
    t.skip('cifar10 is not installed');
    return;
  }
  const folder = workspace();
  // The cifar10 golden's 40 x 24 crop of a real photo in 16 x 16 tiles: cifar10 (id 4) codes two of its six tiles
  // smaller, the fallback coder (mode 5) the others; on larger tiles of photos mode 5 wins them all.
  const golden = path.join(FIXTURES, 'golden', 'v2-cifar10-4-rgb-40x24.idf');
  assert.equal((await runCli(['decompress', golden, '-o', path.join(folder, 'crop.png'), '-q'])).code, 0);
  const crop = (await pixelsOf(path.join(folder, 'crop.png'))).data;
  const files: Buffer[] = [];
  for (const threads of ['1', '2']) {
    const result = await runCli(['compress', 'crop.png', '-o', `t${threads}.idf`, '--model', 'cifar10', '--tile-size', '16', '--threads', threads, '--json'], { cwd: folder });
    assert.deepEqual([result.code, result.stderr], [0, '']);
    const summary = JSON.parse(result.stdout.toString()) as { model: string; learnedTiles: number; tiles: number };
    assert.equal(summary.model, 'cifar10');
    assert.ok(summary.learnedTiles > 0 && summary.learnedTiles < summary.tiles, `${summary.learnedTiles} of ${summary.tiles} tiles learned`);
    files.push(readFileSync(path.join(folder, `t${threads}.idf`)));
  }
  assert.deepEqual(files[1], files[0]);
  const back = await runCli(['decompress', 't1.idf', '--format', 'pnm', '--json'], { cwd: folder });
  assert.deepEqual([back.code, back.stderr], [0, '']);
  assert.equal((JSON.parse(back.stdout.toString()) as { model: string }).model, 'cifar10');
  assert.deepEqual((await pixelsOf(path.join(folder, 't1.ppm'))).data, crop);
  assert.match((await runCli(['info', 't1.idf'], { cwd: folder })).stdout.toString(), /\n {2}model: cifar10 \(numeric id 4, sha256 [0-9a-f]{8}\.\.\.\)\n/);
});

test('--no-model: every tile through the fallback coder; the file names no model', async () => {
  const folder = workspace('rgb-257x129.png');
  const result = await runCli(['-q', 'compress', 'rgb-257x129.png', '--no-model', '--json', '--threads', '1'], { cwd: folder });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  assert.deepEqual(JSON.parse(result.stdout.toString()).model, null);
  const header = readIdfHeader(readFileSync(path.join(folder, 'rgb-257x129.idf')));
  assert.deepEqual([header.modelId, header.paddedWidth, header.paddedHeight], [0, 257, 129]);
});

test('compress --help documents the options and the exit status', async () => {
  const result = await runCli(['compress', '--help']);
  assert.equal(result.code, 0);
  for (const option of ['-o, --output <path>', '--model <id|path>', '--no-model', '--threads <n>', '--tile-size <n>', '--max-pixels <n>', '--strip-metadata', '-f, --force', '--json', 'Exit status']) {
    assert.ok(result.stdout.toString().includes(option), option);
  }
  // It names the default model (the README's and `idfz models`'), not just "the installed default model".
  assert.match(result.stdout.toString(), /\(default:\s+natural\s+for\s+RGB\s+images,\s+natural-grey\s+for\s+grey\s+ones,\s+where\s+installed;\s+else\s+the\s+fallback\s+coder\)/);
});
