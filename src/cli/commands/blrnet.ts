/**
 * `idfz blrnet`: probabilistic binary networks (PBNet-S, Peters and Welling 2018). `train` a PBNet on MNIST,
 * Fashion-MNIST or CIFAR-10 (resumable checkpoints), `eval` its propagation, MAP, ternary and ensemble accuracies
 * (with an error-versus-coverage chart and the integer MAP network's agreement), `export` the MAP network as an
 * integer network file, `run` such a file on the integer engine, and `compact` a checkpoint for committing.
 */
import { Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../context.js';
import type { CommandFactory } from '../command.js';
import { jsonOption, limitedDataset, limitOption, splitOption, type EvaluationFlags } from '../evaluation-options.js';
import { integerIn, numberAbove } from '../option-parsers.js';
import { startProgressBar } from '../progress-bar.js';
import { commandGroup } from '../command-group.js';
import { checkRunFolder, compactFolders, copyRunFiles } from '../run-folders.js';
import { runStoppable } from '../stop-signals.js';
import { backendOption, checkpointMinutesOption, epochsOption, minutesOption, runLimits, seedOption, validateEveryOption, warmupImagesOption, workersOption, type RunFlags } from '../training-options.js';
import { atomicWrite } from '../../core/atomic-write.js';
import { DataError, UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { openDataset } from '../../data/open-dataset.js';
import { splitValidation, type ImageDataset, type Split } from '../../data/dataset.js';
import { createEngine, KERNEL_NAMES, type KernelName } from '../../engine/index.js';
import { startBackend, type BackendName } from '../../train/backend.js';
import { hasBlrnetCheckpoint, loadBlrnetCheckpoint, saveBlrnetCheckpoint } from '../../research/blrnet/blrnet-checkpoint.js';
import { evaluateBlrnet, mapFixedNetwork } from '../../research/blrnet/blrnet-evaluate.js';
import { binaryWeightCount } from '../../research/blrnet/blrnet-params.js';
import { BLRNET_PRESETS, blrnetPreset, describeBlrnet, type BlrnetPresetName } from '../../research/blrnet/blrnet-spec.js';
import { BLRNET_DEFAULT_LR, trainBlrnet, type BlrnetStart } from '../../research/blrnet/blrnet-trainer.js';
import { writeBlrnetTrainingChart } from '../../research/blrnet/blrnet-training-chart.js';
import { writeCoverageChart } from '../../research/blrnet/coverage-chart.js';
import { decodeIntegerNetwork, encodeIntegerNetwork } from '../../research/blrnet/integer-map-file.js';
import { exportIntegerNetwork, IntegerMapRunner } from '../../research/blrnet/integer-map-network.js';

/** Datasets a PBNet trains on (labelled, 10 classes). */
const BLRNET_DATASETS = ['mnist', 'fashion-mnist', 'cifar10'] as const;
type BlrnetDataset = (typeof BLRNET_DATASETS)[number];

interface TrainFlags extends RunFlags {
  dataset: BlrnetDataset;
  data: string;
  preset?: BlrnetPresetName;
  batchSize: number;
  lr: number;
  warmupImages: number;
  decay: number;
  temperature: number;
  validation: number;
  validateEvery: number;
  flips?: boolean;
  workers: number;
  init?: string;
}

/** Splits `eval` scores: the two files' splits, or the training images the checkpoint held out for validation. */
const BLRNET_EVAL_SPLITS = ['train', 'validation', 'test'] as const;
type BlrnetEvalSplit = (typeof BLRNET_EVAL_SPLITS)[number];

interface EvalFlags extends Omit<EvaluationFlags, 'split'> {
  split: BlrnetEvalSplit;
  checkpoint: string;
  dataset?: BlrnetDataset;
  data?: string;
  ensemble: number;
  reestimateBatches: number;
  batchSize: number;
  seed: number;
  integer: KernelName | 'off';
  chart?: string;
  backend: BackendName;
}

/** Opens a labelled split and checks it. */
async function openLabelled(ctx: CliContext, dataset: BlrnetDataset, dataPath: string, split: Split): Promise<ImageDataset> {
  const data = await openDataset(dataset, path.resolve(ctx.cwd, dataPath), split);
  if (!data.labels) throw new DataError(`${data.name}: has no labels; a PBNet needs labelled images`);
  return data;
}

async function runTrain(ctx: CliContext, flags: TrainFlags): Promise<void> {
  const outDir = path.resolve(ctx.cwd, flags.out);
  const resuming = flags.resume === true;
  checkRunFolder(outDir, resuming, hasBlrnetCheckpoint, 'blrnet');
  if (resuming && flags.init !== undefined) throw new UsageError('--init starts a new run from a checkpoint\'s weights; --resume continues one: give only one of them');
  const checkpoint = resuming ? loadBlrnetCheckpoint(outDir) : null;
  const initial = flags.init !== undefined ? loadBlrnetCheckpoint(path.resolve(ctx.cwd, flags.init)) : null;
  const dataset = (checkpoint?.state.settings.dataset as BlrnetDataset | undefined) ?? flags.dataset;
  if (checkpoint && dataset !== flags.dataset) throw new UsageError(`--resume: ${outDir} was trained on ${dataset}, not ${flags.dataset}`);
  const full = await openLabelled(ctx, dataset, flags.data, 'train');
  const validationCount = checkpoint?.state.settings.validation ?? flags.validation;
  if (validationCount >= full.count) throw new UsageError(`--validation ${validationCount} must be below the ${full.count} training images`);
  const { train, validation } = splitValidation(full, { count: validationCount });
  let start: BlrnetStart;
  if (checkpoint) {
    start = { checkpoint };
  } else {
    if (initial && (initial.state.settings.dataset !== dataset || initial.state.settings.validation !== validationCount)) {
      throw new UsageError(`--init ${flags.init}: trained on ${initial.state.settings.dataset} holding out its last ${initial.state.settings.validation} images; ` +
        'a fine-tune must use the same dataset and --validation so the held-out images stay unseen');
    }
    if (initial && flags.preset !== undefined) throw new UsageError('--init takes the network of its checkpoint; leave out --preset');
    const spec = initial?.spec ?? blrnetPreset(flags.preset ?? (dataset === 'cifar10' ? 'cifar10' : 'mnist'), full.height, full.width, full.channels);
    start = {
      spec,
      ...(initial ? { initial: { params: initial.params, running: initial.running } } : {}),
      settings: {
        dataset, dataPath: path.resolve(ctx.cwd, flags.data), validation: validationCount, batchSize: flags.batchSize, learningRate: flags.lr,
        warmupImages: flags.warmupImages, decayPerEpoch: flags.decay, temperature: flags.temperature, flips: flags.flips ?? dataset === 'cifar10', seed: flags.seed,
      },
    };
  }
  const spec = 'spec' in start ? start.spec : start.checkpoint.spec;
  if (spec.height !== full.height || spec.width !== full.width || spec.channels !== full.channels) {
    throw new UsageError(`${outDir} holds a network for ${spec.height}x${spec.width}x${spec.channels} images but ${full.name} has ${full.height}x${full.width}x${full.channels}`);
  }
  log.info({ dataset: full.name, network: describeBlrnet(spec), binaryWeights: binaryWeightCount(spec), train: train.count, validation: validation.count, workers: flags.workers }, resuming ? 'resuming blrnet training' : 'starting blrnet training');
  const totalImages = flags.epochs !== undefined ? flags.epochs * train.count : train.count;
  const bar = startProgressBar(ctx, totalImages, 'blrnet |{bar}| epoch {epoch} | {value}/{total} img | loss {loss} | acc {accuracy} | {speed} img/s | ETA {eta_formatted}');
  let result: Awaited<ReturnType<typeof trainBlrnet>>;
  try {
    result = await runStoppable('stopping after the current step; a final checkpoint follows', (signal) => trainBlrnet(start, {
      outDir, train, validation, workers: flags.workers, backend: flags.backend, ...runLimits(flags),
      validateEveryImages: flags.validateEvery, signal,
      onProgress: (p) => bar.update(Math.min(p.imagesSeen, totalImages), { epoch: p.epoch.toFixed(2), loss: p.loss.toFixed(3), accuracy: p.accuracy.toFixed(3), speed: p.imagesPerSecond.toFixed(1) }),
    }));
  } finally {
    bar.stop();
  }
  const chart = await writeBlrnetTrainingChart(path.join(outDir, 'log.jsonl'), path.join(outDir, 'curve.svg'), `PBNet-S ${describeBlrnet(spec)} on ${dataset}`);
  log.info({ imagesSeen: result.imagesSeen, hours: Number((result.trainSeconds / 3600).toFixed(3)), validation: result.lastValidation, chart }, 'blrnet training finished');
}

/**
 * The images `eval` scores and the training images batch norm is re-estimated on. For `validation` the scored images
 * are the ones training held out and re-estimation never sees them, so choices made on validation accuracy stay
 * blind to both them and the test set; the other splits re-estimate on the whole training file.
 */
async function evaluationSets(ctx: CliContext, dataset: BlrnetDataset, dataPath: string, split: BlrnetEvalSplit, heldOut: number): Promise<{ scored: ImageDataset; reestimation: ImageDataset }> {
  const trainFile = await openLabelled(ctx, dataset, dataPath, 'train');
  if (split === 'train') return { scored: trainFile, reestimation: trainFile };
  if (split === 'test') return { scored: await openLabelled(ctx, dataset, dataPath, 'test'), reestimation: trainFile };
  const { train, validation } = splitValidation(trainFile, { count: heldOut });
  return { scored: validation, reestimation: train };
}

async function runEval(ctx: CliContext, flags: EvalFlags): Promise<void> {
  const dir = path.resolve(ctx.cwd, flags.checkpoint);
  const checkpoint = loadBlrnetCheckpoint(dir);
  const settings = checkpoint.state.settings;
  const dataset = flags.dataset ?? (settings.dataset as BlrnetDataset);
  const dataPath = flags.data ?? settings.dataPath;
  await startBackend(flags.backend);
  const { scored: full, reestimation: train } = await evaluationSets(ctx, dataset, dataPath, flags.split, settings.validation);
  const test = limitedDataset(full, flags.limit);
  const { spec } = checkpoint;
  if (spec.height !== test.height || spec.width !== test.width || spec.channels !== test.channels) {
    throw new UsageError(`${flags.checkpoint} classifies ${spec.height}x${spec.width}x${spec.channels} images but ${full.name} has ${test.height}x${test.width}x${test.channels}`);
  }
  const result = evaluateBlrnet(checkpoint, test, train, {
    ensemble: flags.ensemble, reestimateBatches: flags.reestimateBatches, batchSize: flags.batchSize, seed: flags.seed,
    integerKernel: flags.integer === 'off' ? null : flags.integer, onStage: (stage) => log.info(stage),
  });
  let chart: string | null = null;
  if (flags.ensemble > 0) {
    chart = path.resolve(ctx.cwd, flags.chart ?? path.join(flags.checkpoint, 'coverage.svg'));
    await writeCoverageChart(chart, result.coverage, `PBNet-S ${describeBlrnet(spec)}, ${full.name}: ensemble of ${flags.ensemble}`);
  }
  const summary = {
    checkpoint: flags.checkpoint, dataset: test.name, network: describeBlrnet(spec), propagate: result.propagate, map: result.map, ternary: result.ternary,
    ensemble: result.ensemble, ensembleSize: result.ensembleSize, images: result.images, integer: result.integer, coverageChart: chart,
    seconds: Number(result.seconds.toFixed(1)),
  };
  if (flags.json) {
    ctx.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
  ctx.stdout.write(`${test.name} (${result.images} images), ${summary.network}\n  propagate ${pct(result.propagate)}  MAP ${pct(result.map)}  ternary ${pct(result.ternary)}  ` +
    `ensemble of ${flags.ensemble} ${pct(result.ensemble)}\n` +
    (result.integer ? `  integer MAP ${pct(result.integer.accuracy)}, ${result.integer.mismatches} predictions differ from the tfjs MAP network\n` : '') +
    (chart ? `  error versus coverage: ${chart}\n` : ''));
}

/** Builds `idfz blrnet`. */
export const blrnetCommand: CommandFactory = (ctx) => {
  const command = commandGroup(ctx, 'blrnet', 'probabilistic binary networks (PBNet-S): train, evaluate, export to integers, run');
  command
    .command('train')
    .description('train a PBNet-S classifier; checkpoints are resumable')
    .addOption(new Option('--dataset <name>', 'dataset').choices(BLRNET_DATASETS).makeOptionMandatory())
    .requiredOption('--data <path>', 'dataset folder')
    .requiredOption('--out <dir>', 'checkpoint folder')
    .addOption(new Option('--preset <name>', 'network (default: mnist for the MNISTs, cifar10 for CIFAR-10)').choices(BLRNET_PRESETS))
    .addOption(epochsOption())
    .addOption(minutesOption())
    .option('--batch-size <n>', 'images per step', integerIn('--batch-size', 2, 4096), 100)
    .option('--lr <rate>', 'peak learning rate (Adamax: each theta moves by up to about this much per step; docs/blrnet.md)', numberAbove('--lr', 0, 1), BLRNET_DEFAULT_LR)
    .addOption(warmupImagesOption(0))
    .option('--decay <factor>', 'learning-rate factor per epoch', numberAbove('--decay', 0, 1), 0.93)
    .option('--temperature <t>', 'binary-concrete temperature', numberAbove('--temperature', 0, 100), 1)
    .option('--validation <n>', 'training images held out for validation (the last ones)', integerIn('--validation', 1, 1e7), 5000)
    .addOption(validateEveryOption(20000))
    .addOption(checkpointMinutesOption())
    .option('--flips', 'horizontal-flip augmentation (default: on for cifar10)')
    .option('--no-flips', 'no horizontal flips')
    .addOption(workersOption('worker threads (data parallel; batch norm per worker share)'))
    .addOption(backendOption())
    .addOption(seedOption('seed of the run', 1))
    .option('--resume', 'continue the checkpoint in --out (with its stored settings)')
    .option('--init <dir>', 'start from this checkpoint\'s weights and batch-norm moments with a new schedule and optimiser (fine-tune)')
    .action(async (flags: TrainFlags) => runTrain(ctx, flags));
  command
    .command('eval')
    .description('test accuracy of the propagation, MAP, ternary and ensemble networks, and of the integer MAP network')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder written by idfz blrnet train')
    .addOption(new Option('--dataset <name>', 'dataset (default: the checkpoint\'s)').choices(BLRNET_DATASETS))
    .option('--data <path>', 'dataset folder (default: the checkpoint\'s)')
    .addOption(new Option('--split <split>', 'dataset split (validation: the training images the checkpoint held out)').choices(BLRNET_EVAL_SPLITS).default('test'))
    .addOption(limitOption())
    .option('--ensemble <n>', 'sampled networks in the ensemble (0: none)', integerIn('--ensemble', 0, 1000), 16)
    .option('--reestimate-batches <n>', 'training batches for batch-norm re-estimation', integerIn('--reestimate-batches', 1, 10000), 20)
    .option('--batch-size <n>', 'images per batch', integerIn('--batch-size', 2, 4096), 100)
    .addOption(seedOption('seed of the re-estimation batches and sampled networks', 1))
    .addOption(new Option('--integer <kernel>', 'run the integer MAP network on this engine kernel').choices([...KERNEL_NAMES, 'off']).default('wasm'))
    .option('--chart <file>', 'error-versus-coverage SVG (default: CHECKPOINT/coverage.svg)')
    .addOption(backendOption())
    .addOption(jsonOption())
    .action(async (flags: EvalFlags) => runEval(ctx, flags));
  command
    .command('export')
    .description('write the MAP network (batch norm re-estimated) as an integer network file (.blrnet, 1 bit per weight)')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder')
    .requiredOption('--out <file>', 'output file')
    .option('--reestimate-batches <n>', 'training batches for batch-norm re-estimation (as in eval)', integerIn('--reestimate-batches', 1, 10000), 20)
    .addOption(seedOption('seed of the re-estimation batches (as in eval: the same seed gives the same network)', 1))
    .option('--batch-size <n>', 'images per re-estimation batch (as in eval)', integerIn('--batch-size', 2, 4096), 100)
    .option('--data <path>', 'training data folder (default: the checkpoint\'s)')
    .addOption(backendOption())
    .option('-f, --force', 'replace an existing file')
    .action(async (flags: { checkpoint: string; out: string; reestimateBatches: number; batchSize: number; seed: number; data?: string; backend: BackendName; force?: boolean }) => {
      const checkpoint = loadBlrnetCheckpoint(path.resolve(ctx.cwd, flags.checkpoint));
      const settings = checkpoint.state.settings;
      await startBackend(flags.backend);
      const train = await openLabelled(ctx, settings.dataset as BlrnetDataset, flags.data ?? settings.dataPath, 'train');
      const network = exportIntegerNetwork(mapFixedNetwork(checkpoint, train, { reestimateBatches: flags.reestimateBatches, batchSize: flags.batchSize, seed: flags.seed }));
      const bytes = encodeIntegerNetwork(network);
      await atomicWrite(path.resolve(ctx.cwd, flags.out), bytes, { force: flags.force === true });
      log.info({ out: flags.out, bytes: bytes.length, binaryWeights: binaryWeightCount(checkpoint.spec) }, 'integer MAP network written');
    });
  command
    .command('compact')
    .description('copy a checkpoint for committing: theta as sign-preserving int8 (MAP and ternary networks unchanged), no optimiser state')
    .requiredOption('--checkpoint <dir>', 'checkpoint folder')
    .requiredOption('--out <dir>', 'new folder for the compact copy')
    .action((flags: { checkpoint: string; out: string }) => {
      const { from, to } = compactFolders(ctx.cwd, flags, hasBlrnetCheckpoint, 'information');
      saveBlrnetCheckpoint(to, loadBlrnetCheckpoint(from), { compact: true });
      copyRunFiles(from, to);
      log.info({ from, to }, 'compact blrnet checkpoint written');
    });
  command
    .command('run')
    .description('classify a dataset split with an integer network file on the integer engine (no TensorFlow.js)')
    .requiredOption('--model <file>', '.blrnet file written by idfz blrnet export')
    .addOption(new Option('--dataset <name>', 'dataset').choices(BLRNET_DATASETS).makeOptionMandatory())
    .requiredOption('--data <path>', 'dataset folder')
    .addOption(splitOption())
    .addOption(limitOption('only the first n images'))
    .addOption(new Option('--kernel <name>', 'engine kernel set').choices(KERNEL_NAMES).default('wasm'))
    .addOption(jsonOption())
    .action(async (flags: { model: string; dataset: BlrnetDataset; data: string; split: Split; limit?: number; kernel: KernelName; json?: boolean }) => {
      const file = path.resolve(ctx.cwd, flags.model);
      const network = decodeIntegerNetwork(new Uint8Array(readFileSync(file)), flags.model);
      const full = await openLabelled(ctx, flags.dataset, flags.data, flags.split);
      const data = limitedDataset(full, flags.limit);
      const runner = new IntegerMapRunner(network, createEngine({ kernel: flags.kernel }));
      const size = data.height * data.width * data.channels;
      const started = performance.now();
      let correct = 0;
      for (let i = 0; i < data.count; i++) if (runner.predict(data.images.subarray(i * size, (i + 1) * size)) === data.labels![i]) correct++;
      const summary = { model: flags.model, dataset: data.name, accuracy: correct / data.count, images: data.count, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) };
      ctx.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${data.name}: ${(100 * summary.accuracy).toFixed(2)}% over ${data.count} images (integer network, ${flags.kernel} kernels)\n`);
    });
  return command;
};
