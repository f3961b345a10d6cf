/**
 * `idfz eval`: bits per dimension of a float checkpoint (EMA weights) on a dataset split.
 */
import { Command, Option } from 'commander';
import path from 'node:path';
import type { CommandFactory } from '../command.js';
import { limitedDataset, limitOption, jsonOption, splitOption, type EvaluationFlags } from '../evaluation-options.js';
import { integerIn } from '../option-parsers.js';
import { startProgressBar } from '../progress-bar.js';
import { backendOption, workersOption } from '../training-options.js';
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import type { BackendName } from '../../train/backend.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { evaluateIdf } from '../../train/evaluate.js';
import { DATASET_NAMES, openDataset, type DatasetName } from '../../data/open-dataset.js';

interface EvalFlags extends EvaluationFlags {
  checkpoint: string;
  dataset: DatasetName;
  data: string;
  workers: number;
  backend: BackendName;
  batchSize: number;
}

/** Builds `idfz eval`. */
export const evalCommand: CommandFactory = (ctx) =>
  new Command('eval')
    .description('bits per dimension of a trained float checkpoint on a dataset')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder written by idfz train')
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).makeOptionMandatory())
    .requiredOption('--data <path>', 'dataset folder or file')
    .addOption(splitOption())
    .addOption(limitOption())
    .addOption(workersOption('worker threads'))
    .addOption(backendOption())
    .option('--batch-size <n>', 'images per worker request', integerIn('--batch-size', 1, 4096), 50)
    .addOption(jsonOption())
    .action(async (flags: EvalFlags) => {
      const checkpoint = loadCheckpoint(path.resolve(ctx.cwd, flags.checkpoint));
      const full = await openDataset(flags.dataset, path.resolve(ctx.cwd, flags.data), flags.split);
      const data = limitedDataset(full, flags.limit);
      if (data.channels !== checkpoint.spec.imageChannels) {
        throw new UsageError(`${flags.checkpoint} models ${checkpoint.spec.imageChannels}-channel images but ${full.name} has ${data.channels}`);
      }
      const bar = startProgressBar(ctx, data.count, 'eval |{bar}| {value}/{total} img | ETA {eta_formatted}');
      const result = await evaluateIdf(checkpoint, data, { workers: flags.workers, backend: flags.backend, batchSize: flags.batchSize, onProgress: (done) => bar.update(done) });
      bar.stop();
      const summary = { checkpoint: flags.checkpoint, dataset: full.name, bpd: result.bpd, images: result.images, seconds: result.seconds };
      log.debug(summary, 'evaluation');
      ctx.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${full.name}: ${result.bpd.toFixed(4)} bits/dim over ${result.images} images\n`);
    });
