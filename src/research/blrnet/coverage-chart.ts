/**
 * Error versus coverage (selective prediction): sort the test images by an uncertainty score, keep the most certain
 * fraction (the coverage) and measure the error among them. PBNet ensembles give the score as the variance of the
 * members' probability for the predicted class (Peters and Welling 2018, section 5). The chart is a line chart of
 * src/train/line-chart.ts. Invariant: at coverage 1 the error is the plain test error.
 */
import { writeLineChart } from '../../train/line-chart.js';

/** One point of a curve. */
export interface CoveragePoint {
  /** Fraction of the images kept, in (0, 1]. */
  readonly coverage: number;
  /** Error rate among them, in [0, 1]. */
  readonly error: number;
}

/**
 * The error-versus-coverage curve.
 * @param wrong per image, whether the prediction is wrong
 * @param uncertainty per image, larger = less certain (ties keep the image order)
 * @param points number of coverage levels, evenly spaced (at least 1); the last is coverage 1
 */
export function coverageCurve(wrong: readonly boolean[], uncertainty: ArrayLike<number>, points = 100): CoveragePoint[] {
  const n = wrong.length;
  if (n === 0) return [];
  const order = [...Array(n).keys()].sort((a, b) => uncertainty[a]! - uncertainty[b]! || a - b);
  const errorsUpTo = new Int32Array(n + 1);
  order.forEach((image, k) => (errorsUpTo[k + 1] = errorsUpTo[k]! + (wrong[image] ? 1 : 0)));
  const levels = Math.max(1, Math.min(points, n));
  return [...Array(levels).keys()].map((i) => {
    const kept = Math.max(1, Math.round(((i + 1) * n) / levels));
    return { coverage: kept / n, error: errorsUpTo[kept]! / kept };
  });
}

/**
 * Writes an SVG chart of one or more named curves.
 * @param curves series name -> points
 */
export async function writeCoverageChart(svgFile: string, curves: Readonly<Record<string, readonly CoveragePoint[]>>, title: string): Promise<void> {
  const values = Object.entries(curves).flatMap(([series, points]) => points.map((p) => ({ ...p, error: 100 * p.error, series })));
  await writeLineChart(svgFile, {
    title,
    width: 560,
    points: values,
    x: { field: 'coverage', title: 'coverage (fraction of test images kept, most certain first)', domain: [0, 1] },
    y: { field: 'error', title: 'error among kept images (%)' },
    series: { title: 'uncertainty score', legendBelow: true },
  });
}
