/**
 * The SNF training loop on the shared infrastructure (Adamax, warm-up + decay schedule, global-norm clipping from
 * src/train): one thread (the models are small and tfjs-wasm runs one core per thread), seeded epoch orders and
 * dequantisation noise, periodic exact validation, checkpoints every few minutes, a JSON-lines log, resume.
 * Invariant: a resumed run replays the same epoch orders and continues the same noise sequence as an unbroken one.
 */
import { ModelError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { Random } from '../../core/random.js';
import { imageBytes, sliceDataset, type ImageDataset } from '../../data/dataset.js';
import { adamaxState, adamaxStep, clipGlobalNorm } from '../../train/adamax.js';
import { EpochOrder, nextMultipleAbove } from '../../train/epoch-order.js';
import { ProgressWindow } from '../../train/progress-window.js';
import { RunClock } from '../../train/run-clock.js';
import { openRunLog } from '../../train/run-log.js';
import { learningRateAt } from '../../train/schedule.js';
import { saveSnfCheckpoint, type SnfCheckpoint, type SnfDataRecord, type SnfSettings, type SnfTrainingState, type SnfValidation } from './snf-checkpoint.js';
import { evaluateSnf } from './snf-evaluate.js';
import { SnfFlow } from './snf-flow.js';
import { initialSnfParams } from './snf-params.js';
import { dequantize } from './preprocess.js';
import type { SnfSpec } from './snf-spec.js';

/** How to train. */
export interface SnfTrainOptions {
  readonly outDir: string;
  readonly train: ImageDataset;
  readonly validation: ImageDataset | null;
  /** Used for a fresh run; a resumed run keeps its checkpoint's settings. */
  readonly settings: SnfSettings;
  readonly data: SnfDataRecord;
  /** Stop after this many epochs in total (counting earlier runs; fractions allowed), or null. */
  readonly epochs: number | null;
  /** Stop after this many minutes of this run, or null. */
  readonly minutes: number | null;
  readonly checkpointMinutes: number;
  /** Validate every this many training images. */
  readonly validateEveryImages: number;
  /** Validation images used each time (at most the validation set). */
  readonly validationLimit: number;
  /** Seconds between training-log lines (each computes the exact log|det| of the current weights). */
  readonly logSeconds: number;
  readonly onProgress?: (progress: SnfProgress) => void;
  /** Stops after the current step (then validates and checkpoints as at a normal end), e.g. on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** What the progress display shows. */
export interface SnfProgress {
  readonly epoch: number;
  readonly imagesSeen: number;
  /** Latest training NLL (nats per image, exact log|det| at log time), or null before the first log line. */
  readonly nll: number | null;
  readonly imagesPerSecond: number;
}

/** Result of a run. */
export interface SnfTrainResult {
  readonly imagesSeen: number;
  readonly steps: number;
  readonly trainSeconds: number;
  /** Mean wall-clock seconds of one optimisation step in this run (loss, gradient, update; no logging or validation). */
  readonly secondsPerStep: number;
  readonly lastValidation: SnfValidation | null;
}

/** Where a run starts from. */
export type SnfTrainStart = { readonly spec: SnfSpec } | { readonly checkpoint: SnfCheckpoint };

/** Trains an SNF model (or its exact-gradient twin), writing checkpoints and log.jsonl into options.outDir. */
export async function trainSnf(start: SnfTrainStart, options: SnfTrainOptions): Promise<SnfTrainResult> {
  const fresh = 'spec' in start;
  const spec = fresh ? start.spec : start.checkpoint.spec;
  const flow = new SnfFlow(spec);
  const { train, validation } = options;
  const settings = fresh ? options.settings : start.checkpoint.state.settings;
  const size = imageBytes(train);
  const epochImages = train.count;
  const params = fresh ? initialSnfParams(spec, settings.seed) : start.checkpoint.params;
  const optimizer = fresh ? adamaxState(params.length) : start.checkpoint.optimizer;
  const state: SnfTrainingState = fresh
    ? { imagesSeen: 0, steps: 0, trainSeconds: 0, randomState: new Random(settings.seed + 1).state(), settings, data: options.data, lastValidation: null }
    : start.checkpoint.state;
  const random = Random.fromState(state.randomState);
  const order = new EpochOrder(settings.seed, epochImages);
  if (fresh) {
    // Glow's actnorm starts from the statistics of the first training batch.
    const first = order.batch(0, Math.max(settings.batchSize, 100));
    flow.initializeActnorm(params, dequantize(train.images, first, size, new Random(settings.seed + 2)), first.length);
  }
  const record = openRunLog(options.outDir);
  const grad = new Float32Array(params.length);
  const clock = new RunClock(state.trainSeconds);
  const limits = { imageLimit: options.epochs !== null ? options.epochs * epochImages : null, minutes: options.minutes, signal: options.signal };
  const startSteps = state.steps;
  let nextValidation = nextMultipleAbove(state.imagesSeen, options.validateEveryImages);
  const window = new ProgressWindow(['nll', 'reconstruction'] as const);
  let latestNll: number | null = null;
  let stepSeconds = 0;
  const validationSet = validation && validation.count > 0 ? sliceDataset(validation, 0, Math.min(options.validationLimit, validation.count)) : null;

  const checkpoint = () => {
    state.randomState = random.state();
    saveSnfCheckpoint(options.outDir, { spec, params, optimizer, state });
    clock.checkpointWritten();
  };
  const validate = () => {
    if (!validationSet) return;
    // The same noise every time, so successive validations differ only by the weights.
    const result = evaluateSnf(flow, params, validationSet, { batchSize: 100, seed: settings.seed + 3 });
    state.lastValidation = { imagesSeen: state.imagesSeen, epoch: state.imagesSeen / epochImages, nll: result.nll, bpd: result.bpd, images: result.images };
    record({ type: 'validation', ...state.lastValidation, trainSeconds: state.trainSeconds });
    log.info({ epoch: Number((state.imagesSeen / epochImages).toFixed(3)), validationNll: Number(result.nll.toFixed(2)), bpd: Number(result.bpd.toFixed(4)) }, 'validation');
  };

  while (!clock.shouldStop(state.imagesSeen, limits)) {
    const indices = order.batch(state.imagesSeen, settings.batchSize);
    const stepStart = performance.now();
    const step = flow.lossAndGradient(params, dequantize(train.images, indices, size, random), indices.length, grad);
    if (!Number.isFinite(step.loss)) {
      throw new ModelError(`training diverged at step ${state.steps + 1} (loss ${step.loss}); resume from the last checkpoint in ${options.outDir} with a lower --lr`);
    }
    clipGlobalNorm(grad, settings.clipNorm);
    const learningRate = learningRateAt({ learningRate: settings.learningRate, warmupImages: settings.warmupImages, decayPerEpoch: settings.decayPerEpoch }, state.imagesSeen, epochImages);
    adamaxStep(params, grad, optimizer, learningRate);
    stepSeconds += (performance.now() - stepStart) / 1000;
    state.imagesSeen += indices.length;
    state.steps += 1;
    state.trainSeconds = clock.trainSeconds();
    window.add(indices.length, { nll: step.partialNll * indices.length, reconstruction: step.reconstruction * indices.length });

    const now = performance.now();
    const imagesPerSecond = window.imagesPerSecond(now);
    if (window.due(now, options.logSeconds * 1000)) {
      // Training never computes a self-normalizing layer's log|det|; the log line adds the exact one of the current weights.
      const missing = spec.gradient === 'self-normalizing' ? -flow.exactLinearLogdet(params) : 0;
      latestNll = window.mean('nll') + missing;
      const entry = { type: 'train', imagesSeen: state.imagesSeen, epoch: state.imagesSeen / epochImages, nll: latestNll, bpd: latestNll / (flow.dimension * Math.LN2), reconstruction: window.mean('reconstruction'), learningRate, imagesPerSecond, trainSeconds: state.trainSeconds };
      record(entry);
      log.info({ epoch: Number(entry.epoch.toFixed(3)), nll: Number(latestNll.toFixed(2)), reconstruction: Number(entry.reconstruction.toExponential(2)), imagesPerSecond: Number(imagesPerSecond.toFixed(1)) }, 'training');
      window.reset(performance.now());
    }
    options.onProgress?.({ epoch: state.imagesSeen / epochImages, imagesSeen: state.imagesSeen, nll: latestNll, imagesPerSecond });
    if (state.imagesSeen >= nextValidation) {
      validate();
      nextValidation += options.validateEveryImages;
    }
    if (clock.checkpointDue(options.checkpointMinutes)) checkpoint();
    // Let signal handlers (Ctrl-C) run between steps.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (state.lastValidation?.imagesSeen !== state.imagesSeen) validate();
  checkpoint();
  const steps = state.steps - startSteps;
  return { imagesSeen: state.imagesSeen, steps: state.steps, trainSeconds: state.trainSeconds, secondsPerStep: steps > 0 ? stepSeconds / steps : 0, lastValidation: state.lastValidation };
}
