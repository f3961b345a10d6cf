/**
 * Draws a PBNet run's accuracy-versus-epoch curve (training batches with sampled weights and activations, and
 * validation in propagation mode) from its log.jsonl as an SVG, with vega-lite (as src/train/training-chart.ts does
 * for bits per dimension).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Writes the chart of `logFile` to `svgFile`; returns the SVG path, or null when the log holds no points yet.
 */
export async function writeBlrnetTrainingChart(logFile: string, svgFile: string, title: string): Promise<string | null> {
  if (!existsSync(logFile)) return null;
  const points = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; epoch: number; accuracy: number })
    .filter((entry) => (entry.type === 'train' || entry.type === 'validation') && Number.isFinite(entry.accuracy))
    .map((entry) => ({ epoch: entry.epoch, accuracy: 100 * entry.accuracy, series: entry.type === 'train' ? 'training batches (sampled)' : 'validation (propagation)' }));
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
      x: { field: 'epoch', type: 'quantitative', title: 'epoch' },
      y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400, orient: 'bottom', direction: 'vertical' } },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  writeFileSync(svgFile, await view.toSVG());
  view.finalize();
  return svgFile;
}
