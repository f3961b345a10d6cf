/**
 * `idfz train`: trains an IDF prior in TensorFlow.js on every core and writes resumable float checkpoints, a
 * JSON-lines log and a training-curve chart into --out.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandFactory } from '../command.js';
import { integerIn, numberAbove } from '../option-parsers.js';
import { startProgressBar } from '../progress-bar.js';
import { checkRunFolder } from '../run-folders.js';
import { runStoppable } from '../stop-signals.js';
import { backendOption, checkpointMinutesOption, epochsOption, minutesOption, runLimits, seedOption, validateEveryOption, warmupImagesOption, workersOption, type RunFlags } from '../training-options.js';
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { describePresets, idfPreset, IDF_PRESET_NAMES } from '../../arch/idf-presets.js';
import { checkIdfSpec, type IdfSpec } from '../../arch/idf-spec.js';
import { NET_FAMILIES, type NetFamily } from '../../arch/net-spec.js';
import { idfParams } from '../../arch/idf-params.js';
import { effectiveParamCount } from '../../arch/param-list.js';
import { hasCheckpoint, loadCheckpoint } from '../../train/checkpoint.js';
import { trainIdf, type TrainStart } from '../../train/trainer.js';
import { writeTrainingChart } from '../../train/training-chart.js';
import { DATASET_NAMES, openDataset, type DatasetName } from '../../data/open-dataset.js';
import { concatDatasets, splitValidation, type ImageDataset } from '../../data/dataset.js';

interface TrainFlags extends RunFlags {
  preset?: string;
  config?: string;
  dataset: DatasetName;
  data: string[];
  cropSize: number;
  crops: number;
  batchSize: number;
  workers: number;
  init?: string;
  lr: number;
  warmupImages: number;
  decay: number;
  validation: number;
  validateEvery: number;
  flips: boolean;
  family?: NetFamily;
  width?: number;
}

/** The spec of --preset / --config with --family and --width applied to its coupling and split-prior networks. */
function specFromFlags(flags: TrainFlags, channels: number): IdfSpec {
  const spec = baseSpec(flags, channels);
  if (flags.family === undefined && flags.width === undefined) return spec;
  const net = (n: IdfSpec['coupling']) => ({ ...n, family: flags.family ?? n.family, width: flags.width ?? n.width });
  return checkIdfSpec({ ...spec, coupling: net(spec.coupling), splitPrior: { ...spec.splitPrior, net: net(spec.splitPrior.net) } }, '--family/--width');
}

function baseSpec(flags: TrainFlags, channels: number): IdfSpec {
  if (flags.config) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(flags.config, 'utf8'));
    } catch (error) {
      throw new UsageError(`${flags.config}: cannot read the architecture config (${(error as Error).message})`);
    }
    const config = parsed as { preset?: string; seed?: number } & Partial<IdfSpec>;
    if (config.kind === 'idf') return checkIdfSpec(config as IdfSpec, flags.config);
    if (typeof config.preset === 'string') {
      const base = idfPreset(config.preset, channels, flags.seed, { levels: config.levels, couplingsPerLevel: config.couplingsPerLevel });
      return checkIdfSpec({ ...base, ...config, kind: 'idf', imageChannels: channels, permutations: base.permutations } as IdfSpec, flags.config);
    }
    throw new UsageError(`${flags.config}: expected a full IDF spec ("kind": "idf") or {"preset": NAME, ...overrides}`);
  }
  return idfPreset(flags.preset ?? 'small', channels, flags.seed);
}

/** The training split: one dataset, or for `folder` seeded crops drawn evenly from every --data folder. */
async function openTrainingData(ctx: CliContext, flags: TrainFlags): Promise<ImageDataset> {
  const parts = await Promise.all(
    flags.data.map((dataPath, i) =>
      openDataset(flags.dataset, path.resolve(ctx.cwd, dataPath), 'train', {
        crop: { size: flags.cropSize, count: Math.ceil(flags.crops / flags.data.length), seed: flags.seed + i, flip: false },
      }),
    ),
  );
  return concatDatasets(parts, parts.map((p) => p.name).join('+'));
}

async function runTrain(ctx: CliContext, flags: TrainFlags): Promise<void> {
  if (flags.preset && flags.config) throw new UsageError('Use either --preset or --config, not both');
  if (flags.data.length > 1 && flags.dataset !== 'folder') throw new UsageError(`--data takes one path for --dataset ${flags.dataset} (several only for folder)`);
  const outDir = path.resolve(ctx.cwd, flags.out);
  const resuming = flags.resume === true;
  checkRunFolder(outDir, resuming, hasCheckpoint);
  if ((flags.family !== undefined || flags.width !== undefined) && (resuming || flags.init !== undefined)) throw new UsageError('--family and --width shape a new model: do not combine them with --resume or --init');
  if (flags.init !== undefined && (resuming || flags.preset || flags.config)) throw new UsageError('--init takes the architecture and weights of its checkpoint: do not combine it with --resume, --preset or --config');
  const initDir = flags.init === undefined ? null : path.resolve(ctx.cwd, flags.init);
  if (initDir !== null && !hasCheckpoint(initDir)) throw new UsageError(`--init: ${initDir} holds no checkpoint`);
  const full = await openTrainingData(ctx, flags);
  const { train, validation } = splitValidation(full, { count: flags.validation });
  const start: TrainStart = resuming
    ? { checkpoint: loadCheckpoint(outDir) }
    : initDir !== null
      ? { init: loadCheckpoint(initDir), initPath: path.relative(ctx.cwd, initDir) || '.' }
      : { spec: specFromFlags(flags, full.channels) };
  const spec = 'spec' in start ? start.spec : 'init' in start ? start.init.spec : start.checkpoint.spec;
  if (spec.imageChannels !== full.channels) throw new UsageError(`the model codes ${spec.imageChannels}-channel images but ${full.name} has ${full.channels}`);
  log.info({ dataset: full.name, train: train.count, validation: validation.count, params: effectiveParamCount(idfParams(spec)), workers: flags.workers, backend: flags.backend }, resuming ? 'resuming training' : initDir !== null ? `fine-tuning from ${flags.init}` : 'starting training');
  const totalImages = flags.epochs !== undefined ? flags.epochs * train.count : train.count;
  const bar = startProgressBar(ctx, totalImages, 'train |{bar}| epoch {epoch} | {value}/{total} img | bpd {bpd} | {speed} img/s | ETA {eta_formatted}');
  // Ctrl-C (or SIGTERM) ends the run cleanly: the current step finishes, then validation and a final checkpoint.
  const result = await runStoppable('stopping after the current step; a final checkpoint follows', (signal) =>
    trainIdf(start, {
      signal,
      outDir,
      train,
      validation,
      batchSize: flags.batchSize,
      workers: flags.workers,
      backend: flags.backend,
      seed: flags.seed,
      schedule: { learningRate: flags.lr, warmupImages: flags.warmupImages, decayPerEpoch: flags.decay },
      clipNorm: 100,
      emaDecay: 0.999,
      ...runLimits(flags),
      validateEveryImages: flags.validateEvery,
      validationLimit: flags.validation,
      flips: flags.flips,
      onProgress: (p) => bar.update(Math.min(p.imagesSeen, totalImages), { epoch: p.epoch.toFixed(2), bpd: p.bpd.toFixed(3), speed: p.imagesPerSecond.toFixed(1) }),
    }),
  );
  bar.stop();
  const chart = await writeTrainingChart(path.join(outDir, 'log.jsonl'), path.join(outDir, 'curve.svg'));
  log.info({ imagesSeen: result.imagesSeen, hours: Number((result.trainSeconds / 3600).toFixed(3)), validationBpd: result.lastValidationBpd, chart }, 'training finished');
}

/** Builds `idfz train`. */
export const trainCommand: CommandFactory = (ctx) =>
  new Command('train')
    .description('train an IDF prior (float, TensorFlow.js) on every core; checkpoints are resumable')
    .addHelpText('after', `\nPresets:\n${describePresets()}`)
    .addOption(new Option('--preset <name>', 'architecture preset').choices(IDF_PRESET_NAMES))
    .option('--config <file>', 'architecture JSON: a full spec, or {"preset": NAME, ...overrides}')
    .addOption(new Option('--family <name>', 'network family of the coupling and split-prior networks (overrides the preset or config): resnet (default), densenet, binary (+-1 weights, scale per channel), hex (hexagonal 3x3 kernels)').choices(NET_FAMILIES))
    .option('--width <n>', 'hidden width of the coupling and split-prior networks (overrides the preset or config)', integerIn('--width', 1, 1024))
    .addOption(new Option('--dataset <name>', 'dataset').choices(DATASET_NAMES).makeOptionMandatory())
    .requiredOption('--data <path...>', 'dataset folder or file (folder: one or more image folders)')
    .option('--crop-size <n>', 'folder: side of the square training crops', integerIn('--crop-size', 8, 1024), 32)
    .option('--crops <n>', 'folder: number of training crops drawn (seeded)', integerIn('--crops', 2, 1e7), 20000)
    .requiredOption('--out <dir>', 'checkpoint folder')
    .addOption(epochsOption())
    .addOption(minutesOption())
    .option('--batch-size <n>', 'images per step', integerIn('--batch-size', 1, 4096), 64)
    .addOption(workersOption())
    .addOption(backendOption())
    .option('--resume', 'continue the checkpoint in --out')
    .option('--init <checkpoint>', "start a new run from this checkpoint's EMA weights and architecture (fine-tuning: fresh optimizer and schedule)")
    .addOption(seedOption('seed of the run (permutations, initialisation, order)', 1))
    .option('--lr <rate>', 'peak learning rate (Adamax)', numberAbove('--lr', 0, 1), 2e-3)
    .addOption(warmupImagesOption(10000))
    .option('--decay <factor>', 'learning-rate factor per epoch after warm-up', numberAbove('--decay', 0, 1), 0.95)
    .option('--validation <n>', 'training images held out for validation', integerIn('--validation', 1, 1e7), 5000)
    .addOption(validateEveryOption(25000))
    .addOption(checkpointMinutesOption())
    .option('--no-flips', 'no horizontal-flip augmentation')
    .action(async (flags: TrainFlags) => runTrain(ctx, flags));
