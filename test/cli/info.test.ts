/**
 * `idfz info`: the header of a `.idf` file as text and as JSON (geometry, tiles, model, size), for a file that needs
 * no model and one whose model is not installed; a damaged file is one line and exit 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { compress } from '../../src/codec/index.js';
import { readIdfHeader } from '../../src/container/index.js';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';
import { loadModel, readModelFolder } from '../../src/zoo/index.js';
import { fixturePath } from '../image/fixture-manifest.js';
import { TEXTURE_CODER, textureCheckerboard, writeTextureModel } from '../codec/texture-tile-coder.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-info-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('info: text and JSON for a file coded without a model', async () => {
  assert.equal((await runCli(['-q', 'compress', fixturePath('rgba-257x129.png'), '-o', path.join(root, 'a.idf'), '--tile-size', '64', '--threads', '1', '--no-model'])).code, 0);
  const bytes = readFileSync(path.join(root, 'a.idf'));
  const header = readIdfHeader(bytes);
  const text = await runCli(['info', 'a.idf'], { cwd: root });
  assert.deepEqual([text.code, text.stderr], [0, '']);
  assert.equal(text.stdout.toString(), [
    'a.idf: .idf format version 2',
    '  image: 257 x 129, RGBA, 8-bit',
    '  padded: 257 x 129',
    '  tiles: 15 of 64 x 64 (0 learned, 15 fallback)',
    '  model: none (every tile is coded with the fallback coder)',
    `  pixel checksum: 0x${header.pixelChecksum.toString(16).padStart(8, '0')}`,
    '  metadata: none',
    `  size: ${bytes.length} bytes (header ${header.headerBytes}), ${((bytes.length * 8) / (257 * 129 * 4)).toFixed(4)} bits per sub-pixel`,
    '',
  ].join('\n'));
  const json = await runCli(['info', 'a.idf', '--json'], { cwd: root });
  assert.deepEqual(JSON.parse(json.stdout.toString()), {
    file: 'a.idf', bytes: bytes.length, formatVersion: 2, width: 257, height: 129, channels: 4, bitDepth: 8,
    paddedWidth: 257, paddedHeight: 129, tileWidth: 64, tileHeight: 64, tiles: 15, learnedTiles: 0, fallbackTiles: 15,
    model: null, pixelChecksum: `0x${header.pixelChecksum.toString(16).padStart(8, '0')}`, headerBytes: header.headerBytes,
    metadata: [], bitsPerDim: (bytes.length * 8) / (257 * 129 * 4), missingBytes: 0, completeTiles: 15,
  });
});

test('info: a file cut short inside its payloads shows its header and what is missing, then fails', async () => {
  const bytes = readFileSync(path.join(root, 'a.idf'));
  const header = readIdfHeader(bytes);
  const cut = header.tiles[3]!.offset + 1;
  writeFileSync(path.join(root, 'cut.idf'), bytes.subarray(0, cut));
  const text = await runCli(['info', 'cut.idf'], { cwd: root });
  assert.equal(text.code, 1);
  assert.match(text.stdout.toString(), /^cut\.idf: \.idf format version 2\n {2}image: 257 x 129, RGBA, 8-bit\n/);
  assert.match(text.stdout.toString(), new RegExp(`\n  truncated: ${bytes.length - cut} bytes missing, 3 of 15 tiles complete\n$`));
  assert.equal(text.stderr, `idfz: cut.idf: truncated: ${bytes.length - cut} of its ${bytes.length} bytes are missing, ` +
    'so it cannot be decompressed; copy it again from its source\n');
  const json = JSON.parse((await runCli(['info', 'cut.idf', '--json'], { cwd: root })).stdout.toString()) as Record<string, unknown>;
  assert.deepEqual([json.bytes, json.missingBytes, json.completeTiles], [cut, bytes.length - cut, 3]);
  writeFileSync(path.join(root, 'header-cut.idf'), bytes.subarray(0, header.headerBytes - 1));
  const headerCut = await runCli(['info', 'header-cut.idf'], { cwd: root });
  assert.deepEqual([headerCut.code, headerCut.stdout.toString()], [1, '']);
});

test('info: a file that needs a model that is not installed; a damaged file is one line, exit 1', async () => {
  const model = await loadModel(await readModelFolder(writeTextureModel(path.join(root, 'models'), 'texture', 4242, { channels: 3, sizeMultiple: 4, scaleIndex: 0 })));
  const pixels = createPixelBuffer({ width: 64, height: 32, channels: 3, bitDepth: 8, data: textureCheckerboard(64, 32, 3, 32) });
  writeFileSync(path.join(root, 'b.idf'), (await compress(pixels, { model, learnedCoder: TEXTURE_CODER, tileSize: 32 })).bytes);
  const json = JSON.parse((await runCli(['info', 'b.idf', '--json'], { cwd: root })).stdout.toString()) as Record<string, unknown>;
  assert.deepEqual([json.learnedTiles, json.fallbackTiles], [1, 1]);
  assert.deepEqual(json.model, { numericId: 4242, sha256Prefix: Buffer.from(model.sha256.subarray(0, 4)).toString('hex'), id: null });
  const text = (await runCli(['info', 'b.idf'], { cwd: root })).stdout.toString();
  assert.match(text, /\n {2}model: not installed \(numeric id 4242, sha256 [0-9a-f]{8}\.\.\.\)\n/);
  writeFileSync(path.join(root, 'c.idf'), 'not an idf file at all');
  const bad = await runCli(['info', 'c.idf', 'b.idf'], { cwd: root });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^idfz: c\.idf: .*\n$/);
  assert.match(bad.stdout.toString(), /^b\.idf: \.idf format version 2\n/);
});
