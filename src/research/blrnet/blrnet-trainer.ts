/**
 * The PBNet-S training loop: seeded epoch orders and flips, data-parallel gradients (blrnet-pool.ts), gradient
 * clipping, Adamax with warm-up and decay (src/train), theta clamped to [-1, 1] after every step, running batch-norm
 * moments, periodic validation in propagation mode, checkpoints every few minutes and a JSON-lines log. Invariant:
 * a step's order, flips and noise depend only on (seed, step), so a resumed run continues the same run.
 */
import { log } from '../../core/log.js';
import { Random } from '../../core/random.js';
import type { ImageDataset } from '../../data/dataset.js';
import { adamaxState, adamaxStep, clipGlobalNorm } from '../../train/adamax.js';
import type { BackendName } from '../../train/backend.js';
import { EpochOrder, nextMultipleAbove } from '../../train/epoch-order.js';
import { ProgressWindow } from '../../train/progress-window.js';
import { RunClock } from '../../train/run-clock.js';
import { openRunLog } from '../../train/run-log.js';
import { learningRateAt } from '../../train/schedule.js';
import { saveBlrnetCheckpoint, type BlrnetCheckpoint, type BlrnetSettings, type BlrnetState } from './blrnet-checkpoint.js';
import { clampTheta, initialBlrnetParams, initialBnStats } from './blrnet-params.js';
import { BlrnetPool } from './blrnet-pool.js';
import type { BlrnetSpec } from './blrnet-spec.js';

/**
 * Default peak learning rate of `idfz blrnet train` (Adamax): 0.1. Adamax moves each theta by up to about the
 * learning rate per step and theta lives in [-1, 1]; at 0.01 the MNIST network's 1.6 M-weight dense layer hardly
 * leaves its random initialisation in 16 epochs (45% of its |theta| still below 0.5, 50% at the start) and validation
 * stalls at 98.7%. Measured (docs/blrnet.md, "What we measured"): MNIST MAP test accuracy after 12 epochs 98.98% at
 * 0.1, 98.84% at 0.05, 98.68-98.74% at 0.03; 98.28% after 15 epochs at 0.01 and 96.54% at 0.003.
 */
export const BLRNET_DEFAULT_LR = 0.1;

/** Momentum of the running batch-norm moments: running = MOMENTUM * running + (1 - MOMENTUM) * batch. */
export const RUNNING_MOMENTUM = 0.9;
/** Global gradient-norm clip. */
const CLIP_NORM = 10;

/** How to train (besides the run's stored settings). */
export interface BlrnetTrainOptions {
  readonly outDir: string;
  /** Labelled training images. */
  readonly train: ImageDataset;
  /** Labelled validation images, or null. */
  readonly validation: ImageDataset | null;
  readonly workers: number;
  readonly backend: BackendName;
  /** Stop after this many epochs in total (counting earlier runs), or null. */
  readonly epochs: number | null;
  /** Stop after this many minutes of this run, or null. */
  readonly minutes: number | null;
  readonly checkpointMinutes: number;
  /** Validate every this many training images. */
  readonly validateEveryImages: number;
  /** Called after every step (progress display). */
  readonly onProgress?: (progress: { epoch: number; imagesSeen: number; loss: number; accuracy: number; imagesPerSecond: number }) => void;
  /** Ends the run after the current step (then validation and a final checkpoint), e.g. on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/**
 * A fresh run (spec and settings; theta drawn at random, or taken with the running moments from `initial` for a
 * fine-tune with a new schedule and optimiser) or a loaded checkpoint to resume.
 */
export type BlrnetStart =
  | { readonly spec: BlrnetSpec; readonly settings: BlrnetSettings; readonly initial?: { readonly params: Float32Array; readonly running: Float32Array } }
  | { readonly checkpoint: BlrnetCheckpoint };

/** Result of a run. */
export interface BlrnetTrainResult {
  readonly imagesSeen: number;
  readonly trainSeconds: number;
  readonly lastValidation: BlrnetState['lastValidation'];
}

function concat(a: Uint8Array, b: Uint8Array | undefined): Uint8Array {
  if (!b || b.length === 0) return a;
  const all = new Uint8Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all;
}

/** Trains a PBNet-S, writing checkpoints and log.jsonl into options.outDir. */
export async function trainBlrnet(start: BlrnetStart, options: BlrnetTrainOptions): Promise<BlrnetTrainResult> {
  const fresh = 'spec' in start;
  const spec = fresh ? start.spec : start.checkpoint.spec;
  const settings = fresh ? start.settings : start.checkpoint.state.settings;
  const params = fresh ? (start.initial?.params ?? initialBlrnetParams(spec, settings.seed)) : start.checkpoint.params;
  const running = fresh ? (start.initial?.running ?? initialBnStats(spec)) : start.checkpoint.running;
  const optimizer = fresh ? adamaxState(params.length) : start.checkpoint.optimizer;
  const state: BlrnetState = fresh
    ? { imagesSeen: 0, steps: 0, trainSeconds: 0, lastValidation: null, settings }
    : start.checkpoint.state;
  const { train, validation } = options;
  const record = openRunLog(options.outDir);
  const pool = await BlrnetPool.start({
    workers: options.workers, backend: options.backend, spec, initialParams: params, temperature: settings.temperature,
    images: concat(train.images, validation?.images),
    labels: Uint16Array.from([...train.labels!, ...(validation?.labels ?? [])]),
  });
  const grad = new Float32Array(params.length);
  const epochImages = train.count;
  const schedule = { learningRate: settings.learningRate, warmupImages: settings.warmupImages, decayPerEpoch: settings.decayPerEpoch };
  const validationIndices = validation ? [...Array(validation.count).keys()].map((i) => train.count + i) : [];
  const clock = new RunClock(state.trainSeconds);
  const limits = { imageLimit: options.epochs !== null ? options.epochs * epochImages : null, minutes: options.minutes, signal: options.signal };
  const order = new EpochOrder(settings.seed, epochImages);
  let nextValidation = nextMultipleAbove(state.imagesSeen, options.validateEveryImages);
  const window = new ProgressWindow(['loss', 'correct']);

  const checkpoint = () => {
    saveBlrnetCheckpoint(options.outDir, { spec, params, running, optimizer, state });
    clock.checkpointWritten();
  };
  const validate = async () => {
    if (validationIndices.length === 0) return;
    const { loss, accuracy } = await pool.propagate(validationIndices, running, 100);
    state.lastValidation = { epoch: state.imagesSeen / epochImages, accuracy, loss };
    record({ type: 'validation', imagesSeen: state.imagesSeen, epoch: state.imagesSeen / epochImages, accuracy, loss, images: validationIndices.length, trainSeconds: state.trainSeconds });
    log.info({ epoch: Number((state.imagesSeen / epochImages).toFixed(3)), validationAccuracy: Number(accuracy.toFixed(4)) }, 'validation (propagation)');
  };

  try {
    while (!clock.shouldStop(state.imagesSeen, limits)) {
      const indices = order.batch(state.imagesSeen, settings.batchSize);
      const stepRandom = new Random(settings.seed * 7919 + state.steps);
      const flips = indices.map(() => settings.flips && stepRandom.nextFloat() < 0.5);
      const result = await pool.step(indices, flips, stepRandom.nextUint32(), grad);
      clipGlobalNorm(grad, CLIP_NORM);
      const learningRate = learningRateAt(schedule, state.imagesSeen, epochImages);
      adamaxStep(params, grad, optimizer, learningRate);
      clampTheta(spec, params);
      for (let k = 0; k < running.length; k++) running[k] = RUNNING_MOMENTUM * running[k]! + (1 - RUNNING_MOMENTUM) * result.moments[k]!;
      pool.params.set(params);
      state.imagesSeen += indices.length;
      state.steps += 1;
      state.trainSeconds = clock.trainSeconds();
      window.add(indices.length, { loss: result.loss * indices.length, correct: result.accuracy * indices.length });
      const now = performance.now();
      const imagesPerSecond = window.imagesPerSecond(now);
      const entry = { epoch: state.imagesSeen / epochImages, loss: window.mean('loss'), accuracy: window.mean('correct') };
      options.onProgress?.({ imagesSeen: state.imagesSeen, ...entry, imagesPerSecond });
      if (window.due(now)) {
        record({ type: 'train', imagesSeen: state.imagesSeen, ...entry, learningRate, imagesPerSecond, trainSeconds: state.trainSeconds });
        log.info({ epoch: Number(entry.epoch.toFixed(3)), loss: Number(entry.loss.toFixed(4)), accuracy: Number(entry.accuracy.toFixed(4)), imagesPerSecond: Number(imagesPerSecond.toFixed(1)) }, 'training');
        window.reset(now);
      }
      if (state.imagesSeen >= nextValidation) {
        await validate();
        nextValidation += options.validateEveryImages;
      }
      if (clock.checkpointDue(options.checkpointMinutes)) checkpoint();
    }
    if (state.lastValidation === null || state.lastValidation.epoch !== state.imagesSeen / epochImages) await validate();
    checkpoint();
  } finally {
    await pool.close();
  }
  return { imagesSeen: state.imagesSeen, trainSeconds: state.trainSeconds, lastValidation: state.lastValidation };
}
