/**
 * Format versions in the codec: compress writes version 2, whose learned tiles code mixtures with component slots,
 * and its files decode exactly (fixtures/golden/ keeps files of both versions, decoded by golden.test.ts); the version
 * byte selects the mixture definition, so a version 1 golden relabelled as version 2 fails with a clean error.
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

async function modelOf(entry: GoldenEntry): Promise<LoadedModel> {
  const record = await findModelByNumericId(entry.modelNumericId);
  assert.ok(record, `model ${entry.modelNumericId}`);
  return loadModel(record);
}

test('new files are format version 2', () => {
  assert.equal(IDF_FORMAT_VERSION, 2);
});

test('compress writes version 2 files of each model\'s version 1 golden image that decode exactly', async () => {
  const rgb = entries.filter((e) => e.formatVersion === 1 && e.channels === 3 && e.bitDepth === 8 && e.learnedTiles > 0);
  assert.ok(rgb.length >= 2);
  for (const entry of rgb) {
    const model = await modelOf(entry);
    const pixels = await decompress(readFileSync(path.join(GOLDEN, entry.file)), { resolveModel: async () => model, source: entry.file });
    const result = await compress(pixels, { model, tileSize: 16, threads: 1 });
    assert.equal(result.bytes[4], 2, `${entry.file}: version byte`);
    assert.equal(readIdfHeader(result.bytes).version, 2);
    const back = await decompress(result.bytes, { resolveModel: async () => model, source: entry.file });
    assert.equal(sha256Hex(pixelBytes(back)), entry.pixelsSha256, entry.file);
  }
});

test('a version 1 golden relabelled as version 2 (header CRC resealed) fails with a corrupt-stream error', async () => {
  const entry = entries.find((e) => e.formatVersion === 1 && e.channels === 3 && e.learnedTiles > 0)!;
  const bytes = new Uint8Array(readFileSync(path.join(GOLDEN, entry.file)));
  const headerBytes = readIdfHeader(bytes).headerBytes;
  bytes[4] = 2;
  new DataView(bytes.buffer).setUint32(headerBytes - 4, crc32(bytes.subarray(0, headerBytes - 4)), true);
  assert.equal(readIdfHeader(bytes).version, 2);
  const model = await modelOf(entry);
  await assert.rejects(decompress(bytes, { resolveModel: async () => model, source: entry.file }), CorruptStreamError);
});
