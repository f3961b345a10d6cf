/**
 * Renders a bench result for people: a plain-text table for the terminal and a Markdown report with the chart
 * beside it. Invariant: every codec asked for appears, measured, skipped (with the reason) or failed (with the
 * error), and the method (file per image, container included, how times were taken) is stated with the numbers.
 */
import path from 'node:path';
import { atomicWrite } from '../core/atomic-write.js';
import { renderBpdChart } from './bench-chart.js';
import type { BenchResult, CodecResult } from './run-bench.js';

function fixed(value: number | null, digits: number): string {
  return value === null ? '-' : value.toFixed(digits);
}

function rate(value: number | null): string {
  if (value === null) return '-';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toPrecision(2);
}

function exactWord(codec: CodecResult): string {
  if (codec.exact === null) return '-';
  return codec.exact ? 'yes' : `NO (${codec.inexactImages} images)`;
}

function status(codec: CodecResult): string {
  if (codec.skipped !== null) return `skipped: ${codec.skipped}`;
  if (codec.error !== null) return `failed: ${codec.error}`;
  return '';
}

function noteLines(result: BenchResult): string[] {
  return result.codecs.flatMap((codec) => [
    ...(codec.note !== null ? [`${codec.name}: ${codec.note}`] : []),
    ...(codec.estimated
      ? [
        `${codec.name} estimated bits/dim, float model: ${fixed(codec.estimated.float.bpd, 3)} (${codec.estimated.float.note})`,
        `${codec.name} estimated bits/dim, integer model (ideal code length): ${fixed(codec.estimated.integer.bpd, 3)} (${codec.estimated.integer.note})`,
      ]
      : []),
  ]);
}

/** A fixed-width table of `result` for the terminal, one line per codec, then the estimates. */
export function benchTable(result: BenchResult): string {
  const rows = [['codec', 'bits/dim', 'enc MB/s', 'dec MB/s', 'exact', 'timing'], ...result.codecs.map((codec) => [
    codec.name, fixed(codec.bpd, 3), rate(codec.encodeMBps), rate(codec.decodeMBps), exactWord(codec), codec.timing,
  ])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row, r) => {
    const cells = row.map((cell, column) => (column === 0 || column >= 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)));
    const note = r === 0 ? '' : status(result.codecs[r - 1]!);
    return `${cells.join('  ')}${note ? `  ${note}` : ''}`.trimEnd();
  });
  return [`${result.dataset}: ${result.images} images, ${result.subPixels} samples, each image coded as its own file`, ...lines, ...noteLines(result)].join('\n') + '\n';
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * The Markdown report of `result`.
 * @param chartFile the chart's file name relative to the report (shown as an image), or null for none
 */
export function benchMarkdown(result: BenchResult, chartFile: string | null): string {
  const lines = [
    `# idfz bench: ${result.dataset}`,
    '',
    `${result.images} images, ${result.subPixels} samples (sub-pixels). Each image is coded as its own file, as the literature does; ` +
      'bits per dimension = 8 x (sum of file sizes, container included) / (sum of samples). Lower is better.',
    '',
    ...(chartFile ? [`![bits per dimension per codec](${chartFile})`, ''] : []),
    '| codec | bits/dim | encode MB/s | decode MB/s | exact decode | timing | settings and container |',
    '|---|---:|---:|---:|---|---|---|',
    ...result.codecs.map((codec) =>
      `| ${codec.name} | ${fixed(codec.bpd, 3)} | ${rate(codec.encodeMBps)} | ${rate(codec.decodeMBps)} | ${exactWord(codec)} | ${codec.timing} | ${cell(status(codec) || codec.settings)} |`),
    '',
  ];
  const estimates = noteLines(result);
  if (estimates.length > 0) lines.push('Notes and model estimates (estimates write no file):', '', ...estimates.map((line) => `- ${cell(line)}`), '');
  const versions = result.codecs.filter((codec) => codec.version !== null).map((codec) => `${codec.name}: ${codec.version}`);
  lines.push(
    'How it was measured:',
    '',
    '- Throughput is raw pixel bytes (one byte per sample) per second, in MB (10^6 bytes), encode and decode timed separately.',
    '- `in-process`: one library call inside Node per image. `per-process`: one tool process per image and direction, ' +
      'process start-up and temporary files included (for small images this is mostly start-up).',
    '- Codecs run one at a time, one image at a time; every decoded image is compared with the original, sample by sample.',
    ...(versions.length > 0 ? [`- Versions: ${versions.map(cell).join('; ')}.`] : []),
    '',
  );
  return lines.join('\n');
}

/**
 * Writes the Markdown report to `file` and its chart beside it as `<name>.svg` (both replaced if they exist).
 * @returns the chart's path
 * @throws UsageError when the folder is missing or not writable; LimitError when the disk is full
 */
export async function writeBenchReport(result: BenchResult, file: string): Promise<string> {
  const chart = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.svg`);
  await atomicWrite(chart, new TextEncoder().encode(await renderBpdChart(result)), { force: true });
  await atomicWrite(file, new TextEncoder().encode(benchMarkdown(result, path.basename(chart))), { force: true });
  return chart;
}
