/**
 * `idfz decompress` end to end, in-process: default names and formats, -o, --format, -f, "-", --json, --threads and
 * --max-pixels (valid and invalid), and one clean line (exit 1, no output file) for corrupt and truncated files, a
 * model that is not installed, and the wrong model under the file's numeric id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { assertOneLine, CliWorkspaces, listing } from './cli-workspace.js';
import { compress } from '../../src/codec/index.js';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';
import { readImage } from '../../src/image/read-image.js';
import { loadModel, readModelFolder } from '../../src/zoo/index.js';
import { writeIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { fixturePath } from '../image/fixture-manifest.js';
import { TEXTURE_CODER, textureCheckerboard, writeTextureModel } from '../codec/texture-tile-coder.js';
import { tinyIntegerModel } from '../helpers/tiny-model.js';

const workspaces = new CliWorkspaces('idfz-decompress-cli-');
const root = workspaces.root;
let photo: Buffer;
test.before(async () => {
  const compressed = await runCli(['-q', 'compress', fixturePath('rgba-257x129.png'), '-o', path.join(root, 'photo.idf'), '--tile-size', '64', '--no-model']);
  assert.equal(compressed.code, 0);
  photo = readFileSync(path.join(root, 'photo.idf'));
});

/** A fresh working folder with photo.idf (and the original as original.png). */
function workspace(): string {
  const folder = workspaces.folder();
  writeFileSync(path.join(folder, 'photo.idf'), photo);
  copyFileSync(fixturePath('rgba-257x129.png'), path.join(folder, 'original.png'));
  return folder;
}

async function samePixels(a: string, b: string): Promise<void> {
  assert.deepEqual((await readImage(readFileSync(a))).data, (await readImage(readFileSync(b))).data);
}

test('default output: photo.idf -> photo.png beside it; --json; each --format writes its extension', async () => {
  const folder = workspace();
  const result = await runCli(['decompress', 'photo.idf', '--json', '--threads', '1'], { cwd: folder });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  const summary = JSON.parse(result.stdout.toString()) as Record<string, unknown>;
  assert.deepEqual({ ...summary, seconds: 0 }, {
    input: 'photo.idf', output: 'photo.png', bytes: readFileSync(path.join(folder, 'photo.png')).length,
    width: 257, height: 129, channels: 4, bitDepth: 8, model: null, metadata: [], seconds: 0,
  });
  await samePixels(path.join(folder, 'photo.png'), path.join(folder, 'original.png'));
  for (const [format, extension] of [['webp', '.webp'], ['tiff', '.tif'], ['pnm', '.pam']]) {
    const each = await runCli(['decompress', 'photo.idf', '--format', format!, '--threads', '1'], { cwd: folder });
    assert.deepEqual([each.code, each.stderr], [0, ''], format);
    await samePixels(path.join(folder, `photo${extension}`), path.join(folder, 'original.png'));
  }
  const bad = await runCli(['decompress', 'photo.idf', '--format', 'jpeg'], { cwd: folder });
  assert.equal(bad.code, 2);
  assertOneLine(bad, /argument 'jpeg' is invalid/);
});

test('-o: the extension picks the format; a lossy one or a conflict is a usage error; -f replaces', async () => {
  const folder = workspace();
  assert.equal((await runCli(['decompress', 'photo.idf', '-o', 'out.tiff', '--threads', '1'], { cwd: folder })).code, 0);
  await samePixels(path.join(folder, 'out.tiff'), path.join(folder, 'original.png'));
  const again = await runCli(['decompress', 'photo.idf', '-o', 'out.tiff', '--threads', '1'], { cwd: folder });
  assert.equal(again.code, 1);
  assertOneLine(again, /^idfz: out\.tiff: already exists; use -f \(--force\) to overwrite it$/);
  assert.equal((await runCli(['decompress', 'photo.idf', '-o', 'out.tiff', '-f', '--threads', '1'], { cwd: folder })).code, 0);
  const lossy = await runCli(['decompress', 'photo.idf', '-o', 'out.jpg'], { cwd: folder });
  assert.equal(lossy.code, 2);
  assertOneLine(lossy, /^idfz: -o out\.jpg: idfz writes only lossless formats/);
  const conflict = await runCli(['decompress', 'photo.idf', '-o', 'out.png', '--format', 'webp'], { cwd: folder });
  assert.equal(conflict.code, 2);
  assertOneLine(conflict, /names a png file but --format is webp/);
  assert.deepEqual(listing(folder), ['original.png', 'out.tiff', 'photo.idf']);
});

test('corrupt and truncated files: one line naming the file, exit 1, no output; the batch goes on', async () => {
  const folder = workspace();
  const flipped = Buffer.from(photo);
  flipped[photo.length - 100]! ^= 0x10;
  writeFileSync(path.join(folder, 'flipped.idf'), flipped);
  writeFileSync(path.join(folder, 'short.idf'), photo.subarray(0, 500));
  writeFileSync(path.join(folder, 'text.idf'), 'hello');
  const one = await runCli(['decompress', 'flipped.idf'], { cwd: folder });
  assert.equal(one.code, 1);
  assertOneLine(one, /^idfz: flipped\.idf: corrupt stream: tile \d+ CRC mismatch at byte \d+/);
  const batch = await runCli(['-q', 'decompress', 'short.idf', 'photo.idf', 'text.idf', 'nothing.idf', '--threads', '1'], { cwd: folder });
  assert.equal(batch.code, 1);
  const lines = batch.stderr.trimEnd().split('\n');
  assert.deepEqual(lines.map((line) => line.split(':')[1]!.trim()), ['short.idf', 'text.idf', 'nothing.idf']);
  assert.match(lines[0]!, /corrupt stream/);
  assert.deepEqual(listing(folder), ['flipped.idf', 'original.png', 'photo.idf', 'photo.png', 'short.idf', 'text.idf']);
});

test('a folder given to decompress or info: one line that asks for an .idf file, not an image', async () => {
  const folder = workspace();
  mkdirSync(path.join(folder, 'sub'));
  for (const command of ['decompress', 'info']) {
    const result = await runCli([command, 'sub'], { cwd: folder });
    assert.equal(result.code, 1, command);
    assertOneLine(result, /^idfz: sub: is a folder, expected an \.idf file$/);
  }
});

test('a file whose model is not installed names it; the wrong model under its numeric id is refused by name', async () => {
  const folder = workspace();
  const model = await loadModel(await readModelFolder(writeTextureModel(path.join(folder, 'models'), 'texture', 101, { channels: 3, sizeMultiple: 4, scaleIndex: 0 })));
  const pixels = createPixelBuffer({ width: 64, height: 32, channels: 3, bitDepth: 8, data: textureCheckerboard(64, 32, 3, 32) });
  const result = await compress(pixels, { model, learnedCoder: TEXTURE_CODER, tileSize: 32 });
  assert.equal(result.model?.id, 'texture');
  writeFileSync(path.join(folder, 'needs.idf'), result.bytes);
  const missing = await runCli(['decompress', 'needs.idf'], { cwd: folder });
  assert.equal(missing.code, 1);
  assertOneLine(missing, /^idfz: needs\.idf: needs the model with numeric id 101, sha256 [0-9a-f]{8}\.\.\., which is not installed; install it or pass --model with its folder$/);
  const tiny = writeIntegerIdf(await tinyIntegerModel(3));
  mkdirSync(path.join(folder, 'impostor'));
  writeFileSync(path.join(folder, 'impostor', 'model.idfm'), tiny);
  writeFileSync(path.join(folder, 'impostor', 'manifest.json'), JSON.stringify({ id: 'impostor', numericId: 101, file: 'model.idfm', sha256: sha256Hex(tiny), channels: 3 }));
  const wrong = await runCli(['decompress', 'needs.idf', '--model', './impostor'], { cwd: folder });
  assert.equal(wrong.code, 1);
  assertOneLine(wrong, /^idfz: needs\.idf: was compressed with the model with numeric id 101, sha256 [0-9a-f]{8}\.\.\., not with "impostor" \(numeric id 101, sha256 [0-9a-f]{8}\.\.\.\); install that model or pass --model$/);
  const badModel = await runCli(['decompress', 'needs.idf', '--model', 'not-a-model'], { cwd: folder });
  assert.equal(badModel.code, 1);
  assertOneLine(badModel, /^idfz: model "not-a-model" is not installed/);
  assert.ok(!listing(folder).includes('needs.png'));
});

test('"-": stdin to stdout; --json with stdout is a usage error; --threads and --max-pixels', async () => {
  const result = await runCli(['decompress', '-', '--format', 'pnm', '--threads', '2'], { stdin: photo });
  assert.deepEqual([result.code, result.stderr], [0, '']);
  assert.deepEqual((await readImage(result.stdout)).data, (await readImage(readFileSync(fixturePath('rgba-257x129.png')))).data);
  const json = await runCli(['decompress', '-', '--json'], { stdin: photo });
  assert.equal(json.code, 2);
  assertOneLine(json, /--json prints on stdout/);
  const threads = await runCli(['decompress', '-', '--threads', 'x'], { stdin: photo });
  assert.equal(threads.code, 2);
  assertOneLine(threads, /^idfz: Expected an integer 1\.\.256 for --threads but received "x"$/);
  const limit = await runCli(['decompress', '-', '--max-pixels', String(257 * 129 - 1)], { stdin: photo });
  assert.equal(limit.code, 1);
  assertOneLine(limit, /^idfz: stdin: image of 257 x 129 padded pixels exceeds the limit of 33152 pixels/);
  assert.equal((await runCli(['decompress', '-', '--max-pixels', String(257 * 129), '--threads', '1'], { stdin: photo })).code, 0);
});
