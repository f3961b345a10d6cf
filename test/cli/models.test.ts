/**
 * `idfz models`: the installed models (whatever the package's models/ holds) and those of --dir, as a table and as
 * JSON (the installed table ends with the default models); a broken model folder is a warning while the others are
 * listed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/run-cli.js';
import { DEFAULT_GREY_MODEL_ID, DEFAULT_MODEL_ID, defaultModel, installedModelsFolder, listModels } from '../../src/zoo/index.js';
import { writeTextureModel } from '../codec/texture-tile-coder.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-models-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

test('models: the installed models, as JSON, are what the registry lists', async () => {
  const result = await runCli(['-q', 'models', '--json']);
  assert.equal(result.code, 0);
  const expected = (await listModels(installedModelsFolder())).models;
  assert.deepEqual(JSON.parse(result.stdout.toString()), JSON.parse(JSON.stringify(expected)));
});

test('models --dir: a table of the models, a warning for a broken folder, and "no models" for an empty folder', async () => {
  const folder = path.join(root, 'models');
  writeTextureModel(folder, 'natural', 7, { channels: 3, sizeMultiple: 8, scaleIndex: 0 });
  writeTextureModel(folder, 'grey', 12, { channels: 1, sizeMultiple: 8, scaleIndex: 0 });
  mkdirSync(path.join(folder, 'broken'));
  writeFileSync(path.join(folder, 'broken', 'manifest.json'), '{}');
  const result = await runCli(['models', '--dir', 'models'], { cwd: root });
  assert.equal(result.code, 0);
  const lines = result.stdout.toString().trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^id +numeric id +channels +sha256 +description$/);
  assert.match(lines[1]!, /^grey +12 +grey +[0-9a-f]{12}\.\.\. +texture test double$/);
  assert.match(lines[2]!, /^natural +7 +RGB +[0-9a-f]{12}\.\.\. +texture test double$/);
  assert.match(result.stderr, /^idfz: warning: .*broken\/manifest\.json: invalid model manifest: "id" must be a kebab-case string; re-export the model with idfz export\n$/);
  const json = JSON.parse((await runCli(['-q', 'models', '--dir', folder, '--json'])).stdout.toString()) as { id: string; numericId: number }[];
  assert.deepEqual(json.map((m) => [m.id, m.numericId]), [['grey', 12], ['natural', 7]]);
  mkdirSync(path.join(root, 'empty'));
  const empty = await runCli(['models', '--dir', 'empty'], { cwd: root });
  assert.deepEqual([empty.code, empty.stdout.toString()], [0, `no models in ${path.join(root, 'empty')}\n`]);
});

test('models: the installed table ends with the models compress uses without --model, for RGB and for grey', async () => {
  const result = await runCli(['models']);
  assert.equal(result.code, 0);
  const lines = result.stdout.toString().trimEnd().split('\n');
  const rgb = await defaultModel(3);
  const grey = await defaultModel(1);
  const expected = (id: string | undefined, kind: string, wanted: string): string =>
    id ? `default for ${kind} images (compress without --model): ${id}` : `default for ${kind} images (compress without --model): none (${wanted} is not installed), the fallback coder`;
  assert.deepEqual(lines.slice(-2), [expected(rgb?.id, 'RGB', DEFAULT_MODEL_ID), expected(grey?.id, 'grey', DEFAULT_GREY_MODEL_ID)]);
  assert.equal(rgb?.id, 'natural', 'the shipped RGB default, as the README says');
  const other = await runCli(['models', '--dir', 'models'], { cwd: root });
  assert.doesNotMatch(other.stdout.toString(), /default for/, '--dir folders are not what compress uses');
});
