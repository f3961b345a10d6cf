/**
 * Training curves drawn from a run's log.jsonl as SVG line charts (line-chart.ts): one logged value (bits/dim,
 * accuracy, ...) of the 'train' and 'validation' entries as two series, over time or epochs. The IDF (and SNF) chart
 * is bits/dim over wall-clock hours. Invariant: only entries with a finite value become points, in log order.
 */
import { writeLineChart } from './line-chart.js';
import { readRunLog } from './run-log.js';

/** A log entry as the charts read it. */
type LogEntry = Record<string, unknown> & { readonly type?: unknown };

/** Which logged value to draw, and how to label it. */
export interface RunCurve {
  readonly title: string;
  /** The logged field drawn on y (also the points' field name). */
  readonly field: string;
  /** y-axis title; `scale` multiplies the logged value (default 1, e.g. 100 for percent). */
  readonly y: { readonly title: string; readonly scale?: number };
  /** x: the points' field name, axis title, and its value for an entry. */
  readonly x: { readonly field: string; readonly title: string; readonly of: (entry: LogEntry) => number };
  /** Names of the two series, and whether the legend goes below the plot. */
  readonly series: { readonly train: string; readonly validation: string; readonly legendBelow?: boolean };
}

/**
 * Writes the curve of `logFile` to `svgFile`; returns the SVG path, or null when the log holds no points yet.
 */
export async function writeRunCurve(logFile: string, svgFile: string, curve: RunCurve): Promise<string | null> {
  const points = readRunLog(logFile)
    .filter((entry) => (entry.type === 'train' || entry.type === 'validation') && Number.isFinite(entry[curve.field]))
    .map((entry) => ({
      [curve.x.field]: curve.x.of(entry),
      [curve.field]: (curve.y.scale ?? 1) * (entry[curve.field] as number),
      series: entry.type === 'train' ? curve.series.train : curve.series.validation,
    }));
  if (points.length === 0) return null;
  await writeLineChart(svgFile, {
    title: curve.title,
    width: 640,
    points,
    markPoints: true,
    x: { field: curve.x.field, title: curve.x.title },
    y: { field: curve.field, title: curve.y.title, zero: false },
    series: { title: null, legendBelow: curve.series.legendBelow },
  });
  return svgFile;
}

/**
 * Writes the bits/dim-versus-training-time chart of `logFile` to `svgFile`; returns the SVG path, or null when the
 * log holds no points yet.
 */
export async function writeTrainingChart(logFile: string, svgFile: string, title = 'IDF training'): Promise<string | null> {
  return writeRunCurve(logFile, svgFile, {
    title,
    field: 'bpd',
    y: { title: 'bits per dimension' },
    x: { field: 'hours', title: 'training time (hours, wall clock)', of: (entry) => (entry.trainSeconds as number) / 3600 },
    series: { train: 'training batches', validation: 'validation (EMA weights)' },
  });
}
