/**
 * `idfz convert` end to end, in-process: every bad input gives one line on stderr, exit 1, no stack trace and no
 * output file; every option has a valid and an invalid case; batches, stdin/stdout and default names work.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { assertOneLine, CliWorkspaces, listing } from './cli-workspace.js';
import { readImage } from '../../src/image/read-image.js';
import { writePnm } from '../../src/image/pnm.js';
import { fixturePath } from '../image/fixture-manifest.js';

const workspaces = new CliWorkspaces('idfz-convert-');
/** A fresh working folder holding copies of `fixtures`. */
const workspace = (...fixtures: string[]): string => workspaces.folder(...fixtures);

async function samePixels(a: string, b: string): Promise<void> {
  const [left, right] = [await readImage(readFileSync(a)), await readImage(readFileSync(b))];
  assert.deepEqual([left.width, left.height, left.channels, left.bitDepth], [right.width, right.height, right.channels, right.bitDepth]);
  assert.deepEqual(left.data, right.data);
}

const BAD_INPUTS: [string, string | null, RegExp][] = [
  ['a missing file', null, /^idfz: nothing\.png: no such file; check the path$/],
  ['a folder', null, /^idfz: subfolder: is a folder, expected an image file$/],
  ['a truncated PNG', 'truncated-257x129.png', /^idfz: truncated-257x129\.png: damaged or truncated PNG image/],
  ['a text file', 'not-an-image.txt', /^idfz: not-an-image\.txt: not an image idfz can read/],
  ['an unsupported format (BMP)', 'unsupported.bmp', /^idfz: unsupported\.bmp: not an image idfz can read/],
  ['an unsupported format (SVG)', 'vector.svg', /^idfz: vector\.svg: unsupported format: svg/],
  ['an empty file', 'empty.png', /^idfz: empty\.png: the file is empty/],
  ['a garbled JPEG', 'garbled-33x17.jpg', /^idfz: garbled-33x17\.jpg: damaged or truncated JPEG image/],
  ['a CMYK JPEG', 'cmyk-33x17.jpg', /^idfz: cmyk-33x17\.jpg: unsupported colour space cmyk/],
  ['absurd dimensions', 'huge-1000000x1000000.png', /^idfz: huge-1000000x1000000\.png: 1000000x1000000 image has 1000000000000 pixels, above the limit/],
];

for (const [what, file, message] of BAD_INPUTS) {
  test(`bad input, ${what}: one line on stderr, exit 1, no output file`, async () => {
    const folder = workspace(...(file ? [file] : []));
    mkdirSync(path.join(folder, 'subfolder'));
    const input = file ?? (what === 'a folder' ? 'subfolder' : 'nothing.png');
    const before = listing(folder);
    for (const extra of [[], ['--format', 'pnm'], ['-o', 'out.tif']]) {
      const result = await runCli(['convert', input, ...extra], { cwd: folder });
      assert.equal(result.code, 1);
      assertOneLine(result, message);
      assert.equal(result.stdout.length, 0);
      assert.deepEqual(listing(folder), before);
    }
  });
}

test('default output: the input name with the new extension, beside the input', async () => {
  const folder = workspace();
  mkdirSync(path.join(folder, 'in'));
  copyFileSync(fixturePath('grey-33x17.pgm'), path.join(folder, 'in', 'grey-33x17.pgm'));
  const result = await runCli(['convert', 'in/grey-33x17.pgm'], { cwd: folder });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  await samePixels(path.join(folder, 'in', 'grey-33x17.png'), fixturePath('grey-33x17.pgm'));
});

test('--format: each format writes its extension with exact pixels; an unknown format is a usage error', async () => {
  const folder = workspace('rgba-33x17.png', 'grey16-33x17.png');
  for (const [format, extension] of [['png', '.png'], ['webp', '.webp'], ['tiff', '.tif'], ['pnm', '.pam']]) {
    const result = await runCli(['convert', 'rgba-33x17.png', '--format', format!, '-f'], { cwd: folder });
    assert.deepEqual([result.code, result.stderr], [0, ''], format);
    await samePixels(path.join(folder, `rgba-33x17${extension}`), fixturePath('rgba-33x17.png'));
  }
  const pnm = await runCli(['convert', 'grey16-33x17.png', '--format', 'pnm'], { cwd: folder });
  assert.equal(pnm.code, 0);
  await samePixels(path.join(folder, 'grey16-33x17.pgm'), fixturePath('grey16-33x17.png'));
  const before = listing(folder);
  const bad = await runCli(['convert', 'rgba-33x17.png', '--format', 'jpeg'], { cwd: folder });
  assert.equal(bad.code, 2);
  assertOneLine(bad, /--format <format>' argument 'jpeg' is invalid. Allowed choices are png, webp, tiff, pnm/);
  assert.deepEqual(listing(folder), before);
});

test('--format webp refuses 16-bit samples: one line, exit 1, no file', async () => {
  const folder = workspace('rgb16-33x17.png');
  const result = await runCli(['convert', 'rgb16-33x17.png', '--format', 'webp'], { cwd: folder });
  assert.equal(result.code, 1);
  assertOneLine(result, /WebP holds only 8-bit samples/);
  assert.deepEqual(listing(folder), ['rgb16-33x17.png']);
});

test('-o: a file name picks the format from its extension; a lossy or conflicting one is a usage error', async () => {
  const folder = workspace('rgb-33x17.png');
  const result = await runCli(['convert', 'rgb-33x17.png', '-o', 'copy.TIFF'], { cwd: folder });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  assert.deepEqual([...readFileSync(path.join(folder, 'copy.TIFF')).subarray(0, 2)], [0x49, 0x49]);
  await samePixels(path.join(folder, 'copy.TIFF'), fixturePath('rgb-33x17.png'));
  const unknown = await runCli(['convert', 'rgb-33x17.png', '-o', 'copy.bin'], { cwd: folder });
  assert.equal(unknown.code, 0);
  assert.deepEqual([...readFileSync(path.join(folder, 'copy.bin')).subarray(1, 4)], [0x50, 0x4e, 0x47], 'png by default');
  const before = listing(folder);
  const lossy = await runCli(['convert', 'rgb-33x17.png', '-o', 'copy.jpg'], { cwd: folder });
  assert.equal(lossy.code, 2);
  assertOneLine(lossy, /^idfz: -o copy\.jpg: idfz writes only lossless formats \(png, webp, tiff, pnm\)/);
  const conflict = await runCli(['convert', 'rgb-33x17.png', '-o', 'copy.png', '--format', 'webp'], { cwd: folder });
  assert.equal(conflict.code, 2);
  assertOneLine(conflict, /^idfz: -o copy\.png names a png file but --format is webp/);
  const missingFolder = await runCli(['convert', 'rgb-33x17.png', '-o', 'no/such/out.png'], { cwd: folder });
  assert.equal(missingFolder.code, 1);
  assertOneLine(missingFolder, /^idfz: no\/such\/out\.png: cannot write: folder .* does not exist$/);
  assert.deepEqual(listing(folder), before);
});

test('-o with several inputs must be an existing folder', async () => {
  const folder = workspace('rgb-33x17.png', 'grey-33x17.png');
  mkdirSync(path.join(folder, 'out'));
  const result = await runCli(['convert', 'rgb-33x17.png', 'grey-33x17.png', '-o', 'out', '--format', 'pnm'], { cwd: folder });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  assert.deepEqual(readdirSync(path.join(folder, 'out')).sort(), ['grey-33x17.pgm', 'rgb-33x17.ppm']);
  const before = listing(folder);
  const bad = await runCli(['convert', 'rgb-33x17.png', 'grey-33x17.png', '-o', 'one.png'], { cwd: folder });
  assert.equal(bad.code, 2);
  assertOneLine(bad, /^idfz: -o one\.png: with 2 inputs, -o must be an existing folder$/);
  assert.deepEqual(listing(folder), before);
});

test('-f: without it an existing output is refused and kept; with it the output is replaced', async () => {
  const folder = workspace('rgb-33x17.png');
  writeFileSync(path.join(folder, 'rgb-33x17.webp'), 'keep me');
  const refused = await runCli(['convert', 'rgb-33x17.png', '--format', 'webp'], { cwd: folder });
  assert.equal(refused.code, 1);
  assertOneLine(refused, /^idfz: rgb-33x17\.webp: already exists; use -f \(--force\) to overwrite it$/);
  assert.equal(readFileSync(path.join(folder, 'rgb-33x17.webp'), 'utf8'), 'keep me');
  assert.deepEqual(listing(folder), ['rgb-33x17.png', 'rgb-33x17.webp']);
  const forced = await runCli(['convert', 'rgb-33x17.png', '--format', 'webp', '--force'], { cwd: folder });
  assert.deepEqual([forced.code, forced.stderr], [0, '']);
  await samePixels(path.join(folder, 'rgb-33x17.webp'), fixturePath('rgb-33x17.png'));
});

test('--max-pixels: at the image size it converts, below it refuses; a non-integer is a usage error', async () => {
  const folder = workspace('rgb-33x17.png');
  const ok = await runCli(['convert', 'rgb-33x17.png', '--max-pixels', '561', '--format', 'pnm'], { cwd: folder });
  assert.deepEqual([ok.code, ok.stderr], [0, '']);
  const over = await runCli(['convert', 'rgb-33x17.png', '--max-pixels', '560', '--format', 'tiff'], { cwd: folder });
  assert.equal(over.code, 1);
  assertOneLine(over, /^idfz: rgb-33x17\.png: 33x17 image has 561 pixels, above the limit of 560/);
  for (const value of ['abc', '0', '-3', '1.5', '']) {
    const bad = await runCli(['convert', 'rgb-33x17.png', '--max-pixels', value], { cwd: folder });
    assert.equal(bad.code, 2, value);
    assertOneLine(bad, new RegExp(`^idfz: Expected an integer 1\\.\\.\\d+ for --max-pixels but received "${value.replace('.', '\\.')}"$`));
  }
  assert.deepEqual(listing(folder), ['rgb-33x17.png', 'rgb-33x17.ppm']);
});

test('a batch goes on past bad files and exits 1 at the end, one line per bad file', async () => {
  const folder = workspace('rgb-33x17.png', 'not-an-image.txt', 'grey-33x17.pgm');
  const result = await runCli(['-q', 'convert', 'rgb-33x17.png', 'not-an-image.txt', 'missing.png', 'grey-33x17.pgm', '--format', 'tiff'], { cwd: folder });
  assert.equal(result.code, 1);
  assert.deepEqual(result.stderr.trimEnd().split('\n').map((line) => line.split(':')[1]!.trim()), ['not-an-image.txt', 'missing.png']);
  assert.ok(existsSync(path.join(folder, 'rgb-33x17.tif')));
  assert.ok(existsSync(path.join(folder, 'grey-33x17.tif')));
});

test('"-": stdin to stdout, PNG in and PNM out', async () => {
  const png = readFileSync(fixturePath('rgba-33x17.png'));
  const result = await runCli(['convert', '-', '--format', 'pnm'], { stdin: png });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  assert.deepEqual(new Uint8Array(result.stdout), writePnm(await readImage(png)));
  const named = await runCli(['convert', '-', '-o', '-'], { stdin: result.stdout });
  assert.equal(named.code, 0);
  assert.deepEqual((await readImage(named.stdout)).data, (await readImage(png)).data);
});

test('"-" errors are named stdin; "-" twice or -o - with several inputs are usage errors', async () => {
  const bad = await runCli(['convert', '-'], { stdin: Buffer.from('hello') });
  assert.equal(bad.code, 1);
  assertOneLine(bad, /^idfz: stdin: not an image idfz can read/);
  assert.equal(bad.stdout.length, 0);
  const twice = await runCli(['convert', '-', '-']);
  assert.equal(twice.code, 2);
  assertOneLine(twice, /can be given only once/);
  const folder = workspace('rgb-33x17.png');
  const several = await runCli(['convert', 'rgb-33x17.png', 'rgb-33x17.png', '-o', '-'], { cwd: folder });
  assert.equal(several.code, 2);
  assertOneLine(several, /-o - writes one file to stdout, but 2 inputs were given/);
});

test('convert --help documents the options and the exit status', async () => {
  const result = await runCli(['convert', '--help']);
  assert.equal(result.code, 0);
  for (const option of ['-o, --output <path>', '--format <format>', '-f, --force', '--max-pixels <n>', 'Exit status']) {
    assert.ok(result.stdout.toString().includes(option), option);
  }
});
