/**
 * `npm run fuzz -- [--cases N] [--first I] [--seed S] [--threads T] [--limit-ms MS] [--json] [--save DIR]`: the
 * seeded decoder fuzzer (cases I..I+N-1 of seed S, so a long campaign can run in chunks). Mutates the golden
 * streams (fixtures/golden) and decodes every case with the real decompress in a worker thread; a case must end
 * within the limit as an exact decode or a clean idfz error. Prints a summary (or one JSON object with --json),
 * saves the bytes of failing cases with --save, and exits 1 when any case crashed or hung.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fuzzCase, loadCorpus } from './fuzz-mutations.js';
import { DEFAULT_CORPUS, runFuzz } from './fuzz-runner.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} needs a non-negative integer, got "${process.argv[at + 1]}"`);
  return value;
}

async function main(): Promise<number> {
  const cases = option('--cases', 1000);
  const first = option('--first', 0);
  const seed = option('--seed', 1);
  const limitMs = option('--limit-ms', 1000);
  const threads = option('--threads', 1);
  const json = process.argv.includes('--json');
  const saveAt = process.argv.indexOf('--save');
  let lastShown = 0;
  const report = await runFuzz({
    cases, first, seed, limitMs, threads,
    onProgress: (done) => {
      if (!json && (done - lastShown >= 500 || done === cases)) {
        lastShown = done;
        process.stderr.write(`fuzz: ${done} / ${cases} cases\n`);
      }
    },
  });
  if (saveAt >= 0 && report.failures.length > 0) {
    const folder = path.resolve(process.argv[saveAt + 1] ?? 'fuzz-failures');
    mkdirSync(folder, { recursive: true });
    const corpus = loadCorpus(DEFAULT_CORPUS).files;
    for (const failure of report.failures) {
      writeFileSync(path.join(folder, `seed-${seed}-case-${failure.index}-${failure.kind}.idf`), fuzzCase(corpus, seed, failure.index).bytes);
    }
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const { failures, byKind, ...summary } = report;
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\ncases by mutation: ${JSON.stringify(byKind)}\n`);
    for (const failure of failures) process.stdout.write(`${failure.outcome} at case ${failure.index} (${failure.kind} of ${failure.source}): ${failure.message}\n`);
  }
  return report.crashes + report.hangs > 0 ? 1 : 0;
}

process.exitCode = await main();
