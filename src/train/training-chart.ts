/**
 * Draws a run's bits/dim-versus-training-time curve (train and validation) from its log.jsonl as an SVG line chart
 * (line-chart.ts). Invariant: only 'train' and 'validation' entries with a finite bpd become points.
 */
import { writeLineChart } from './line-chart.js';
import { readRunLog } from './run-log.js';

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
  const points = (readRunLog(logFile) as unknown as LogEntry[])
    .filter((entry) => (entry.type === 'train' || entry.type === 'validation') && Number.isFinite(entry.bpd))
    .map((entry) => ({ hours: entry.trainSeconds / 3600, bpd: entry.bpd, series: entry.type === 'train' ? 'training batches' : 'validation (EMA weights)' }));
  if (points.length === 0) return null;
  await writeLineChart(svgFile, {
    title,
    width: 640,
    points,
    markPoints: true,
    x: { field: 'hours', title: 'training time (hours, wall clock)' },
    y: { field: 'bpd', title: 'bits per dimension', zero: false },
    series: { title: null },
  });
  return svgFile;
}
