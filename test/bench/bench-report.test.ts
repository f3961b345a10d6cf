/**
 * The bench's human outputs: the terminal table and the Markdown report list every codec (measured, skipped with
 * its reason, failed with its error, estimates), and the chart is a vega-rendered SVG of the measured codecs only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bpdChartSpec, renderBpdChart } from '../../src/bench/bench-chart.js';
import { benchMarkdown, benchTable, writeBenchReport } from '../../src/bench/bench-report.js';
import type { BenchResult, CodecResult } from '../../src/bench/run-bench.js';
import { withTempDir } from '../data/temp-dir.js';

function codec(fields: Partial<CodecResult> & Pick<CodecResult, 'name'>): CodecResult {
  return {
    bpd: null, encodeMBps: null, decodeMBps: null, exact: null, inexactImages: 0, bytes: null, settings: `${fields.name} settings`,
    timing: 'in-process', version: null, skipped: null, error: null, note: null, ...fields,
  };
}

const RESULT: BenchResult = {
  dataset: 'cifar10/test',
  images: 10,
  subPixels: 30720,
  codecs: [
    codec({
      name: 'idfz', skipped: 'no codec yet',
      estimated: { float: { bpd: 3.4567, note: 'EMA checkpoint' }, integer: { bpd: null, note: 'no model file' } },
    }),
    codec({ name: 'png', bpd: 5.8712, encodeMBps: 4.52, decodeMBps: 123.4, exact: true, bytes: 22546, version: 'sharp' }),
    codec({ name: 'avif', bpd: 6.1, encodeMBps: 0.055, decodeMBps: 0.16, exact: false, inexactImages: 3, timing: 'per-process', version: 'avifenc 0.11.1' }),
    codec({ name: 'jxl', error: 'jxl: cifar10/test[4]: cjxl exited with code 1', timing: 'per-process', version: 'cjxl v0.7.0' }),
  ],
};

test('the terminal table has a line per codec with its numbers, status and the estimates', () => {
  const lines = benchTable(RESULT).split('\n');
  assert.equal(lines[0], 'cifar10/test: 10 images, 30720 samples, each image coded as its own file');
  assert.match(lines[1]!, /^codec\s+bits\/dim\s+enc MB\/s\s+dec MB\/s\s+exact\s+timing$/);
  assert.match(lines[2]!, /^idfz\s+-\s+-\s+-\s+-\s+in-process\s+skipped: no codec yet$/);
  assert.match(lines[3]!, /^png\s+5\.871\s+4\.5\s+123\s+yes\s+in-process$/);
  assert.match(lines[4]!, /^avif\s+6\.100\s+0\.055\s+0\.16\s+NO \(3 images\)\s+per-process$/);
  assert.match(lines[5]!, /^jxl\s+-.*failed: jxl: cifar10\/test\[4\]: cjxl exited with code 1$/);
  assert.equal(lines[6], 'idfz estimated bits/dim, float model: 3.457 (EMA checkpoint)');
  assert.equal(lines[7], 'idfz estimated bits/dim, integer model (ideal code length): - (no model file)');
});

test('the Markdown report has the method, a table row per codec, the estimates, versions and the chart', () => {
  const markdown = benchMarkdown(RESULT, 'bench.svg');
  assert.match(markdown, /^# idfz bench: cifar10\/test\n/);
  assert.match(markdown, /container included/);
  assert.match(markdown, /\n!\[bits per dimension per codec\]\(bench\.svg\)\n/);
  assert.match(markdown, /\n\| idfz \| - \| - \| - \| - \| in-process \| skipped: no codec yet \|\n/);
  assert.match(markdown, /\n\| png \| 5\.871 \| 4\.5 \| 123 \| yes \| in-process \| png settings \|\n/);
  assert.match(markdown, /\n\| avif \| 6\.100 \| 0\.055 \| 0\.16 \| NO \(3 images\) \| per-process \| avif settings \|\n/);
  assert.match(markdown, /\n\| jxl \| - \| - \| - \| - \| per-process \| failed: jxl: cifar10\/test\[4\]: cjxl exited with code 1 \|\n/);
  assert.match(markdown, /\n- idfz estimated bits\/dim, float model: 3\.457 \(EMA checkpoint\)\n/);
  assert.match(markdown, /Versions: png: sharp; avif: avifenc 0\.11\.1; jxl: cjxl v0\.7\.0\./);
  assert.doesNotMatch(benchMarkdown(RESULT, null), /!\[/);
});

test('the chart shows the measured codecs only, in order, flags an inexact one, and renders to SVG', async () => {
  const spec = bpdChartSpec(RESULT) as unknown as { data: { values: { codec: string; bpd: number; exact: string }[] } };
  assert.deepEqual(spec.data.values, [
    { codec: 'png', bpd: 5.871, exact: 'exact' },
    { codec: 'avif', bpd: 6.1, exact: 'NOT exact' },
  ]);
  const svg = await renderBpdChart(RESULT);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  for (const text of ['png', 'avif', '5.871', '6.100', 'NOT exact', 'Bits per dimension, cifar10/test']) assert.ok(svg.includes(text), text);
  assert.ok(!svg.includes('>idfz<') && !svg.includes('>jxl<'), 'unmeasured codecs are not drawn');
});

test('writeBenchReport writes the report and <name>.svg beside it, replacing old ones', async () => {
  await withTempDir(async (dir) => {
    const file = path.join(dir, 'cifar.md');
    assert.equal(await writeBenchReport(RESULT, file), path.join(dir, 'cifar.svg'));
    assert.equal(await writeBenchReport(RESULT, file), path.join(dir, 'cifar.svg'));
    assert.equal(await readFile(file, 'utf8'), benchMarkdown(RESULT, 'cifar.svg'));
    assert.match(await readFile(path.join(dir, 'cifar.svg'), 'utf8'), /^<svg /);
  });
});
