import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

test('bench:entropy --json prints one JSON object with the required measures (small run)', () => {
  const script = path.join(REPO_ROOT, 'dist', 'scripts', 'bench-entropy.js');
  const stdout = execFileSync(process.execPath, [script, '--json', '--symbols', '3000', '--runs', '1'], { encoding: 'utf8' });
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const result = JSON.parse(lines[0]!) as Record<string, unknown> & { mixture5: Record<string, unknown> };
  for (const r of [result, result.mixture5]) {
    for (const key of ['encodeMsymPerS', 'decodeMsymPerS', 'overheadPct', 'quantLossPct']) {
      assert.equal(typeof r[key], 'number', key);
      assert.ok(Number.isFinite(r[key] as number), key);
    }
    assert.equal(r.symbols, 3000);
    assert.ok((r.quantLossPct as number) < 0.2, 'quantisation loss floor');
    assert.ok((r.encodeMsymPerS as number) > 0);
  }
});

test('bench:entropy rejects an unknown option', () => {
  const script = path.join(REPO_ROOT, 'dist', 'scripts', 'bench-entropy.js');
  assert.throws(() => execFileSync(process.execPath, [script, '--fast'], { stdio: 'pipe' }), /Unknown option --fast/);
});
