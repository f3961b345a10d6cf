/**
 * The CLI's training-folder rules (src/cli/run-folders.ts): --resume needs a checkpoint, a new run never overwrites
 * one, a compact copy goes elsewhere and takes the log and curve along; every refusal is a UsageError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkRunFolder, compactFolders, copyRunFiles } from '../../src/cli/run-folders.js';

const usage = (pattern: RegExp) => (error: Error) => error.name === 'UsageError' && pattern.test(error.message);

test('checkRunFolder: --resume needs a checkpoint (named per stack), a new run refuses an existing one', () => {
  const none = () => false;
  const some = () => true;
  assert.doesNotThrow(() => checkRunFolder('/runs/a', false, none));
  assert.doesNotThrow(() => checkRunFolder('/runs/a', true, some));
  assert.throws(() => checkRunFolder('/runs/a', true, none), usage(/^--resume: \/runs\/a holds no checkpoint to resume$/));
  assert.throws(() => checkRunFolder('/runs/a', true, none, 'SNF'), usage(/^--resume: \/runs\/a holds no SNF checkpoint to resume$/));
  assert.throws(() => checkRunFolder('/runs/a', false, some, 'blrnet'), usage(/^\/runs\/a already holds a checkpoint: pass --resume to continue it, or choose another --out$/));
});

test('compactFolders and copyRunFiles: resolved folders, refusals, the log and curve copied when present', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-run-folders-'));
  try {
    const has = (folder: string) => existsSync(path.join(folder, 'spec.json'));
    assert.deepEqual(compactFolders(dir, { checkpoint: 'run', out: 'small' }, has, 'x'), { from: path.join(dir, 'run'), to: path.join(dir, 'small') });
    assert.throws(() => compactFolders(dir, { checkpoint: 'run', out: './run/' }, has, 'the optimizer state'), usage(/^--out must differ from --checkpoint \(the compact copy drops the optimizer state\)$/));
    mkdirSync(path.join(dir, 'small'));
    writeFileSync(path.join(dir, 'small', 'spec.json'), '{}');
    assert.throws(() => compactFolders(dir, { checkpoint: 'run', out: 'small' }, has, 'x'), usage(/small already holds a checkpoint; choose another --out$/));
    mkdirSync(path.join(dir, 'run'));
    mkdirSync(path.join(dir, 'copy'));
    writeFileSync(path.join(dir, 'run', 'log.jsonl'), '{"type":"train"}\n');
    copyRunFiles(path.join(dir, 'run'), path.join(dir, 'copy'));
    assert.equal(readFileSync(path.join(dir, 'copy', 'log.jsonl'), 'utf8'), '{"type":"train"}\n');
    assert.equal(existsSync(path.join(dir, 'copy', 'curve.svg')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
