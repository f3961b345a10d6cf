/**
 * The HexaConv training loop: seeded shuffles and augmentations, data-parallel gradients (wrn-pool.ts), SGD with
 * momentum, weight decay on filters and the cosine schedule, running normalisation moments, validation after every
 * epoch, checkpoints every few minutes and at every epoch's end, a JSON-lines log. Invariant: a run resumed from a
 * checkpoint continues the same sequence of batches and augmentations as if it had never stopped.
 */
import { log } from '../../core/log.js';
import { Random } from '../../core/random.js';
import { concatDatasets, type ImageDataset } from '../../data/dataset.js';
import type { BackendName } from '../../train/backend.js';
import { EpochOrder } from '../../train/epoch-order.js';
import { ProgressWindow } from '../../train/progress-window.js';
import { RunClock } from '../../train/run-clock.js';
import { openRunLog } from '../../train/run-log.js';
import { paramOffsets } from '../../arch/param-list.js';
import { initialWrnParams } from './initial-params.js';
import type { Augmentation } from './input-pipeline.js';
import { cosineLearningRate, sgdStep } from './sgd.js';
import { initialRunning, saveWrnCheckpoint, type DataRecord, type TrainSettings, type WrnCheckpoint, type WrnTrainingState } from './wrn-checkpoint.js';
import { WrnPool } from './wrn-pool.js';
import { normLayers, wrnLayout, wrnParams, type WrnSpec } from './wrn-spec.js';

/** Momentum of the running normalisation moments (Chainer's default decay). */
const RUNNING_DECAY = 0.9;

/** Where a run starts: a fresh network, or a checkpoint (whose settings `settings` may replace, e.g. more epochs). */
export type WrnTrainStart =
  | { readonly spec: WrnSpec; readonly settings: TrainSettings; readonly data: DataRecord }
  | { readonly checkpoint: WrnCheckpoint; readonly settings: TrainSettings };

/** How to run. */
export interface WrnTrainOptions {
  readonly outDir: string;
  readonly train: ImageDataset;
  readonly validation: ImageDataset | null;
  readonly workers: number;
  readonly backend: BackendName;
  /** Stop after this many minutes of this run, or null (then at settings.epochs). */
  readonly minutes: number | null;
  readonly checkpointMinutes: number;
  /** Called after every step. */
  readonly onProgress?: (progress: WrnTrainProgress) => void;
  /** Stops after the current step, with a final checkpoint (e.g. on Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** What a progress display shows. */
export interface WrnTrainProgress {
  readonly epoch: number;
  readonly imagesSeen: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly imagesPerSecond: number;
}

/** Result of a run. */
export interface WrnTrainResult {
  readonly imagesSeen: number;
  readonly trainSeconds: number;
  readonly lastValidation: WrnTrainingState['lastValidation'];
}

/** Draws one image's augmentation. */
function drawAugmentation(random: Random, settings: TrainSettings): Augmentation {
  const flip = settings.flips && random.nextFloat() < 0.5;
  const t = settings.translate;
  return { flip, dx: t > 0 ? random.nextInt(2 * t + 1) - t : 0, dy: t > 0 ? random.nextInt(2 * t + 1) - t : 0 };
}

/** Trains a HexaConv WideResNet, writing checkpoints and log.jsonl into options.outDir. */
export async function trainWrn(start: WrnTrainStart, options: WrnTrainOptions): Promise<WrnTrainResult> {
  const fresh = 'spec' in start;
  const spec = fresh ? start.spec : start.checkpoint.spec;
  const settings = start.settings;
  const infos = wrnParams(spec);
  const params = fresh ? initialWrnParams(infos, settings.seed) : start.checkpoint.params;
  const velocity = fresh ? new Float32Array(params.length) : start.checkpoint.velocity;
  const running = fresh ? initialRunning(spec) : start.checkpoint.running;
  const state: WrnTrainingState = fresh
    ? { imagesSeen: 0, steps: 0, trainSeconds: 0, randomState: new Random(settings.seed).state(), settings, data: start.data, lastValidation: null }
    : { ...start.checkpoint.state, settings };
  const random = Random.fromState(state.randomState);
  const decayMask = new Uint8Array(params.length);
  for (const [name, { offset, size }] of paramOffsets(infos)) if (name.endsWith('.w')) decayMask.fill(1, offset, offset + size);
  const { train, validation } = options;
  const record = openRunLog(options.outDir);

  const pool = await WrnPool.start({
    workers: options.workers,
    backend: options.backend,
    spec,
    params,
    running,
    normChannels: normLayers(wrnLayout(spec)).map((norm) => norm.channels),
    images: validation ? concatDatasets([train, validation], `${train.name}+validation`) : train,
    normalisation: state.data.normalisation,
  });
  const grad = new Float32Array(params.length);
  const moments = new Float32Array(running.length);
  const epochImages = train.count;
  const totalImages = settings.epochs * epochImages;
  const clock = new RunClock(state.trainSeconds);
  const limits = { imageLimit: totalImages, minutes: options.minutes, signal: options.signal };
  const order = new EpochOrder(settings.seed, epochImages);
  const window = new ProgressWindow(['loss', 'correct']);

  // Where the folder's checkpoint stands (a fresh run has none yet).
  let savedImages = fresh ? -1 : state.imagesSeen;
  const checkpoint = () => {
    state.randomState = random.state();
    saveWrnCheckpoint(options.outDir, { spec, params, velocity, running, state });
    savedImages = state.imagesSeen;
    clock.checkpointWritten();
  };
  const validate = async () => {
    if (!validation) return;
    const indices = Array.from({ length: validation.count }, (_, i) => train.count + i);
    const result = await pool.evaluate(indices, 100);
    const epoch = state.imagesSeen / epochImages;
    state.lastValidation = { epoch, accuracy: result.correct / indices.length, loss: result.lossSum / indices.length };
    record({ type: 'validation', imagesSeen: state.imagesSeen, ...state.lastValidation, trainSeconds: state.trainSeconds });
    log.info({ epoch: Number(epoch.toFixed(3)), validationAccuracy: Number(state.lastValidation.accuracy.toFixed(4)) }, 'validation');
  };

  try {
    while (!clock.shouldStop(state.imagesSeen, limits)) {
      const indices = order.batch(state.imagesSeen, settings.batchSize);
      const augmentations = indices.map(() => drawAugmentation(random, settings));
      const result = await pool.step(indices, augmentations, grad, moments);
      const learningRate = cosineLearningRate(settings.learningRate, state.imagesSeen / totalImages);
      sgdStep(params, grad, velocity, learningRate, settings.momentum, settings.weightDecay, decayMask);
      for (let i = 0; i < running.length; i++) running[i] = RUNNING_DECAY * running[i]! + (1 - RUNNING_DECAY) * moments[i]!;
      pool.params.set(params);
      pool.running.set(running);
      state.imagesSeen += indices.length;
      state.steps += 1;
      state.trainSeconds = clock.trainSeconds();
      window.add(indices.length, { loss: result.lossSum, correct: result.correct });

      const now = performance.now();
      const imagesPerSecond = window.imagesPerSecond(now);
      const loss = window.mean('loss');
      const accuracy = window.mean('correct');
      options.onProgress?.({ epoch: state.imagesSeen / epochImages, imagesSeen: state.imagesSeen, loss, accuracy, imagesPerSecond });
      if (window.due(now)) {
        record({ type: 'train', epoch: state.imagesSeen / epochImages, imagesSeen: state.imagesSeen, loss, accuracy, learningRate, imagesPerSecond, trainSeconds: state.trainSeconds });
        log.info({ epoch: Number((state.imagesSeen / epochImages).toFixed(3)), loss: Number(loss.toFixed(4)), accuracy: Number(accuracy.toFixed(4)), imagesPerSecond: Number(imagesPerSecond.toFixed(1)) }, 'training');
        window.reset(now);
      }
      if (state.imagesSeen % epochImages === 0) {
        await validate();
        checkpoint();
      } else if (clock.checkpointDue(options.checkpointMinutes)) {
        checkpoint();
      }
    }
    if (savedImages !== state.imagesSeen) checkpoint();
  } finally {
    await pool.close();
  }
  return { imagesSeen: state.imagesSeen, trainSeconds: state.trainSeconds, lastValidation: state.lastValidation };
}
