/**
 * Draws a PBNet run's accuracy-versus-epoch curve (training batches with sampled weights and activations, and
 * validation in propagation mode) from its log.jsonl as an SVG line chart (src/train/line-chart.ts). Invariant: only
 * 'train' and 'validation' entries with a finite accuracy become points.
 */
import { writeLineChart } from '../../train/line-chart.js';
import { readRunLog } from '../../train/run-log.js';

/**
 * Writes the chart of `logFile` to `svgFile`; returns the SVG path, or null when the log holds no points yet.
 */
export async function writeBlrnetTrainingChart(logFile: string, svgFile: string, title: string): Promise<string | null> {
  const points = (readRunLog(logFile) as unknown as { type: string; epoch: number; accuracy: number }[])
    .filter((entry) => (entry.type === 'train' || entry.type === 'validation') && Number.isFinite(entry.accuracy))
    .map((entry) => ({ epoch: entry.epoch, accuracy: 100 * entry.accuracy, series: entry.type === 'train' ? 'training batches (sampled)' : 'validation (propagation)' }));
  if (points.length === 0) return null;
  await writeLineChart(svgFile, {
    title,
    width: 640,
    points,
    markPoints: true,
    x: { field: 'epoch', title: 'epoch' },
    y: { field: 'accuracy', title: 'accuracy (%)', zero: false },
    series: { title: null, legendBelow: true },
  });
  return svgFile;
}
