/**
 * `idfz snf`: Self Normalizing Flows (Keller et al., ICML 2021) as a sibling density model: train the paper's FC,
 * 9-layer conv and Glow-like models (or their exact-gradient twins, --exact), evaluate them exactly, draw samples
 * through R or the exact inverse, time one layer's training step as D grows, and compact a checkpoint for committing.
 */
import { Option } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandFactory } from '../command.js';
import { jsonOption, limitedDataset, limitOption, splitOption, type EvaluationFlags } from '../evaluation-options.js';
import { integerIn, numberAbove, numberAtLeast } from '../option-parsers.js';
import { startProgressBar } from '../progress-bar.js';
import { commandGroup } from '../command-group.js';
import { checkRunFolder, compactFolders, copyRunFiles } from '../run-folders.js';
import { runStoppable } from '../stop-signals.js';
import { backendOption, runLimits, seedOption, validateEveryOption, warmupImagesOption, type RunFlags } from '../training-options.js';
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { atomicWrite } from '../../core/atomic-write.js';
import { FETCHED_DATA_PATHS, openDataset, type DatasetName } from '../../data/open-dataset.js';
import { splitValidation } from '../../data/dataset.js';
import { writeImage } from '../../image/write-image.js';
import { startBackend, type BackendName } from '../../train/backend.js';
import { writeTrainingChart } from '../../train/training-chart.js';
import { hasSnfCheckpoint, loadSnfCheckpoint, saveSnfCheckpoint, type SnfCheckpoint } from '../../research/snf/snf-checkpoint.js';
import { evaluateSnf } from '../../research/snf/snf-evaluate.js';
import { SnfFlow } from '../../research/snf/snf-flow.js';
import { snfPreset, SNF_TRAINING_DEFAULTS } from '../../research/snf/snf-presets.js';
import { sampleGrid } from '../../research/snf/snf-sample.js';
import { describeLayers, RECONSTRUCTION_GRADIENTS, SNF_MODELS, type ReconstructionGradient, type SnfModelName } from '../../research/snf/snf-spec.js';
import { timeTrainingStep, type TimedLayer, type TimingRow } from '../../research/snf/snf-timing.js';
import { trainSnf, type SnfTrainStart } from '../../research/snf/snf-trainer.js';
import type { InverseKind } from '../../research/snf/linear-layers.js';

/** Datasets the SNF models are trained on (the paper: MNIST and CIFAR-10). */
const SNF_DATASETS = ['mnist', 'fashion-mnist', 'cifar10'] as const;
type SnfDataset = (typeof SNF_DATASETS)[number];

interface TrainFlags extends RunFlags {
  model?: SnfModelName;
  dataset?: SnfDataset;
  data?: string;
  exact?: boolean;
  batchSize?: number;
  lr?: number;
  warmupImages: number;
  decay: number;
  clipNorm: number;
  reconWeight?: number;
  reconGrad: ReconstructionGradient;
  blocks?: number;
  steps?: number;
  width?: number;
  validation: number;
  validationLimit: number;
  validateEvery: number;
  logSeconds: number;
}

function dataPathFor(ctx: CliContext, dataset: string, given: string | undefined): string {
  if (given !== undefined) return path.resolve(ctx.cwd, given);
  const fetched = FETCHED_DATA_PATHS[dataset as DatasetName];
  if (!fetched) throw new UsageError(`--data is required for --dataset ${dataset}`);
  return path.resolve(ctx.cwd, fetched);
}

const positiveNumber = (option: string) => numberAbove(option, 0, 1e9);

const nonNegativeNumber = (option: string) => numberAtLeast(option, 0);

async function runTrain(ctx: CliContext, flags: TrainFlags): Promise<void> {
  const outDir = path.resolve(ctx.cwd, flags.out);
  const resuming = flags.resume === true;
  checkRunFolder(outDir, resuming, hasSnfCheckpoint, 'SNF');
  if (flags.epochs === undefined && flags.minutes === undefined) throw new UsageError('say how long to train: --epochs N and/or --minutes M');
  const checkpoint: SnfCheckpoint | null = resuming ? loadSnfCheckpoint(outDir) : null;
  if (!checkpoint && (!flags.model || !flags.dataset)) throw new UsageError('a new run needs --model and --dataset');
  const dataset = checkpoint ? checkpoint.state.data.dataset : flags.dataset!;
  if (checkpoint && flags.dataset && flags.dataset !== dataset) throw new UsageError(`${outDir} was trained on ${dataset}, not ${flags.dataset}`);
  const dataPath = flags.data !== undefined || !checkpoint ? dataPathFor(ctx, dataset, flags.data) : checkpoint.state.data.path;
  await startBackend(flags.backend);
  const full = await openDataset(dataset as DatasetName, dataPath, 'train');
  const validationCount = checkpoint ? checkpoint.state.data.validation : flags.validation;
  const { train, validation } = validationCount > 0 ? splitValidation(full, { count: validationCount }) : { train: full, validation: null };
  const image = { height: full.height, width: full.width, channels: full.channels };
  const model = checkpoint ? checkpoint.spec.model : flags.model!;
  const spec = checkpoint
    ? checkpoint.spec
    : snfPreset(model, { gradient: flags.exact ? 'exact' : 'self-normalizing', image, reconstructionWeight: flags.reconWeight, reconstructionGradient: flags.reconGrad, blocks: flags.blocks, steps: flags.steps, couplingWidth: flags.width });
  if (spec.image.height !== image.height || spec.image.width !== image.width || spec.image.channels !== image.channels) {
    throw new UsageError(`the model in ${outDir} is for ${spec.image.height}x${spec.image.width}x${spec.image.channels} images but ${full.name} has ${image.height}x${image.width}x${image.channels}`);
  }
  const defaults = SNF_TRAINING_DEFAULTS[model];
  const settings = { batchSize: flags.batchSize ?? defaults.batchSize, learningRate: flags.lr ?? defaults.learningRate, warmupImages: flags.warmupImages, decayPerEpoch: flags.decay, clipNorm: flags.clipNorm, seed: flags.seed };
  const flow = new SnfFlow(spec);
  log.info({ model, gradient: spec.gradient, layers: describeLayers(spec), params: flow.size, dataset: full.name, train: train.count, validation: validation?.count ?? 0, lambda: spec.reconstructionWeight, reconGrad: spec.reconstructionGradient, ...(checkpoint ? checkpoint.state.settings : settings) }, resuming ? 'resuming SNF training' : 'starting SNF training');
  const totalImages = flags.epochs !== undefined ? Math.ceil(flags.epochs * train.count) : train.count;
  const bar = startProgressBar(ctx, totalImages, 'snf train |{bar}| epoch {epoch} | {value}/{total} img | nll {nll} | {speed} img/s | ETA {eta_formatted}');
  const start: SnfTrainStart = checkpoint ? { checkpoint } : { spec };
  let result: Awaited<ReturnType<typeof trainSnf>>;
  try {
    result = await runStoppable('stopping after the current step; validation and a final checkpoint follow', (signal) => trainSnf(start, {
      outDir,
      train,
      validation,
      settings,
      data: { dataset, path: dataPath, validation: validationCount },
      ...runLimits(flags),
      validateEveryImages: flags.validateEvery,
      validationLimit: flags.validationLimit,
      logSeconds: flags.logSeconds,
      signal,
      onProgress: (p) => bar.update(Math.min(p.imagesSeen, totalImages), { epoch: p.epoch.toFixed(2), nll: p.nll === null ? '-' : p.nll.toFixed(1), speed: p.imagesPerSecond.toFixed(1) }),
    }));
  } finally {
    bar.stop();
  }
  const chart = await writeTrainingChart(path.join(outDir, 'log.jsonl'), path.join(outDir, 'curve.svg'), `SNF ${model} (${spec.gradient}) on ${dataset}`);
  log.info({ imagesSeen: result.imagesSeen, steps: result.steps, secondsPerStep: Number(result.secondsPerStep.toFixed(4)), validation: result.lastValidation, chart }, 'SNF training finished');
}

interface EvalFlags extends EvaluationFlags {
  checkpoint: string;
  dataset?: SnfDataset;
  data?: string;
  batchSize: number;
  seed: number;
  backend: BackendName;
}

async function runEval(ctx: CliContext, flags: EvalFlags): Promise<void> {
  const checkpoint = loadSnfCheckpoint(path.resolve(ctx.cwd, flags.checkpoint));
  const recorded = checkpoint.state.data;
  const dataset = flags.dataset ?? recorded.dataset;
  // The recorded path is absolute on the machine that trained; fall back to the fetched-data folder elsewhere.
  const dataPath = flags.data !== undefined ? path.resolve(ctx.cwd, flags.data) : dataset === recorded.dataset && existsSync(recorded.path) ? recorded.path : dataPathFor(ctx, dataset, undefined);
  await startBackend(flags.backend);
  const full = await openDataset(dataset as DatasetName, dataPath, flags.split);
  const data = limitedDataset(full, flags.limit);
  const { image } = checkpoint.spec;
  if (data.height !== image.height || data.width !== image.width || data.channels !== image.channels) {
    throw new UsageError(`${flags.checkpoint} models ${image.height}x${image.width}x${image.channels} images but ${full.name} has ${data.height}x${data.width}x${data.channels}`);
  }
  const flow = new SnfFlow(checkpoint.spec);
  const bar = startProgressBar(ctx, data.count, 'snf eval |{bar}| {value}/{total} img | ETA {eta_formatted}');
  const result = evaluateSnf(flow, checkpoint.params, data, { batchSize: flags.batchSize, seed: flags.seed, onProgress: (done) => bar.update(done) });
  bar.stop();
  const summary = { checkpoint: flags.checkpoint, model: checkpoint.spec.model, gradient: checkpoint.spec.gradient, dataset: full.name, nll: result.nll, bpd: result.bpd, images: result.images, imagesSeen: checkpoint.state.imagesSeen, trainSeconds: checkpoint.state.trainSeconds, seconds: result.seconds };
  log.debug(summary, 'SNF evaluation');
  ctx.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${full.name}: ${result.nll.toFixed(2)} nats per image, ${result.bpd.toFixed(4)} bits/dim over ${result.images} images\n`);
}

interface SampleFlags {
  checkpoint: string;
  output: string;
  count: number;
  columns: number;
  temperature: number;
  inverse: InverseKind;
  compare?: boolean;
  seed: number;
  force?: boolean;
  backend: BackendName;
  json?: boolean;
}

async function runSample(ctx: CliContext, flags: SampleFlags): Promise<void> {
  if (path.extname(flags.output).toLowerCase() !== '.png') throw new UsageError(`-o ${flags.output}: the grid is written as PNG; give a .png file name`);
  const checkpoint = loadSnfCheckpoint(path.resolve(ctx.cwd, flags.checkpoint));
  const exactModel = checkpoint.spec.gradient === 'exact';
  if (exactModel && (flags.inverse === 'learned' || flags.compare)) throw new UsageError(`${flags.checkpoint} is an exact-gradient model without a learned inverse R: use --inverse exact without --compare`);
  await startBackend(flags.backend);
  const flow = new SnfFlow(checkpoint.spec);
  const options = { count: flags.count, columns: flags.columns, temperature: flags.temperature, seed: flags.seed };
  const started = performance.now();
  const { grid, samples } = sampleGrid(flow, checkpoint.params, { ...options, inverse: flags.inverse });
  const seconds = (performance.now() - started) / 1000;
  const file = path.resolve(ctx.cwd, flags.output);
  await atomicWrite(file, await writeImage(grid, 'png'), { force: flags.force, name: flags.output });
  const summary: Record<string, unknown> = { file: flags.output, count: flags.count, inverse: flags.inverse, temperature: flags.temperature, seconds };
  if (flags.compare) {
    // The same latents through the other inverse: how far R's samples are from the exact inverse's, per pixel.
    const otherStart = performance.now();
    const other = sampleGrid(flow, checkpoint.params, { ...options, inverse: flags.inverse === 'learned' ? 'exact' : 'learned' }).samples;
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += Math.abs(samples[i]! - other[i]!);
    summary.meanAbsPixelDifference = sum / samples.length;
    summary.otherInverseSeconds = (performance.now() - otherStart) / 1000;
  }
  log.info(summary, 'SNF samples written');
  if (flags.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
}

interface TimingFlags {
  layer: TimedLayer | 'both';
  dims: number[];
  batchSize: number;
  steps: number;
  warmup: number;
  seed: number;
  backend: BackendName;
  json?: boolean;
}

function dimensionList(value: string): number[] {
  const dims = value.split(',').map((part) => Number(part.trim()));
  if (dims.length === 0 || dims.some((d) => !Number.isSafeInteger(d) || d < 2 || d > 20000)) {
    throw new UsageError(`Expected a comma-separated list of integers 2..20000 for --dims but received "${value}"`);
  }
  return dims;
}

async function runTiming(ctx: CliContext, flags: TimingFlags): Promise<void> {
  await startBackend(flags.backend);
  const layers: TimedLayer[] = flags.layer === 'both' ? ['dense', 'conv'] : [flags.layer];
  const cpuSeconds = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const options = { batchSize: flags.batchSize, steps: flags.steps, warmup: flags.warmup, seed: flags.seed, cpuSeconds };
  const rows: Array<TimingRow & { exactOverSnf: number | null; exactOverSnfCpu: number | null }> = [];
  for (const layer of layers) {
    for (const dimension of flags.dims) {
      const snf = timeTrainingStep(layer, dimension, 'self-normalizing', options);
      const exact = timeTrainingStep(layer, dimension, 'exact', options);
      const ratio = exact.secondsPerStep / snf.secondsPerStep;
      const cpuRatio = exact.cpuSecondsPerStep / snf.cpuSecondsPerStep;
      rows.push({ ...snf, exactOverSnf: null, exactOverSnfCpu: null }, { ...exact, exactOverSnf: ratio, exactOverSnfCpu: cpuRatio });
      log.info({ layer, dimension, snfSeconds: Number(snf.secondsPerStep.toFixed(4)), exactSeconds: Number(exact.secondsPerStep.toFixed(4)), exactOverSnf: Number(ratio.toFixed(2)), exactOverSnfCpu: Number(cpuRatio.toFixed(2)) }, 'SNF timing');
    }
  }
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify({ batchSize: flags.batchSize, steps: flags.steps, warmup: flags.warmup, backend: flags.backend, rows })}\n`);
    return;
  }
  ctx.stdout.write('layer  D      SNF s/step  exact s/step  exact/SNF   (CPU s: SNF, exact, ratio)\n');
  for (let i = 0; i < rows.length; i += 2) {
    const [snf, exact] = [rows[i]!, rows[i + 1]!];
    const wall = `${snf.secondsPerStep.toFixed(4).padStart(11)} ${exact.secondsPerStep.toFixed(4).padStart(13)} ${exact.exactOverSnf!.toFixed(2).padStart(10)}`;
    const cpu = `${snf.cpuSecondsPerStep.toFixed(4)}, ${exact.cpuSecondsPerStep.toFixed(4)}, ${exact.exactOverSnfCpu!.toFixed(2)}`;
    ctx.stdout.write(`${snf.layer.padEnd(6)} ${String(snf.dimension).padEnd(6)} ${wall}   (${cpu})\n`);
  }
}

interface CompactFlags {
  checkpoint: string;
  out: string;
}

function runCompact(ctx: CliContext, flags: CompactFlags): void {
  const { from, to } = compactFolders(ctx.cwd, flags, hasSnfCheckpoint, 'the optimizer state');
  saveSnfCheckpoint(to, loadSnfCheckpoint(from), { compact: true });
  copyRunFiles(from, to);
  log.info({ from, to }, 'compact SNF checkpoint written (float16 parameters, no optimizer state)');
}

/** Builds `idfz snf`. */
export const snfCommand: CommandFactory = (ctx) => {
  const command = commandGroup(ctx, 'snf', 'Self Normalizing Flows (Keller et al. 2021): train, evaluate, sample and time SNF models and their exact-gradient twins');
  command
    .command('train')
    .description('train the paper\'s fc, conv or glow model on MNIST, Fashion-MNIST or CIFAR-10; checkpoints are resumable')
    .addOption(new Option('--model <name>', 'fc: dense-SLR-dense; conv: 9 3x3 convs; glow: actnorm + SNF 1x1 conv + coupling').choices(SNF_MODELS))
    .addOption(new Option('--dataset <name>', 'dataset').choices(SNF_DATASETS))
    .option('--data <path>', 'dataset folder (default: where `npm run data` puts it)')
    .option('--exact', 'train the exact-gradient twin (gradient through log|det W|, O(D^3) per step) instead of SNF')
    .requiredOption('--out <dir>', 'checkpoint folder')
    .option('--resume', 'continue the checkpoint in --out (model, data and settings come from it)')
    .option('--epochs <n>', 'stop after this many epochs in total (fractions allowed)', positiveNumber('--epochs'))
    .option('--minutes <n>', 'stop after this many minutes of this run', positiveNumber('--minutes'))
    .option('--batch-size <n>', 'images per step (default: the paper\'s, 100)', integerIn('--batch-size', 1, 4096))
    .option('--lr <rate>', 'Adamax learning rate (default: the paper\'s, fc 1e-4, conv and glow 1e-3)', numberAbove('--lr', 0, 1))
    .addOption(warmupImagesOption(0))
    .option('--decay <factor>', 'learning-rate factor per epoch after warm-up', numberAbove('--decay', 0, 1), 1)
    .option('--clip-norm <n>', 'global gradient-norm clip (the loss is in nats per dimension)', positiveNumber('--clip-norm'), 1e4)
    .option('--recon-weight <lambda>', 'reconstruction weight lambda (default: the paper\'s: fc, conv 1; glow 100 grey, 1000 colour)', nonNegativeNumber('--recon-weight'))
    .addOption(new Option('--recon-grad <weights>', 'what the reconstruction loss trains: inverse (R only) or both (W and R)').choices(RECONSTRUCTION_GRADIENTS).default('inverse'))
    .option('--blocks <n>', 'glow: squeeze blocks (default 2 grey, 3 colour)', integerIn('--blocks', 1, 6))
    .option('--steps <n>', 'glow: steps per block (default 16 grey, 32 colour)', integerIn('--steps', 1, 256))
    .option('--width <n>', 'glow: coupling network width (default 512)', integerIn('--width', 1, 4096))
    .option('--validation <n>', 'training images held out for validation, the last ones (paper: 10000)', integerIn('--validation', 0, 1e7), 10000)
    .option('--validation-limit <n>', 'validation images used each time', integerIn('--validation-limit', 1, 1e7), 2000)
    .addOption(validateEveryOption(10000))
    .option('--checkpoint-minutes <n>', 'minutes between checkpoints', positiveNumber('--checkpoint-minutes'), 5)
    .option('--log-seconds <n>', 'seconds between training-log lines (each computes the exact log|det|)', positiveNumber('--log-seconds'), 60)
    .addOption(seedOption('seed of initialisation, order and noise', 1))
    .addOption(backendOption())
    .action(async (flags: TrainFlags) => runTrain(ctx, flags));
  command
    .command('eval')
    .description('exact test negative log-likelihood (nats per image) and bits/dim of a checkpoint')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder written by idfz snf train')
    .addOption(new Option('--dataset <name>', 'dataset (default: the one it was trained on)').choices(SNF_DATASETS))
    .option('--data <path>', 'dataset folder (default: the recorded one, else where `npm run data` puts it)')
    .addOption(splitOption())
    .addOption(limitOption())
    .option('--batch-size <n>', 'images per forward pass', integerIn('--batch-size', 1, 4096), 100)
    .addOption(seedOption('seed of the dequantisation noise', 0))
    .addOption(backendOption())
    .addOption(jsonOption())
    .action(async (flags: EvalFlags) => runEval(ctx, flags));
  command
    .command('sample')
    .description('a PNG grid of samples, through R (fast) or the exact inverse')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder written by idfz snf train')
    .requiredOption('-o, --output <file>', 'PNG file to write')
    .option('--count <n>', 'number of samples', integerIn('--count', 1, 10000), 64)
    .option('--columns <n>', 'samples per grid row', integerIn('--columns', 1, 1000), 8)
    .option('--temperature <t>', 'standard deviation of the latents', numberAbove('--temperature', 0, 10), 1)
    .addOption(new Option('--inverse <kind>', 'learned: through R (SNF models); exact: float64 inverses').choices(['learned', 'exact']).default('learned'))
    .option('--compare', 'also run the other inverse on the same latents and report the mean pixel difference')
    .addOption(seedOption('seed of the latents', 0))
    .option('-f, --force', 'overwrite the output file')
    .addOption(backendOption())
    .addOption(jsonOption())
    .action(async (flags: SampleFlags) => runSample(ctx, flags));
  command
    .command('timing')
    .description('seconds per training step of one SNF layer and its exact twin as D grows (the paper\'s Fig. 4), one core')
    .addOption(new Option('--layer <kind>', 'dense: D x D; conv: 3x3 over a D x 1 image').choices(['dense', 'conv', 'both']).default('dense'))
    .option('--dims <list>', 'dimensions D, comma-separated', dimensionList, [256, 512, 1024, 2048, 3136])
    .option('--batch-size <n>', 'images per step (paper: 128)', integerIn('--batch-size', 1, 4096), 128)
    .option('--steps <n>', 'measured steps per point (the median is reported)', integerIn('--steps', 1, 1000), 2)
    .option('--warmup <n>', 'unmeasured steps first', integerIn('--warmup', 0, 1000), 1)
    .addOption(seedOption('seed of weights and data', 1))
    .addOption(backendOption())
    .addOption(jsonOption())
    .action(async (flags: TimingFlags) => runTiming(ctx, flags));
  command
    .command('compact')
    .description('copy a checkpoint with float16 parameters and no optimizer state (about a quarter of the size), for committing')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder')
    .requiredOption('--out <dir>', 'folder for the compact copy')
    .action((flags: CompactFlags) => runCompact(ctx, flags));
  return command;
};
