/**
 * A model replaced by a better one stays installed under its own id and numeric id, marked `supersededBy`: files
 * naming its numeric id still find it, the default model is the new one, and a bad `supersededBy` is refused.
 * This is the layout the registry keeps when `natural` (numeric id 2) is replaced: `natural-v1` (2) + `natural` (3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelError } from '../../src/core/errors.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { defaultModel, findModelByNumericId, listModels, loadModel, parseManifest, resolveModel } from '../../src/zoo/index.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-superseded-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

function writeModel(folder: string, fields: Record<string, unknown>): void {
  const dir = path.join(root, folder);
  mkdirSync(dir, { recursive: true });
  const content = `weights of ${folder}`;
  writeFileSync(path.join(dir, 'model.idfm'), content);
  writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    id: folder, file: 'model.idfm', sha256: sha256Hex(new TextEncoder().encode(content)), channels: 3, ...fields,
  }));
}

writeModel('natural-v1', { numericId: 2, supersededBy: 'natural' });
writeModel('natural', { numericId: 3 });
writeModel('cifar10', { numericId: 1 });

test('old files find the superseded model by numeric id; new ones get the new default', async () => {
  const { models, problems } = await listModels(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(models.map((r) => [r.id, r.numericId, r.supersededBy ?? null]), [['cifar10', 1, null], ['natural', 3, null], ['natural-v1', 2, 'natural']]);
  const old = await findModelByNumericId(2, [], root);
  assert.equal(old?.id, 'natural-v1');
  assert.equal(new TextDecoder().decode((await loadModel(old!)).bytes), 'weights of natural-v1');
  assert.equal((await findModelByNumericId(3, [], root))?.id, 'natural');
  assert.equal((await defaultModel(3, root))?.id, 'natural');
  assert.equal((await resolveModel('natural-v1', { root, cwd: root })).supersededBy, 'natural', 'still usable by name');
});

test('a superseded model is never the default, even under the default id', async () => {
  const other = path.join(root, 'only-old');
  mkdirSync(path.join(other, 'natural'), { recursive: true });
  writeFileSync(path.join(other, 'natural', 'model.idfm'), 'w');
  writeFileSync(path.join(other, 'natural', 'manifest.json'), JSON.stringify({
    id: 'natural', numericId: 2, file: 'model.idfm', sha256: sha256Hex(new TextEncoder().encode('w')), channels: 3, supersededBy: 'natural-v2',
  }));
  assert.equal(await defaultModel(3, other), null);
  assert.equal((await findModelByNumericId(2, [], other))?.id, 'natural');
});

test('supersededBy must name another model by its kebab-case id', () => {
  const good = { id: 'natural-v1', numericId: 2, file: 'model.idfm', sha256: 'ab'.repeat(32), channels: 3 };
  assert.equal(parseManifest(good, '/m', 'm').supersededBy, undefined);
  assert.equal(parseManifest({ ...good, supersededBy: null }, '/m', 'm').supersededBy, undefined);
  for (const bad of ['Natural', 'natural-v1', 7, '']) {
    assert.throws(() => parseManifest({ ...good, supersededBy: bad }, '/m', '/m/manifest.json'), (error: unknown) =>
      error instanceof ModelError && /^\/m\/manifest\.json: invalid model manifest: "supersededBy" must be the kebab-case id of another model/.test(error.message));
  }
});
