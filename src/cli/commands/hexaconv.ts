/**
 * `idfz hexaconv`: the HexaConv (Hoogeboom et al. 2018) classifiers: `train` a WideResNet of one group on CIFAR-10 or
 * an AID-style class folder (resumable checkpoints), `eval` a checkpoint's test accuracy, and `cost` the widths,
 * parameters and multiply-adds of every group at one parameter budget.
 */
import { Command, Option } from 'commander';
import path from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandFactory } from '../command.js';
import { jsonOption, limitedDataset, limitOption, splitOption, type EvaluationFlags } from '../evaluation-options.js';
import { integerIn, numberAbove, numberIn } from '../option-parsers.js';
import { startProgressBar } from '../progress-bar.js';
import { commandGroup } from '../command-group.js';
import { checkRunFolder } from '../run-folders.js';
import { runStoppable } from '../stop-signals.js';
import { backendOption, checkpointMinutesOption, minutesOption, seedOption, workersOption, type RunFlags } from '../training-options.js';
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import type { BackendName } from '../../train/backend.js';
import { GROUP_NAMES, type GroupName } from '../../research/hexaconv/point-groups.js';
import { CLASSIFICATION_DATASETS, holdOutValidation, openClassificationSplit, type ClassificationDatasetName } from '../../research/hexaconv/classification-data.js';
import { channelNormalisation } from '../../research/hexaconv/input-pipeline.js';
import { hasWrnCheckpoint, loadWrnCheckpoint, type TrainSettings } from '../../research/hexaconv/wrn-checkpoint.js';
import { trainWrn, type WrnTrainStart } from '../../research/hexaconv/wrn-trainer.js';
import { evaluateWrn } from '../../research/hexaconv/wrn-evaluate.js';
import { DEFAULT_BUDGETS, PAPER_BUDGETS, wrnSpecForBudget, wrnTemplate } from '../../research/hexaconv/wrn-presets.js';
import { checkWrnSpec, wrnMultiplyAdds, wrnParamCount, type WrnSpec } from '../../research/hexaconv/wrn-spec.js';

interface TrainFlags extends RunFlags {
  dataset: ClassificationDatasetName;
  data: string;
  group?: GroupName;
  budget?: number;
  widths?: number[];
  blocks?: number;
  batchSize: number;
  workers: number;
  splitSeed: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  validation?: number;
  flips: boolean;
  translate: number;
}

function widthList(value: string): number[] {
  const parts = value.split(',');
  const parse = integerIn('--widths', 1, 1024);
  if (parts.length < 1 || parts.length > 6) throw new UsageError(`Expected 1..6 comma-separated widths for --widths but received "${value}"`);
  return parts.map((part) => parse(part));
}

function newSpec(flags: TrainFlags, classes: number): WrnSpec {
  if (!flags.group) throw new UsageError('--group is required to start a run (z2, hex, p4, p4m, p6 or p6m)');
  if (flags.widths && flags.budget !== undefined) throw new UsageError('Use either --budget or --widths, not both');
  const template = wrnTemplate(flags.dataset, classes, flags.blocks);
  if (flags.widths) {
    const { stageRatios: _ratios, ...rest } = template;
    return checkWrnSpec({ kind: 'hexaconv-wrn', group: flags.group, ...rest, widths: flags.widths }, '--widths');
  }
  return wrnSpecForBudget(flags.group, template, flags.budget ?? DEFAULT_BUDGETS[flags.dataset]);
}

/** Options that fix a run's network, data or optimisation: --resume takes them from the checkpoint. */
const RUN_OPTIONS: readonly [keyof TrainFlags, string][] = [
  ['group', '--group'], ['budget', '--budget'], ['widths', '--widths'], ['blocks', '--blocks'], ['batchSize', '--batch-size'], ['seed', '--seed'],
  ['splitSeed', '--split-seed'], ['lr', '--lr'], ['momentum', '--momentum'], ['weightDecay', '--weight-decay'], ['validation', '--validation'],
  ['flips', '--no-flips'], ['translate', '--translate'],
];

async function runTrain(ctx: CliContext, flags: TrainFlags, command: Command): Promise<void> {
  const outDir = path.resolve(ctx.cwd, flags.out);
  const resuming = flags.resume === true;
  checkRunFolder(outDir, resuming, hasWrnCheckpoint);
  const checkpoint = resuming ? loadWrnCheckpoint(outDir) : null;
  if (checkpoint) {
    const given = RUN_OPTIONS.filter(([key]) => command.getOptionValueSource(key) === 'cli').map(([, option]) => option);
    if (given.length > 0) throw new UsageError(`--resume continues the run with its own settings: drop ${given.join(', ')} (only --epochs, --minutes, --workers, --backend and --checkpoint-minutes may change)`);
  }
  const dataset = checkpoint?.state.data.dataset ?? flags.dataset;
  if (dataset !== flags.dataset) throw new UsageError(`${outDir} was trained on --dataset ${dataset}, not ${flags.dataset}`);
  const dataPath = path.resolve(ctx.cwd, flags.data);
  const splitSeed = checkpoint?.state.data.splitSeed ?? flags.splitSeed;
  const full = await openClassificationSplit(flags.dataset, dataPath, 'train', splitSeed);
  const validationCount = checkpoint?.state.data.validation ?? flags.validation ?? (flags.dataset === 'cifar10' ? 5000 : Math.floor(full.images.count / 10));
  if (validationCount >= full.images.count) throw new UsageError(`--validation ${validationCount} leaves no training images of ${full.images.count}`);
  const { train, validation } = holdOutValidation(flags.dataset, full.images, validationCount, splitSeed);
  const settings: TrainSettings = checkpoint
    ? { ...checkpoint.state.settings, epochs: flags.epochs ?? checkpoint.state.settings.epochs }
    : { epochs: flags.epochs ?? 20, batchSize: flags.batchSize, learningRate: flags.lr, momentum: flags.momentum, weightDecay: flags.weightDecay, flips: flags.flips, translate: flags.translate, seed: flags.seed };
  const start: WrnTrainStart = checkpoint
    ? { checkpoint, settings }
    : {
        spec: newSpec(flags, full.classNames.length),
        settings,
        data: { dataset: flags.dataset, path: dataPath, splitSeed, validation: validationCount, normalisation: channelNormalisation(train), classNames: full.classNames },
      };
  const spec = 'spec' in start ? start.spec : start.checkpoint.spec;
  if (train.height !== spec.imageSize || train.channels !== spec.imageChannels) {
    throw new UsageError(`${train.name} has ${train.height}x${train.width}x${train.channels} images; the network takes ${spec.imageSize}x${spec.imageSize}x${spec.imageChannels}`);
  }
  log.info({ group: spec.group, widths: spec.widths, params: wrnParamCount(spec), train: train.count, validation: validation?.count ?? 0, workers: flags.workers }, resuming ? 'resuming training' : 'starting training');
  const total = settings.epochs * train.count;
  const bar = startProgressBar(ctx, total, 'hexaconv |{bar}| epoch {epoch} | {value}/{total} img | loss {loss} | acc {acc} | {speed} img/s | ETA {eta_formatted}');
  const result = await runStoppable('stopping after the current step; a final checkpoint follows', (signal) => trainWrn(start, {
    outDir,
    train,
    validation,
    workers: flags.workers,
    backend: flags.backend,
    minutes: flags.minutes ?? null,
    checkpointMinutes: flags.checkpointMinutes,
    onProgress: (p) => bar.update(Math.min(p.imagesSeen, total), { epoch: p.epoch.toFixed(2), loss: p.loss.toFixed(3), acc: p.accuracy.toFixed(3), speed: p.imagesPerSecond.toFixed(1) }),
    signal,
  }));
  bar.stop();
  log.info({ imagesSeen: result.imagesSeen, hours: Number((result.trainSeconds / 3600).toFixed(3)), validation: result.lastValidation }, 'training finished');
}

interface EvalFlags extends EvaluationFlags {
  checkpoint: string;
  dataset?: ClassificationDatasetName;
  data?: string;
  workers: number;
  backend: BackendName;
  batchSize: number;
}

async function runEval(ctx: CliContext, flags: EvalFlags): Promise<void> {
  const dir = path.resolve(ctx.cwd, flags.checkpoint);
  const checkpoint = loadWrnCheckpoint(dir);
  const record = checkpoint.state.data;
  const dataset = flags.dataset ?? record.dataset;
  const dataPath = flags.data !== undefined ? path.resolve(ctx.cwd, flags.data) : record.path;
  const split = await openClassificationSplit(dataset, dataPath, flags.split, record.splitSeed);
  // Evaluating `train` means the images trained on, without the held-out validation images.
  let images = split.images;
  if (flags.split === 'train' && dataset === record.dataset) images = holdOutValidation(dataset, images, record.validation, record.splitSeed).train;
  images = limitedDataset(images, flags.limit);
  const { spec } = checkpoint;
  if (images.height !== spec.imageSize || images.channels !== spec.imageChannels || split.classNames.length !== spec.classes) {
    throw new UsageError(`${images.name}: ${split.classNames.length} classes of ${images.height}x${images.width}x${images.channels} images do not fit ${flags.checkpoint} (${spec.classes} classes, ${spec.imageSize}x${spec.imageSize}x${spec.imageChannels})`);
  }
  const bar = startProgressBar(ctx, images.count, 'eval |{bar}| {value}/{total} img');
  const result = await evaluateWrn(checkpoint, images, { workers: flags.workers, backend: flags.backend, batchSize: flags.batchSize });
  bar.stop();
  const summary = { checkpoint: flags.checkpoint, group: spec.group, dataset: images.name, accuracy: result.accuracy, images: result.images, params: wrnParamCount(spec), loss: result.loss, seconds: result.seconds };
  ctx.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${images.name}: ${(100 * result.accuracy).toFixed(2)}% of ${result.images} images correct (${spec.group}, ${summary.params} parameters)\n`);
}

interface CostFlags {
  dataset: ClassificationDatasetName;
  budget?: number;
  blocks?: number;
  classes?: number;
  json?: boolean;
}

function runCost(ctx: CliContext, flags: CostFlags): void {
  const budget = flags.budget ?? DEFAULT_BUDGETS[flags.dataset];
  const template = wrnTemplate(flags.dataset, flags.classes ?? (flags.dataset === 'cifar10' ? 10 : 30), flags.blocks);
  const rows = GROUP_NAMES.map((group) => {
    const spec = wrnSpecForBudget(group, template, budget);
    return { group, widths: spec.widths, params: wrnParamCount(spec), forwardMultiplyAdds: wrnMultiplyAdds(spec) };
  });
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({ dataset: flags.dataset, budget, blocksPerStage: template.blocksPerStage, groups: rows })}\n`);
    return;
  }
  ctx.stdout.write(`budget ${budget} parameters (the paper's: ${PAPER_BUDGETS[flags.dataset]}), ${flags.dataset}, ${template.blocksPerStage} blocks per stage\n`);
  for (const row of rows) ctx.stdout.write(`${row.group.padEnd(4)} widths ${row.widths.join('/').padEnd(10)} ${String(row.params).padStart(8)} params ${(row.forwardMultiplyAdds / 1e6).toFixed(1).padStart(8)} M multiply-adds per image\n`);
}

const datasetOption = () => new Option('--dataset <name>', 'cifar10, or folder (AID layout: one sub-folder of images per class)').choices(CLASSIFICATION_DATASETS);

/** Builds `idfz hexaconv`. */
export const hexaconvCommand: CommandFactory = (ctx) => {
  const command = commandGroup(ctx, 'hexaconv', 'HexaConv: planar and group convolutions on square and hexagonal lattices (classifiers)');
  command
    .command('train')
    .description('train a WideResNet of one group; checkpoints are resumable')
    .addOption(datasetOption().makeOptionMandatory())
    .requiredOption('--data <path>', 'cifar-10-batches-bin folder, or a folder of class sub-folders')
    .addOption(new Option('--group <name>', 'convolution group').choices(GROUP_NAMES))
    .option('--budget <params>', 'parameter budget shared by every group (default: cifar10 100000, folder 910000)', integerIn('--budget', 1000, 1e8))
    .option('--widths <list>', 'channels per stage instead of a budget, e.g. 8,16,32', widthList)
    .option('--blocks <n>', 'residual blocks per stage (default: cifar10 4, folder 2)', integerIn('--blocks', 1, 16))
    .requiredOption('--out <dir>', 'checkpoint folder')
    .option('--epochs <n>', 'epochs in total, the span of the cosine schedule (default 20; --resume: the run\'s)', integerIn('--epochs', 1, 10000))
    .addOption(minutesOption())
    .option('--batch-size <n>', 'images per step', integerIn('--batch-size', 1, 4096), 125)
    .addOption(workersOption())
    .addOption(backendOption())
    .option('--resume', 'continue the checkpoint in --out')
    .addOption(seedOption('seed of initialisation, order and augmentation', 1))
    .option('--split-seed <n>', 'folder: seed of the 80/20 split', integerIn('--split-seed', 0, 2 ** 31 - 1), 0)
    .option('--lr <rate>', 'peak learning rate (SGD, cosine schedule)', numberAbove('--lr', 0, 10), 0.05)
    .option('--momentum <m>', 'SGD momentum', numberIn('--momentum', 0, 0.999), 0.9)
    .option('--weight-decay <w>', 'weight decay of the filters', numberIn('--weight-decay', 0, 1), 1e-3)
    .option('--validation <n>', 'training images held out for validation (default: cifar10 5000, folder 10%)', integerIn('--validation', 0, 1e7))
    .addOption(checkpointMinutesOption())
    .option('--no-flips', 'no horizontal-flip augmentation')
    .option('--translate <px>', 'random translations of up to this many pixels', integerIn('--translate', 0, 16), 0)
    .action(async (flags: TrainFlags, self: Command) => runTrain(ctx, flags, self));
  command
    .command('eval')
    .description('test accuracy of a checkpoint')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder written by idfz hexaconv train')
    .addOption(datasetOption())
    .option('--data <path>', 'dataset path (default: the one the checkpoint was trained on)')
    .addOption(splitOption())
    .addOption(limitOption())
    .addOption(workersOption())
    .addOption(backendOption())
    .option('--batch-size <n>', 'images per worker request', integerIn('--batch-size', 1, 4096), 100)
    .addOption(jsonOption())
    .action(async (flags: EvalFlags) => runEval(ctx, flags));
  command
    .command('cost')
    .description('widths, parameters and multiply-adds of every group at one budget')
    .addOption(datasetOption().default('cifar10'))
    .option('--budget <params>', 'parameter budget (default: cifar10 100000, folder 910000)', integerIn('--budget', 1000, 1e8))
    .option('--blocks <n>', 'residual blocks per stage', integerIn('--blocks', 1, 16))
    .option('--classes <n>', 'classes (default: cifar10 10, folder 30)', integerIn('--classes', 2, 1000))
    .addOption(jsonOption())
    .action((flags: CostFlags) => runCost(ctx, flags));
  return command;
};
