/**
 * Training curves from log.jsonl (src/train/training-chart.ts): the train and validation entries with a finite value
 * are drawn as two named series; a log without such entries (or no log) gives no chart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRunCurve, writeTrainingChart } from '../../src/train/training-chart.js';

test('writeRunCurve and writeTrainingChart: two series from the log, null without points', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-training-chart-'));
  try {
    const log = path.join(dir, 'log.jsonl');
    const entries = [
      { type: 'train', epoch: 0.5, accuracy: 0.5, bpd: 4, trainSeconds: 60 },
      { type: 'train', epoch: 1, accuracy: 0.75, bpd: 3.5, trainSeconds: 120 },
      { type: 'validation', epoch: 1, accuracy: 0.7, bpd: 3.6, trainSeconds: 125 },
      { type: 'validation', epoch: 1.5, accuracy: null, bpd: null, trainSeconds: 130 },
      { type: 'other', epoch: 2, accuracy: 1, bpd: 1, trainSeconds: 140 },
    ];
    writeFileSync(log, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const svg = path.join(dir, 'acc.svg');
    const curve = {
      title: 'accuracy curve',
      field: 'accuracy',
      y: { title: 'accuracy (%)', scale: 100 },
      x: { field: 'epoch', title: 'epoch', of: (entry: Record<string, unknown>) => entry.epoch as number },
      series: { train: 'sampled batches', validation: 'held-out images' },
    };
    assert.equal(await writeRunCurve(log, svg, curve), svg);
    const text = readFileSync(svg, 'utf8');
    for (const label of ['accuracy curve', 'accuracy (%)', 'sampled batches', 'held-out images']) assert.ok(text.includes(label), label);
    assert.equal(await writeTrainingChart(log, path.join(dir, 'bpd.svg')), path.join(dir, 'bpd.svg'));
    assert.ok(readFileSync(path.join(dir, 'bpd.svg'), 'utf8').includes('validation (EMA weights)'));
    writeFileSync(log, `${JSON.stringify(entries[4])}\n`);
    assert.equal(await writeRunCurve(log, path.join(dir, 'none.svg'), curve), null);
    assert.equal(await writeTrainingChart(path.join(dir, 'missing.jsonl'), path.join(dir, 'none.svg')), null);
    assert.equal(existsSync(path.join(dir, 'none.svg')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
