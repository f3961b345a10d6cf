/**
 * Draws a run's bits/dim-versus-training-time curve (train and validation) from its log.jsonl as an SVG, with
 * vega-lite (a charting library renders it; no hand-made SVG).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

interface LogEntry {
  type: string;
  bpd: number;
  trainSeconds: number;
  imagesSeen: number;
}

/**
 * Writes the chart of `logFile` to `svgFile`; returns the SVG path, or null when the log holds no points yet.
 */
export async function writeTrainingChart(logFile: string, svgFile: string, title = 'IDF training'): Promise<string | null> {
  if (!existsSync(logFile)) return null;
  const points = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogEntry)
    .filter((entry) => (entry.type === 'train' || entry.type === 'validation') && Number.isFinite(entry.bpd))
    .map((entry) => ({ hours: entry.trainSeconds / 3600, bpd: entry.bpd, series: entry.type === 'train' ? 'training batches' : 'validation (EMA weights)' }));
  if (points.length === 0) return null;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 640,
    height: 360,
    background: 'white',
    data: { values: points },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'hours', type: 'quantitative', title: 'training time (hours, wall clock)' },
      y: { field: 'bpd', type: 'quantitative', title: 'bits per dimension', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  writeFileSync(svgFile, await view.toSVG());
  view.finalize();
  return svgFile;
}
