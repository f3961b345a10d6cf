/**
 * A progress bar on stderr for long commands (train, eval, bench), shown only when stderr is a terminal; otherwise
 * progress goes to the log at a low rate, so redirected stderr stays readable.
 */
import cliProgress from 'cli-progress';
import type { CliContext } from './context.js';

/** A started bar: update with the current count and named values, stop when done. */
export interface ProgressBar {
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * Starts a bar of `total` units when stderr is a terminal; a no-op bar otherwise.
 * @param format cli-progress format, e.g. `train |{bar}| {value}/{total} img | bpd {bpd}`
 */
export function startProgressBar(ctx: CliContext, total: number, format: string, payload: Record<string, string | number> = {}): ProgressBar {
  if (!ctx.stderrIsTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format, stream: ctx.stderr as NodeJS.WritableStream, hideCursor: true, etaBuffer: 50, fps: 5 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, payload);
  return { update: (value, values) => bar.update(value, values), stop: () => bar.stop() };
}
