/**
 * Draws a PBNet run's accuracy-versus-epoch curve (training batches with sampled weights and activations, and
 * validation in propagation mode) from its log.jsonl as an SVG (src/train/training-chart.ts). Invariant: only
 * 'train' and 'validation' entries with a finite accuracy become points.
 */
import { writeRunCurve } from '../../train/training-chart.js';

/**
 * Writes the chart of `logFile` to `svgFile`; returns the SVG path, or null when the log holds no points yet.
 */
export async function writeBlrnetTrainingChart(logFile: string, svgFile: string, title: string): Promise<string | null> {
  return writeRunCurve(logFile, svgFile, {
    title,
    field: 'accuracy',
    y: { title: 'accuracy (%)', scale: 100 },
    x: { field: 'epoch', title: 'epoch', of: (entry) => entry.epoch as number },
    series: { train: 'training batches (sampled)', validation: 'validation (propagation)', legendBelow: true },
  });
}
