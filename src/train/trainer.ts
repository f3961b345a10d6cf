/**
 * The training loop: seeded shuffles and flips, data-parallel gradients (worker-pool.ts), gradient clipping, Adamax
 * with warm-up and decay, an exponential moving average of the weights (evaluation and export use it: single
 * checkpoints swing by +-0.5 bpd early on, RESEARCH.md s.6), periodic validation, checkpoints every few minutes,
 * a JSON-lines log. Resuming continues the same run from its checkpoint.
 */
import { log } from '../core/log.js';
import { Random } from '../core/random.js';
import type { IdfSpec } from '../arch/idf-spec.js';
import { idfParams } from '../arch/idf-params.js';
import { adamaxState, adamaxStep, clipGlobalNorm, type AdamaxState } from './adamax.js';
import { learningRateAt, type ScheduleOptions } from './schedule.js';
import { saveCheckpoint, type Checkpoint, type TrainingState } from './checkpoint.js';
import { initialParams } from './param-init.js';
import { EpochOrder, nextMultipleAbove } from './epoch-order.js';
import { ProgressWindow } from './progress-window.js';
import { RunClock } from './run-clock.js';
import { openRunLog } from './run-log.js';
import { WorkerPool } from './worker-pool.js';
import type { BackendName } from './backend.js';

/** A set of equally sized 8-bit images (HWC, image after image). */
export interface TrainingImages {
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly images: Uint8Array;
}

/** How to train. */
export interface TrainOptions {
  readonly outDir: string;
  readonly train: TrainingImages;
  readonly validation: TrainingImages | null;
  readonly batchSize: number;
  readonly workers: number;
  readonly backend: BackendName;
  readonly seed: number;
  readonly schedule: ScheduleOptions;
  readonly clipNorm: number;
  readonly emaDecay: number;
  /** Stop after this many epochs in total (counting earlier runs), or null. */
  readonly epochs: number | null;
  /** Stop after this many minutes of this run, or null. */
  readonly minutes: number | null;
  readonly checkpointMinutes: number;
  /** Validate every this many training images. */
  readonly validateEveryImages: number;
  /** Validation images used each time (at most the validation set). */
  readonly validationLimit: number;
  readonly flips: boolean;
  /** Called after every step (progress display). */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Stops the run after the current step (then validates and checkpoints as at a normal end), e.g. on Ctrl-C. */
  readonly signal?: AbortSignal;
}

/** What the progress display shows. */
export interface TrainProgress {
  readonly epoch: number;
  readonly imagesSeen: number;
  readonly epochImages: number;
  readonly bpd: number;
  readonly imagesPerSecond: number;
  readonly etaSeconds: number | null;
}

/**
 * Where a run starts from: a fresh spec (seeded initialisation), a loaded checkpoint to continue (`checkpoint`), or
 * a new run that starts from another run's weights (`init`: its EMA weights, with a fresh optimizer, schedule and
 * counters, i.e. fine-tuning on new data).
 */
export type TrainStart = { readonly spec: IdfSpec } | { readonly checkpoint: Checkpoint } | { readonly init: Checkpoint; readonly initPath: string };

/** Result of a run. */
export interface TrainResult {
  readonly imagesSeen: number;
  readonly trainSeconds: number;
  readonly lastValidationBpd: number | null;
}

/** What a run started with `init` inherits, kept in its state so that exported manifests can say it (chains nest). */
function initHistory(init: Checkpoint, initPath: string): Record<string, unknown> {
  const earlier = init.state.settings.initializedFrom;
  return { checkpoint: initPath, imagesSeen: init.state.imagesSeen, trainSeconds: init.state.trainSeconds, ...(earlier ? { initializedFrom: earlier } : {}) };
}

function concatImages(a: TrainingImages, b: TrainingImages | null): Uint8Array {
  if (!b) return a.images;
  const all = new Uint8Array(a.images.length + b.images.length);
  all.set(a.images);
  all.set(b.images, a.images.length);
  return all;
}

/** Trains an IDF, writing checkpoints and log.jsonl into options.outDir. */
export async function trainIdf(start: TrainStart, options: TrainOptions): Promise<TrainResult> {
  const spec = 'spec' in start ? start.spec : 'init' in start ? start.init.spec : start.checkpoint.spec;
  const fresh = !('checkpoint' in start);
  const params = 'spec' in start ? initialParams(idfParams(spec), options.seed) : 'init' in start ? start.init.ema.slice() : start.checkpoint.params;
  const ema = 'checkpoint' in start ? start.checkpoint.ema : params.slice();
  const optimizer: AdamaxState = 'checkpoint' in start ? start.checkpoint.optimizer : adamaxState(params.length);
  const state: TrainingState = fresh
    ? { imagesSeen: 0, steps: 0, trainSeconds: 0, randomState: new Random(options.seed).state(), bestValidationBpd: null, settings: 'init' in start ? { initializedFrom: initHistory(start.init, start.initPath) } : {} }
    : start.checkpoint.state;
  const random = Random.fromState(state.randomState);
  const { train, validation } = options;
  const record = openRunLog(options.outDir);

  const pool = await WorkerPool.start({
    workers: options.workers,
    backend: options.backend,
    spec,
    initialParams: params,
    images: concatImages(train, validation),
    height: train.height,
    width: train.width,
    channels: train.channels,
  });
  const grad = new Float32Array(params.length);
  const epochImages = train.count;
  const clock = new RunClock(state.trainSeconds);
  const limits = { imageLimit: options.epochs !== null ? options.epochs * epochImages : null, minutes: options.minutes, signal: options.signal };
  const order = new EpochOrder(options.seed, epochImages);
  let nextValidation = nextMultipleAbove(state.imagesSeen, options.validateEveryImages);
  let lastValidationBpd: number | null = null;
  const window = new ProgressWindow(['bits']);
  const validationIndices = validation ? [...Array(Math.min(options.validationLimit, validation.count)).keys()].map((i) => train.count + i) : [];

  const checkpoint = () => {
    state.randomState = random.state();
    saveCheckpoint(options.outDir, { spec, params, ema, optimizer, state });
    clock.checkpointWritten();
  };
  const validate = async () => {
    if (validationIndices.length === 0) return;
    pool.params.set(ema);
    const bits = await pool.evaluate(validationIndices, Math.max(1, Math.min(64, options.batchSize)));
    pool.params.set(params);
    lastValidationBpd = bits.reduce((a, b) => a + b, 0) / bits.length;
    if (state.bestValidationBpd === null || lastValidationBpd < state.bestValidationBpd) state.bestValidationBpd = lastValidationBpd;
    record({ type: 'validation', imagesSeen: state.imagesSeen, epoch: state.imagesSeen / epochImages, bpd: lastValidationBpd, images: bits.length, trainSeconds: state.trainSeconds });
    log.info({ imagesSeen: state.imagesSeen, validationBpd: Number(lastValidationBpd.toFixed(4)) }, 'validation');
  };

  try {
    while (!clock.shouldStop(state.imagesSeen, limits)) {
      const indices = order.batch(state.imagesSeen, options.batchSize);
      const flips = indices.map(() => options.flips && random.nextFloat() < 0.5);
      const bpd = await pool.step(indices, flips, grad);
      clipGlobalNorm(grad, options.clipNorm);
      const learningRate = learningRateAt(options.schedule, state.imagesSeen, epochImages);
      adamaxStep(params, grad, optimizer, learningRate);
      // Decay warm-up: a plain 0.999 average still holds 0.999^1500 = 22% of the random initialisation after 1500
      // steps, which ruins early validation; (1 + t) / (10 + t) forgets it as fast as the run learns.
      const decay = Math.min(options.emaDecay, (1 + state.steps) / (10 + state.steps));
      for (let i = 0; i < params.length; i++) ema[i] = decay * ema[i]! + (1 - decay) * params[i]!;
      pool.params.set(params);
      state.imagesSeen += indices.length;
      state.steps += 1;
      state.trainSeconds = clock.trainSeconds();
      window.add(indices.length, { bits: bpd * indices.length });

      const now = performance.now();
      const imagesPerSecond = window.imagesPerSecond(now);
      const remaining = limits.imageLimit !== null ? limits.imageLimit - state.imagesSeen : null;
      options.onProgress?.({
        epoch: state.imagesSeen / epochImages,
        imagesSeen: state.imagesSeen,
        epochImages,
        bpd: window.mean('bits'),
        imagesPerSecond,
        etaSeconds: remaining !== null ? remaining / imagesPerSecond : options.minutes !== null ? options.minutes * 60 - clock.elapsedMs() / 1000 : null,
      });
      if (window.due(now)) {
        record({ type: 'train', imagesSeen: state.imagesSeen, epoch: state.imagesSeen / epochImages, bpd: window.mean('bits'), learningRate, imagesPerSecond, trainSeconds: state.trainSeconds });
        log.info({ epoch: Number((state.imagesSeen / epochImages).toFixed(3)), bpd: Number(window.mean('bits').toFixed(4)), imagesPerSecond: Number(imagesPerSecond.toFixed(1)) }, 'training');
        window.reset(now);
      }
      if (state.imagesSeen >= nextValidation) {
        await validate();
        nextValidation += options.validateEveryImages;
      }
      if (clock.checkpointDue(options.checkpointMinutes)) checkpoint();
    }
    await validate();
    checkpoint();
  } finally {
    await pool.close();
  }
  return { imagesSeen: state.imagesSeen, trainSeconds: state.trainSeconds, lastValidationBpd };
}
