import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { coverageCurve, writeCoverageChart } from '../../../src/research/blrnet/coverage-chart.js';

test('coverageCurve keeps the most certain images first and ends at the plain error', () => {
  const wrong = [true, false, false, true, false];
  const uncertainty = [0.9, 0.1, 0.2, 0.5, 0.1];
  // Order by uncertainty (ties by index): 1, 4, 2, 3, 0.
  assert.deepEqual(coverageCurve(wrong, uncertainty, 5), [
    { coverage: 0.2, error: 0 }, { coverage: 0.4, error: 0 }, { coverage: 0.6, error: 0 }, { coverage: 0.8, error: 0.25 }, { coverage: 1, error: 0.4 },
  ]);
  assert.deepEqual(coverageCurve(wrong, uncertainty, 1), [{ coverage: 1, error: 0.4 }]);
  assert.equal(coverageCurve(wrong, uncertainty, 100).length, 5, 'no more levels than images');
  assert.deepEqual(coverageCurve([], []), []);
});

test('writeCoverageChart draws an SVG with every series', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-blrnet-chart-'));
  try {
    const file = path.join(dir, 'coverage.svg');
    await writeCoverageChart(file, { 'ensemble variance': [{ coverage: 0.5, error: 0 }, { coverage: 1, error: 0.1 }], confidence: [{ coverage: 1, error: 0.1 }] }, 'test chart');
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /^<svg/);
    assert.match(svg, /ensemble variance/);
    assert.match(svg, /test chart/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
