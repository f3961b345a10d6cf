/**
 * The bench report's chart: bits per dimension per codec as a bar chart, drawn by vega-lite and rendered to SVG by
 * vega in Node (a charting library, no hand-made SVG). Invariant: only measured codecs appear, in result order.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchResult } from './run-bench.js';

/** The vega-lite specification of the chart of `result` (measured codecs only). */
export function bpdChartSpec(result: BenchResult): TopLevelSpec {
  const values = result.codecs
    .filter((codec) => codec.bpd !== null)
    .map((codec) => ({ codec: codec.name, bpd: Number(codec.bpd!.toFixed(3)), exact: codec.exact ? 'exact' : 'NOT exact' }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `Bits per dimension, ${result.dataset}`, subtitle: `${result.images} images, each coded as its own file; lower is better` },
    width: 480,
    height: { step: 28 },
    background: 'white',
    data: { values },
    encoding: {
      y: { field: 'codec', type: 'nominal', sort: null, title: null },
      x: { field: 'bpd', type: 'quantitative', title: 'bits per dimension (8 x file bytes / samples)', scale: { zero: true } },
    },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          color: { field: 'exact', type: 'nominal', title: 'decode', scale: { domain: ['exact', 'NOT exact'], range: ['#4c78a8', '#e45756'] } },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 4 }, encoding: { text: { field: 'bpd', type: 'quantitative', format: '.3f' } } },
    ],
  };
}

/** Renders the chart of `result` as an SVG document. */
export async function renderBpdChart(result: BenchResult): Promise<string> {
  const view = new vega.View(vega.parse(compile(bpdChartSpec(result)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
