/**
 * The format version 2 prototype script (scripts/prototype-mixture-v2.ts): on a small workload its TypeScript and
 * WASM decoders both round-trip (the script throws otherwise) and its code length stays within 0.01% of format
 * version 1's, the measurement a later format decision rests on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

test('prototype-mixture-v2 round-trips in TypeScript and WASM and prints its measures', () => {
  const script = path.join(REPO_ROOT, 'dist', 'scripts', 'prototype-mixture-v2.js');
  const stdout = execFileSync(process.execPath, [script, '--symbols', '4000', '--runs', '1'], { encoding: 'utf8' });
  const result = JSON.parse(stdout.trim()) as {
    symbols: number;
    v1IdealBits: number;
    v2: { idealBits: number; costVsV1Pct: number; wasmDecodeMsymPerS: number; codedBytes: number };
  };
  assert.equal(result.symbols, 4000);
  assert.ok(result.v2.wasmDecodeMsymPerS > 0);
  assert.ok(Math.abs(result.v2.costVsV1Pct) < 0.01, `code length cost ${result.v2.costVsV1Pct}%`);
  // Within 0.1% of the ideal length plus the two lanes' final states (16 bytes) and a part-used word.
  assert.ok(8 * result.v2.codedBytes <= result.v2.idealBits * 1.001 + 8 * 18);
  assert.ok(8 * result.v2.codedBytes >= result.v2.idealBits);
  assert.ok(result.v2.idealBits > 0 && result.v1IdealBits > 0);
});

test('prototype-mixture-v2 rejects an unknown option', () => {
  const script = path.join(REPO_ROOT, 'dist', 'scripts', 'prototype-mixture-v2.js');
  assert.throws(
    () => execFileSync(process.execPath, [script, '--fast', '1'], { stdio: 'pipe' }), /Unknown option --fast/,
  );
});
