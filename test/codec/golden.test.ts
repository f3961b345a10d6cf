/**
 * The golden streams in fixtures/golden/ (written once by scripts/make-golden.ts) decode bit-exactly, forever: each
 * with whichever installed model has the numeric id and sha256 the file names (models that are superseded must stay
 * installed under their numeric id), through the codec and through `idfz decompress`. Every installed model has
 * goldens, so a new model cannot ship without them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Hex } from '../../src/core/sha256.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decompress } from '../../src/codec/index.js';
import { IDF_FORMAT_VERSION, readIdfHeader } from '../../src/container/index.js';
import { pixelBytes } from '../../src/image/pixel-buffer.js';
import { readImage } from '../../src/image/read-image.js';
import { findModelByNumericId, listModels, loadModel, NO_MODEL_NUMERIC_ID, type LoadedModel } from '../../src/zoo/index.js';
import { FIXTURES } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import type { GoldenEntry } from '../../scripts/golden-entry.js';

const GOLDEN = path.join(FIXTURES, 'golden');
const entries = JSON.parse(readFileSync(path.join(GOLDEN, 'golden.json'), 'utf8')) as GoldenEntry[];
const root = mkdtempSync(path.join(tmpdir(), 'idfz-golden-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

/** The installed model a golden names, or a failure that says why the golden can no longer decode. */
async function modelFor(entry: GoldenEntry): Promise<LoadedModel | null> {
  if (entry.modelNumericId === NO_MODEL_NUMERIC_ID) return null;
  const record = await findModelByNumericId(entry.modelNumericId);
  assert.ok(record, `${entry.file}: no installed model has numeric id ${entry.modelNumericId} (it was "${entry.modelId}"); ` +
    'a superseded model must stay installed (e.g. models/<id>-v1/) so that old files decode');
  return loadModel(record);
}

test('the goldens cover grey, RGB, RGBA, 16-bit, several tiles, fallback-only and learned tiles of every model', () => {
  assert.ok(entries.some((e) => e.channels === 1 && e.modelNumericId === NO_MODEL_NUMERIC_ID));
  assert.ok(entries.some((e) => e.channels === 3 && e.modelNumericId === NO_MODEL_NUMERIC_ID));
  const models = new Set(entries.filter((e) => e.modelNumericId !== NO_MODEL_NUMERIC_ID).map((e) => e.modelNumericId));
  assert.ok(models.has(1) && models.has(2), 'goldens of the cifar10 (1) and the first natural (2) model');
  for (const id of models) {
    for (const version of new Set(entries.filter((e) => e.modelNumericId === id).map((e) => e.formatVersion))) {
      const own = entries.filter((e) => e.modelNumericId === id && e.formatVersion === version);
      assert.deepEqual([...new Set(own.map((e) => `${e.channels}/${e.bitDepth}`))].sort(), ['3/16', '3/8', '4/8'], `model ${id}, version ${version}`);
      assert.ok(own.every((e) => e.learnedTiles > 0 && e.tiles > 1), `model ${id}, version ${version}: learned tiles in several-tile files`);
    }
  }
  // Every format version's files stay forever beside the next one's.
  assert.ok(entries.every((e) => e.formatVersion === 1 || e.formatVersion === 2));
  assert.ok([1, 2].every((version) => entries.some((e) => e.formatVersion === version)), 'version 1 and 2 files keep decoding');
});

test('every installed model has golden streams in the current format version (run npm run golden after installing a model or changing the version)', async () => {
  const { models } = await listModels();
  for (const record of models.filter((r) => r.channels === 3)) {
    assert.ok(entries.some((e) => e.modelNumericId === record.numericId && e.formatVersion === IDF_FORMAT_VERSION),
      `model "${record.id}" (numeric id ${record.numericId}) has no golden stream of format version ${IDF_FORMAT_VERSION}`);
  }
});

test('each golden decodes bit-exactly with the installed model of its numeric id', async () => {
  for (const entry of entries) {
    const bytes = readFileSync(path.join(GOLDEN, entry.file));
    const header = readIdfHeader(bytes, { source: entry.file });
    assert.equal(header.modelId, entry.modelNumericId, entry.file);
    assert.equal(header.version, entry.formatVersion, entry.file);
    assert.equal(header.tiles.filter((tile) => !tile.fallback).length, entry.learnedTiles, entry.file);
    const model = await modelFor(entry);
    const pixels = await decompress(bytes, { resolveModel: async () => model!, source: entry.file });
    assert.deepEqual(
      [pixels.width, pixels.height, pixels.channels, pixels.bitDepth],
      [entry.width, entry.height, entry.channels, entry.bitDepth], entry.file,
    );
    assert.equal(sha256Hex(pixelBytes(pixels)), entry.pixelsSha256, entry.file);
  }
});

test('idfz decompress finds the model of a golden of each numeric id itself and writes the exact pixels', async () => {
  const chosen = [...new Map(entries.map((entry) => [entry.modelNumericId, entry])).values()];
  const inputs = chosen.map((entry) => path.join(GOLDEN, entry.file));
  const result = await runCli(['decompress', ...inputs, '-o', root, '--format', 'pnm', '--threads', '1', '-q']);
  assert.equal(result.code, 0, result.stderr);
  for (const entry of chosen) {
    const name = `${path.parse(entry.file).name}${entry.channels === 2 || entry.channels === 4 ? '.pam' : entry.channels === 1 ? '.pgm' : '.ppm'}`;
    const pixels = await readImage(readFileSync(path.join(root, name)), { name });
    assert.equal(sha256Hex(pixelBytes(pixels)), entry.pixelsSha256, entry.file);
  }
});
