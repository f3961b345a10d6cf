/**
 * A training run's JSON-lines log (log.jsonl in its output folder): one object per line, appended as the run goes,
 * which the training charts read back. Invariant: a line is written whole before record() returns.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/** Appends one entry to the log. */
export type RecordEntry = (entry: Record<string, unknown>) => void;

/** Creates `outDir` if needed and returns the function that appends to its log.jsonl. */
export function openRunLog(outDir: string): RecordEntry {
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, 'log.jsonl');
  return (entry) => appendFileSync(file, `${JSON.stringify(entry)}\n`);
}
