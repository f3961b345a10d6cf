/**
 * Line charts as SVG files, drawn by vega-lite (a charting library renders them; no hand-made SVG): one line per
 * series over a quantitative x and y, the form of every training curve and of the coverage chart. Invariant: the
 * same points and options give the same SVG bytes.
 */
import { writeFileSync } from 'node:fs';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** An axis: the point field it shows and its title. */
export interface ChartAxis {
  readonly field: string;
  readonly title: string;
  /** Fixed [min, max] of the scale (default: fitted to the data). */
  readonly domain?: readonly [number, number];
  /** Whether the scale must include zero (default: vega-lite's). */
  readonly zero?: boolean;
}

/** What to draw. */
export interface LineChart {
  readonly title: string;
  /** Plot width in pixels. */
  readonly width: number;
  /** Plot height in pixels (default 360). */
  readonly height?: number;
  /** One object per point, with the x and y fields and a `series` name. */
  readonly points: readonly Record<string, number | string>[];
  readonly x: ChartAxis;
  readonly y: ChartAxis;
  /** Title of the series legend (null: none) and where the legend goes (default: vega-lite's, on the right). */
  readonly series: { readonly title: string | null; readonly legendBelow?: boolean };
  /** Mark every point on the lines (default false). */
  readonly markPoints?: boolean;
}

function axis(a: ChartAxis) {
  const scale = { ...(a.domain ? { domain: [...a.domain] } : {}), ...(a.zero !== undefined ? { zero: a.zero } : {}) };
  return { field: a.field, type: 'quantitative' as const, title: a.title, ...(Object.keys(scale).length > 0 ? { scale } : {}) };
}

/** Renders `chart` and writes it to `svgFile`. */
export async function writeLineChart(svgFile: string, chart: LineChart): Promise<void> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: chart.title,
    width: chart.width,
    height: chart.height ?? 360,
    background: 'white',
    data: { values: chart.points as Record<string, number | string>[] },
    mark: chart.markPoints ? { type: 'line', point: true } : { type: 'line' },
    encoding: {
      x: axis(chart.x),
      y: axis(chart.y),
      color: {
        field: 'series',
        type: 'nominal',
        title: chart.series.title,
        ...(chart.series.legendBelow ? { legend: { labelLimit: 400, orient: 'bottom', direction: 'vertical' } } : {}),
      },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  writeFileSync(svgFile, await view.toSVG());
  view.finalize();
}
