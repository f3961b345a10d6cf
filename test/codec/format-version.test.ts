/**
 * Format versions in the codec: compress writes version 2, whose learned tiles code mixtures with component slots;
 * the bytes it writes for the golden images of each installed RGB model are pinned here (version 2's codec-level
 * golden: a change means earlier version 2 files no longer decode; fixtures/golden/ keeps version 1's files), and
 * they decode exactly; the version byte selects the mixture definition, so a version 1 golden relabelled as
 * version 2 fails with a clean error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CorruptStreamError } from '../../src/core/errors.js';
import { crc32 } from '../../src/core/crc32.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { compress, decompress } from '../../src/codec/index.js';
import { IDF_FORMAT_VERSION, readIdfHeader } from '../../src/container/index.js';
import { pixelBytes } from '../../src/image/pixel-buffer.js';
import { findModelByNumericId, loadModel, type LoadedModel } from '../../src/zoo/index.js';
import { FIXTURES } from '../helpers/paths.js';
import type { GoldenEntry } from '../../scripts/golden-entry.js';

const GOLDEN = path.join(FIXTURES, 'golden');
const entries = JSON.parse(readFileSync(path.join(GOLDEN, 'golden.json'), 'utf8')) as GoldenEntry[];

/** sha256 of the version 2 file compress writes for each model's RGB golden image (16 x 16 tiles). */
const V2_SHA256: Record<string, string> = {
  'cifar10-1-rgb-40x24.idf':
    'd8331c7f89f07b0fde35ccdfcc172892f47ca5e06dbe53b9355ca16b86450e33',
  'natural-2-rgb-40x24.idf':
    'e0aa60db3088187b8b07b7e2ba03a02fd9acb9f054201a720582f1313b8b0af1',
  'cifar10-4-rgb-40x24.idf':
    '3418eeb3fa95f98b047dc1eedd626b4e0d7a34a2325df7d9eae2021a5a2ee012',
  'natural-3-rgb-40x24.idf':
    '67f340dbb81a2a72dff71b885760347ed3a4335f53232b688887f89454da6a3c',
};

async function modelOf(entry: GoldenEntry): Promise<LoadedModel> {
  const record = await findModelByNumericId(entry.modelNumericId);
  assert.ok(record, `model ${entry.modelNumericId}`);
  return loadModel(record);
}

test('new files are format version 2', () => {
  assert.equal(IDF_FORMAT_VERSION, 2);
});

test('version 2 files of each model\'s golden image have pinned bytes and decode exactly', async () => {
  const rgb = entries.filter((e) => e.channels === 3 && e.bitDepth === 8 && e.learnedTiles > 0);
  assert.deepEqual(rgb.map((e) => e.file).sort(), Object.keys(V2_SHA256).sort());
  for (const entry of rgb) {
    const model = await modelOf(entry);
    const v1 = readFileSync(path.join(GOLDEN, entry.file));
    const pixels = await decompress(v1, { resolveModel: async () => model, source: entry.file });
    const result = await compress(pixels, { model, tileSize: 16, threads: 1 });
    assert.equal(result.bytes[4], 2, `${entry.file}: version byte`);
    assert.equal(readIdfHeader(result.bytes).version, 2);
    assert.ok(result.learnedTiles > 0, entry.file);
    assert.equal(sha256Hex(result.bytes), V2_SHA256[entry.file], `${entry.file}: version 2 bytes`);
    const back = await decompress(result.bytes, { resolveModel: async () => model, source: entry.file });
    assert.equal(sha256Hex(pixelBytes(back)), entry.pixelsSha256, entry.file);
  }
});

test('a version 1 golden relabelled as version 2 (header CRC resealed) fails with a corrupt-stream error', async () => {
  const entry = entries.find((e) => e.channels === 3 && e.learnedTiles > 0)!;
  const bytes = new Uint8Array(readFileSync(path.join(GOLDEN, entry.file)));
  const headerBytes = readIdfHeader(bytes).headerBytes;
  bytes[4] = 2;
  new DataView(bytes.buffer).setUint32(headerBytes - 4, crc32(bytes.subarray(0, headerBytes - 4)), true);
  assert.equal(readIdfHeader(bytes).version, 2);
  const model = await modelOf(entry);
  await assert.rejects(decompress(bytes, { resolveModel: async () => model, source: entry.file }), CorruptStreamError);
});
