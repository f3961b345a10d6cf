/**
 * `idfz bench`: bits per dimension, throughput and an exact-decode check of idfz and the classic lossless codecs on
 * a dataset, each image coded as its own file. A codec that cannot run here is reported as skipped with the reason,
 * never left out silently; a codec that fails part-way is reported and makes the exit code 1.
 */
import { Command, Option } from 'commander';
import path from 'node:path';
import type { CommandFactory } from '../command.js';
import { limitOption, splitOption } from '../evaluation-options.js';
import { startProgressBar } from '../progress-bar.js';
import { atomicWrite, writeToStream } from '../../core/atomic-write.js';
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import type { Split } from '../../data/dataset.js';
import { DATASET_NAMES, type DatasetName } from '../../data/open-dataset.js';
import { BASELINE_NAMES, createBaselines, parseBaselines, type BaselineName } from '../../bench/baselines.js';
import { openBenchImages } from '../../bench/bench-images.js';
import { benchTable, writeBenchReport } from '../../bench/bench-report.js';
import { idfzCodec } from '../../bench/idfz-codec.js';
import { runBench } from '../../bench/run-bench.js';
import { loadModel, resolveModel } from '../../zoo/index.js';

interface BenchFlags {
  dataset: DatasetName;
  data: string;
  split: Split;
  limit?: number;
  model?: string;
  baselines: BaselineName[];
  json?: string;
  report?: string;
}

function reportFile(value: string): string {
  if (path.extname(value).toLowerCase() !== '.md') throw new UsageError(`Expected a Markdown file name ending in .md for --report but received "${value}"`);
  return value;
}

/** Builds `idfz bench`. */
export const benchCommand: CommandFactory = (ctx, state) =>
  new Command('bench')
    .description('bits per dimension, speed and exact decoding of idfz and classic lossless codecs on a dataset')
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).makeOptionMandatory())
    .requiredOption('--data <path>', 'dataset folder or file (folder: whole images at full size)')
    .addOption(splitOption())
    .addOption(limitOption('code only the first n images'))
    .option('--model <id|path>', 'also measure idfz with this model: an installed model id or a model folder')
    .option('--baselines <list>', `comma-separated baselines (${BASELINE_NAMES.join(',')}) or none`, parseBaselines, [...BASELINE_NAMES])
    .option('--json <file>', 'write the results as JSON to a file, or - for stdout')
    .option('--report <file.md>', 'write a Markdown report, with its chart beside it as <file>.svg', reportFile)
    .action(async (flags: BenchFlags) => {
      if (flags.model === undefined && flags.baselines.length === 0) throw new UsageError('Nothing to measure: --baselines none and no --model; name at least one codec');
      const model = flags.model === undefined ? null : await loadModel(await resolveModel(flags.model, { cwd: ctx.cwd }));
      const codecs = [...(model ? [idfzCodec({ model })] : []), ...createBaselines(flags.baselines)];
      const source = await openBenchImages(flags.dataset, path.resolve(ctx.cwd, flags.data), flags.split, flags.limit);
      log.info({ dataset: source.name, images: source.images.length, codecs: codecs.map((codec) => codec.name) }, 'bench');
      const bar = startProgressBar(ctx, source.images.length * codecs.length, 'bench |{bar}| {value}/{total} images | {codec} | ETA {eta_formatted}', { codec: '' });
      const result = await runBench(source.name, source.images, codecs, { onProgress: (done, _total, codec) => bar.update(done, { codec }) });
      bar.stop();

      for (const codec of result.codecs) {
        if (codec.skipped !== null) log.warn(`${codec.name}: skipped: ${codec.skipped}`);
        if (codec.error !== null) log.error(`${codec.name}: failed: ${codec.error}`);
        if (codec.exact === false) log.warn(`${codec.name}: ${codec.inexactImages} of ${result.images} images did not decode exactly`);
      }
      if (result.codecs.some((codec) => codec.error !== null)) state.exitCode = Math.max(state.exitCode, 1);

      const json = new TextEncoder().encode(`${JSON.stringify(result, null, 2)}\n`);
      if (flags.json === '-') await writeToStream(ctx.stdout, json);
      else await writeToStream(ctx.stdout, new TextEncoder().encode(benchTable(result)));
      if (flags.json !== undefined && flags.json !== '-') await atomicWrite(path.resolve(ctx.cwd, flags.json), json, { force: true, name: flags.json });
      if (flags.report !== undefined) {
        const chart = await writeBenchReport(result, path.resolve(ctx.cwd, flags.report));
        log.info({ report: flags.report, chart }, 'bench report written');
      }
    });
