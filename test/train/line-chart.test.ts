/**
 * SVG line charts (src/train/line-chart.ts): a real vega-lite rendering that carries the title, axis titles and
 * series names, the same bytes for the same input, and an SVG that changes when the data does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeLineChart, type LineChart } from '../../src/train/line-chart.js';

test('writeLineChart: titles and series in the SVG, deterministic bytes, different data gives a different SVG', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-line-chart-'));
  try {
    const chart: LineChart = {
      title: 'a test curve',
      width: 300,
      points: [
        { step: 1, value: 3, series: 'alpha' },
        { step: 2, value: 2.5, series: 'alpha' },
        { step: 1, value: 4, series: 'beta' },
        { step: 2, value: 3.5, series: 'beta' },
      ],
      markPoints: true,
      x: { field: 'step', title: 'the x axis', domain: [0, 3] },
      y: { field: 'value', title: 'the y axis', zero: false },
      series: { title: 'kind', legendBelow: true },
    };
    const [a, b, c] = ['a.svg', 'b.svg', 'c.svg'].map((name) => path.join(dir, name));
    await writeLineChart(a!, chart);
    await writeLineChart(b!, chart);
    await writeLineChart(c!, { ...chart, points: chart.points.map((p) => ({ ...p, value: (p.value as number) + 1 })) });
    const svg = readFileSync(a!, 'utf8');
    assert.match(svg, /^<svg/);
    for (const text of ['a test curve', 'the x axis', 'the y axis', 'alpha', 'beta', 'kind']) assert.ok(svg.includes(text), text);
    assert.ok(readFileSync(b!).equals(readFileSync(a!)));
    assert.ok(!readFileSync(c!).equals(readFileSync(a!)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
