/**
 * A training run's JSON-lines log (log.jsonl in its output folder): one object per line, appended as the run goes,
 * and read back by the training charts. Invariant: a line is written whole before record() returns.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Appends one entry to the log. */
export type RecordEntry = (entry: Record<string, unknown>) => void;

/** Creates `outDir` if needed and returns the function that appends to its log.jsonl. */
export function openRunLog(outDir: string): RecordEntry {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'log.jsonl');
  return (entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** The entries of a log.jsonl file, in order; none when the file does not exist yet. */
export function readRunLog(logFile: string): Record<string, unknown>[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
