/**
 * The model registry: manifest validation field by field, listing a models folder (broken folders, renamed folders
 * and shared numeric ids reported, not fatal), resolving `--model ID|PATH`, lookup by numeric id, default models,
 * and sha256 verification on every load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelError } from '../../src/core/errors.js';
import { sha256Hex } from '../../src/core/sha256.js';
import {
  defaultModel, findModelByNumericId, installedModelsFolder, listModels, loadModel, parseManifest, readModelFolder,
  resolveModel,
} from '../../src/zoo/index.js';
import { REPO_ROOT } from '../helpers/paths.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-zoo-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

/** Writes a model folder `parent/folder` with a model file and a manifest (fields overridable). */
function writeModel(parent: string, folder: string, fields: Record<string, unknown> = {}, content = `model ${folder}`): string {
  const dir = path.join(parent, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.idfm'), content);
  const manifest = { id: folder, numericId: 1, file: 'model.idfm', sha256: sha256Hex(new TextEncoder().encode(content)), channels: 3, description: 'a test model', ...fields };
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

const GOOD = { id: 'natural', numericId: 7, file: 'model.idfm', sha256: 'ab'.repeat(32), channels: 3, description: 'd' };

test('parseManifest accepts a valid manifest and names the first bad field of an invalid one', () => {
  const record = parseManifest({ ...GOOD, trainedOn: { dataset: 'x' }, results: { bpd: 3 } }, '/m/natural', '/m/natural/manifest.json');
  assert.deepEqual(record, { ...GOOD, trainedOn: { dataset: 'x' }, results: { bpd: 3 }, folder: '/m/natural' });
  assert.deepEqual(parseManifest({ ...GOOD, description: undefined }, '/m', 'm').description, '');
  const bad: [Record<string, unknown> | unknown, RegExp][] = [
    [[1, 2], /expected a JSON object/],
    [{ ...GOOD, id: 'Natural' }, /"id" must be a kebab-case string/],
    [{ ...GOOD, id: 'a--b' }, /"id"/],
    [{ ...GOOD, numericId: 0 }, /"numericId" must be an integer 1\.\.4294967295/],
    [{ ...GOOD, numericId: 2 ** 32 }, /"numericId"/],
    [{ ...GOOD, numericId: 1.5 }, /"numericId"/],
    [{ ...GOOD, file: '../model.idfm' }, /"file" must be a file name inside the model folder/],
    [{ ...GOOD, file: '..' }, /"file"/],
    [{ ...GOOD, sha256: 'AB'.repeat(32) }, /"sha256" must be 64 lower-case hex/],
    [{ ...GOOD, channels: 4 }, /"channels" must be 1 or 3/],
    [{ ...GOOD, description: 5 }, /"description" must be a string/],
  ];
  for (const [json, message] of bad) {
    assert.throws(() => parseManifest(json, '/m', '/m/manifest.json'), (error: unknown) => error instanceof ModelError && message.test(error.message) && /^\/m\/manifest\.json: /.test(error.message));
  }
});

test('listModels: valid models sorted by id; broken, renamed and clashing folders reported and left out; research/ skipped', async () => {
  const models = path.join(root, 'list');
  writeModel(models, 'natural', { numericId: 7 });
  writeModel(models, 'cifar10', { numericId: 3 });
  writeModel(models, 'renamed', { id: 'other', numericId: 4 });
  writeModel(models, 'twin-a', { numericId: 9 });
  writeModel(models, 'twin-b', { numericId: 9 });
  mkdirSync(path.join(models, 'empty'));
  mkdirSync(path.join(models, 'garbled'));
  writeFileSync(path.join(models, 'garbled', 'manifest.json'), '{ not json');
  writeFileSync(path.join(models, 'stray-file.txt'), 'ignored');
  mkdirSync(path.join(models, 'research', 'snf'), { recursive: true }); // research checkpoints: not a model, no problem
  const listing = await listModels(models);
  assert.deepEqual(listing.models.map((m) => [m.id, m.numericId]), [['cifar10', 3], ['natural', 7]]);
  assert.equal(listing.problems.length, 4);
  assert.match(listing.problems.join('\n'), /empty\/manifest\.json: model manifest is missing/);
  assert.match(listing.problems.join('\n'), /garbled\/manifest\.json: invalid model manifest: not JSON/);
  assert.match(listing.problems.join('\n'), /renamed: the folder name differs from the model id "other"/);
  assert.match(listing.problems.join('\n'), /models twin-a, twin-b share numeric id 9; none of them is used/);
  assert.deepEqual(await listModels(path.join(root, 'no-such-folder')), { models: [], problems: [] });
});

test('resolveModel: an installed id, a folder path, and one clear error for neither', async () => {
  const models = path.join(root, 'resolve');
  writeModel(models, 'natural', { numericId: 7 });
  const elsewhere = writeModel(path.join(root, 'elsewhere'), 'mine', { numericId: 12 });
  assert.equal((await resolveModel('natural', { root: models })).numericId, 7);
  assert.equal((await resolveModel(elsewhere, { root: models })).id, 'mine');
  assert.equal((await resolveModel('./mine', { root: models, cwd: path.join(root, 'elsewhere') })).id, 'mine');
  assert.equal((await resolveModel('mine', { root: models, cwd: path.join(root, 'elsewhere') })).id, 'mine', 'a folder in the working directory');
  await assert.rejects(resolveModel('nothing', { root: models, cwd: root }), /model "nothing" is not installed \(installed: natural\); give an id from `idfz models` or the path of a model folder/);
  await assert.rejects(resolveModel('./nothing', { root: models, cwd: root }), /nothing: not a model folder \(no such folder\)/);
});

test('findModelByNumericId and defaultModel', async () => {
  const models = path.join(root, 'find');
  writeModel(models, 'natural', { numericId: 7 });
  writeModel(models, 'natural-grey', { numericId: 8, channels: 1 });
  const extra = await readModelFolder(writeModel(path.join(root, 'extra'), 'mine', { numericId: 7 }));
  assert.equal((await findModelByNumericId(7, [], models))?.id, 'natural');
  assert.equal((await findModelByNumericId(7, [extra], models))?.id, 'mine', 'extra records come first');
  assert.equal(await findModelByNumericId(99, [extra], models), null);
  assert.equal((await defaultModel(3, models))?.id, 'natural');
  assert.equal((await defaultModel(1, models))?.id, 'natural-grey');
  assert.equal(await defaultModel(3, path.join(root, 'no-models')), null);
});

test('loadModel verifies the sha256 on every load', async () => {
  const dir = writeModel(path.join(root, 'load'), 'natural', { numericId: 7 }, 'the weights');
  const record = await readModelFolder(dir);
  const loaded = await loadModel(record);
  assert.equal(new TextDecoder().decode(loaded.bytes), 'the weights');
  assert.equal(Buffer.from(loaded.sha256).toString('hex'), record.sha256);
  writeFileSync(path.join(dir, 'model.idfm'), 'the weightz');
  await assert.rejects(loadModel(record), (error: unknown) => error instanceof ModelError &&
    /model\.idfm: sha256 [0-9a-f]{16}\.\.\. does not match the manifest's [0-9a-f]{16}\.\.\.: the model file is damaged or was replaced; reinstall idfz or re-export the model/.test(error.message));
  rmSync(path.join(dir, 'model.idfm'));
  await assert.rejects(loadModel(record), /model\.idfm: model file of "natural" is missing; reinstall or re-export the model/);
});

test('the installed models folder is the package root\'s models/', () => {
  assert.equal(path.resolve(installedModelsFolder()), path.join(REPO_ROOT, 'models'));
});
