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
  const result = JSON.parse(lines[0]!) as Record<string, unknown> & {
    mixture5: Record<string, unknown>; mixture5V1: Record<string, unknown>;
  };
  // Mixtures as new files code them (stream version 2), and as version 1 files do, for reference.
  assert.deepEqual([result.streamVersion, result.mixture5.streamVersion, result.mixture5V1.streamVersion], [2, 2, 1]);
  assert.ok(Math.abs(result.mixture5.costVsV1Pct as number) < 0.01, `version 2 cost ${result.mixture5.costVsV1Pct}%`);
  for (const r of [result, result.mixture5, result.mixture5V1]) {
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
