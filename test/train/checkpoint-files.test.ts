/**
 * The checkpoint-folder file layer every training stack uses (src/train/checkpoint-files.ts): exact round trips of
 * float vectors, JSON, the spec.json header and state.json with the Adamax file, and a ModelError naming the file for every missing,
 * short, non-finite, unparsable or foreign file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  floatBytes, hasSpecFile, readFloatFile, readJsonFile, readSpecFile, readStateAndOptimizer, writeFileAtomic, writeJsonFile, writeSpecFile, writeStateAndOptimizer,
  type CheckpointKind,
} from '../../src/train/checkpoint-files.js';

const KIND: CheckpointKind = { format: 'idfz-test-checkpoint', name: 'test', folder: 'test checkpoint folder', trainCommand: 'idfz test train' };

function withFolder(run: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-ckpt-files-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isModelError = (pattern: RegExp) => (error: Error) => error.name === 'ModelError' && pattern.test(error.message);

test('float files: the view\'s exact bits round-trip; missing, short and (finite) NaN files are ModelErrors', () => {
  withFolder((dir) => {
    const file = path.join(dir, 'v.f32');
    const backing = Float32Array.from([9, 1.5, -0, 3.4e38, 1e-45, 9]);
    writeFileAtomic(file, floatBytes(backing.subarray(1, 5)));
    assert.deepEqual(readdirSync(dir), ['v.f32'], 'no temporary file is left');
    const back = readFloatFile(file, 4);
    assert.deepEqual([...back], [1.5, -0, Math.fround(3.4e38), Math.fround(1e-45)]);
    assert.ok(Object.is(back[1], -0));
    assert.throws(() => readFloatFile(file, 5), isModelError(/v\.f32: holds 16 bytes, expected 20; the checkpoint is damaged/));
    assert.throws(() => readFloatFile(path.join(dir, 'none.f32'), 1), isModelError(/none\.f32: missing; the checkpoint is incomplete/));
    writeFileSync(file, floatBytes(Float32Array.from([1, Number.NaN])));
    assert.equal(readFloatFile(file, 2)[1], Number.NaN);
    assert.throws(() => readFloatFile(file, 2, { finite: true }), isModelError(/v\.f32: value 1 is NaN; the checkpoint is damaged/));
  });
});

test('JSON files: indented with a final newline, read back equal; broken JSON names the file', () => {
  withFolder((dir) => {
    const file = path.join(dir, 'state.json');
    writeJsonFile(file, { a: 1, b: [2, 3] });
    assert.equal(readFileSync(file, 'utf8'), '{\n "a": 1,\n "b": [\n  2,\n  3\n ]\n}\n');
    assert.deepEqual(readJsonFile(file), { a: 1, b: [2, 3] });
    writeFileSync(file, '{');
    assert.throws(() => readJsonFile(file), isModelError(/state\.json: cannot read it: not valid JSON .*; the checkpoint is damaged/));
  });
});

test('spec.json: one line with format and version 1; a folder without it, or of another kind, is refused', () => {
  withFolder((dir) => {
    assert.equal(hasSpecFile(dir), false);
    assert.throws(() => readSpecFile(dir, KIND), isModelError(/: not a test checkpoint folder \(no spec\.json\); train one with `idfz test train --out .*`$/));
    // A model folder (models/natural) holds its checkpoint in checkpoint/: the message points there instead.
    mkdirSync(path.join(dir, 'checkpoint'));
    writeSpecFile(path.join(dir, 'checkpoint'), KIND, { kind: 'x', width: 3 });
    assert.throws(() => readSpecFile(dir, KIND), isModelError(new RegExp(`^${dir}: not a test checkpoint folder \\(no spec\\.json\\), but ${dir}/checkpoint is one: pass that folder$`)));
    writeSpecFile(dir, KIND, { kind: 'x', width: 3 });
    assert.equal(hasSpecFile(dir), true);
    assert.equal(readFileSync(path.join(dir, 'spec.json'), 'utf8'), '{"format":"idfz-test-checkpoint","version":1,"spec":{"kind":"x","width":3}}\n');
    assert.deepEqual(readSpecFile(dir, KIND), { kind: 'x', width: 3 });
    for (const foreign of ['{"format":"idfz-float-checkpoint","version":1,"spec":{}}', '{"format":"idfz-test-checkpoint","version":2,"spec":{}}', '{"format":"idfz-test-checkpoint","version":1}', 'null']) {
      writeFileSync(path.join(dir, 'spec.json'), foreign);
      assert.throws(() => readSpecFile(dir, KIND), isModelError(/spec\.json: not an idfz test checkpoint \(format idfz-test-checkpoint, version 1\)/), foreign);
    }
  });
});

test('state.json and optimizer.f32: the step stored beside the state, m then u; compact (null) and absent mean fresh moments', () => {
  withFolder((dir) => {
    writeStateAndOptimizer(dir, { imagesSeen: 10 }, { m: Float32Array.from([1, 2]), u: Float32Array.from([3, 4]), step: 5 });
    assert.deepEqual(readJsonFile(path.join(dir, 'state.json')), { imagesSeen: 10, optimizerStep: 5 });
    assert.deepEqual([...readFloatFile(path.join(dir, 'optimizer.f32'), 4)], [1, 2, 3, 4]);
    const back = readStateAndOptimizer<{ imagesSeen: number }>(dir, 2);
    assert.deepEqual(back.state, { imagesSeen: 10 });
    assert.deepEqual([[...back.optimizer.m], [...back.optimizer.u], back.optimizer.step], [[1, 2], [3, 4], 5]);
    assert.throws(() => readStateAndOptimizer(dir, 3), isModelError(/optimizer\.f32: holds 16 bytes, expected 24/));
    writeFileSync(path.join(dir, 'optimizer.f32'), floatBytes(Float32Array.from([1, 2, Infinity, 4])));
    assert.equal(readStateAndOptimizer(dir, 2).optimizer.u[0], Infinity);
    assert.throws(() => readStateAndOptimizer(dir, 2, { finite: true }), isModelError(/value 2 is Infinity/));
  });
  withFolder((dir) => {
    writeStateAndOptimizer(dir, { imagesSeen: 3 }, null);
    assert.deepEqual(readdirSync(dir), ['state.json']);
    assert.deepEqual(readJsonFile(path.join(dir, 'state.json')), { imagesSeen: 3, optimizerStep: 0 });
    assert.deepEqual(readStateAndOptimizer(dir, 2), { state: { imagesSeen: 3 }, optimizer: { m: new Float32Array(2), u: new Float32Array(2), step: 0 } });
    assert.throws(() => readStateAndOptimizer(path.join(dir, 'none'), 2), isModelError(/state\.json: missing; the checkpoint is incomplete/));
  });
});
