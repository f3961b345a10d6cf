/**
 * The PBNet-S training loop: seeded epoch orders and flips, data-parallel gradients (blrnet-pool.ts), gradient
 * clipping, Adamax with warm-up and decay (src/train), theta clamped to [-1, 1] after every step, running batch-norm
 * moments, periodic validation in propagation mode, checkpoints every few minutes and a JSON-lines log. Invariant:
 * a step's order, flips and noise depend only on (seed, step), so a resumed run continues the same run.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { log } from '../../core/log.js';
import { Random } from '../../core/random.js';
import type { ImageDataset } from '../../data/dataset.js';
import { adamaxState, adamaxStep, clipGlobalNorm } from '../../train/adamax.js';
import type { BackendName } from '../../train/backend.js';
import { learningRateAt } from '../../train/schedule.js';
import { saveBlrnetCheckpoint, type BlrnetCheckpoint, type BlrnetSettings, type BlrnetState } from './blrnet-checkpoint.js';
import { clampTheta, initialBlrnetParams, initialBnStats } from './blrnet-params.js';
import { BlrnetPool } from './blrnet-pool.js';
import type { BlrnetSpec } from './blrnet-spec.js';

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

/** A fresh run (spec and settings) or a loaded checkpoint. */
export type BlrnetStart = { readonly spec: BlrnetSpec; readonly settings: BlrnetSettings } | { readonly checkpoint: BlrnetCheckpoint };

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
  const params = fresh ? initialBlrnetParams(spec, settings.seed) : start.checkpoint.params;
  const running = fresh ? initialBnStats(spec) : start.checkpoint.running;
  const optimizer = fresh ? adamaxState(params.length) : start.checkpoint.optimizer;
  const state: BlrnetState = fresh
    ? { imagesSeen: 0, steps: 0, trainSeconds: 0, lastValidation: null, settings }
    : start.checkpoint.state;
  const { train, validation } = options;
  mkdirSync(options.outDir, { recursive: true });
  const record = (entry: Record<string, unknown>) => appendFileSync(path.join(options.outDir, 'log.jsonl'), `${JSON.stringify(entry)}\n`);
  const pool = await BlrnetPool.start({
    workers: options.workers, backend: options.backend, spec, initialParams: params, temperature: settings.temperature,
    images: concat(train.images, validation?.images),
    labels: Uint16Array.from([...train.labels!, ...(validation?.labels ?? [])]),
  });
  const grad = new Float32Array(params.length);
  const epochImages = train.count;
  const schedule = { learningRate: settings.learningRate, warmupImages: settings.warmupImages, decayPerEpoch: settings.decayPerEpoch };
  const validationIndices = validation ? [...Array(validation.count).keys()].map((i) => train.count + i) : [];
  const runStart = performance.now();
  const startSeconds = state.trainSeconds;
  let lastCheckpoint = performance.now();
  let nextValidation = Math.ceil((state.imagesSeen + 1) / options.validateEveryImages) * options.validateEveryImages;
  let window = { loss: 0, correct: 0, images: 0, start: performance.now() };

  const checkpoint = () => {
    saveBlrnetCheckpoint(options.outDir, { spec, params, running, optimizer, state });
    lastCheckpoint = performance.now();
  };
  const validate = async () => {
    if (validationIndices.length === 0) return;
    const { loss, accuracy } = await pool.propagate(validationIndices, running, 100);
    state.lastValidation = { epoch: state.imagesSeen / epochImages, accuracy, loss };
    record({ type: 'validation', imagesSeen: state.imagesSeen, epoch: state.imagesSeen / epochImages, accuracy, loss, images: validationIndices.length, trainSeconds: state.trainSeconds });
    log.info({ epoch: Number((state.imagesSeen / epochImages).toFixed(3)), validationAccuracy: Number(accuracy.toFixed(4)) }, 'validation (propagation)');
  };
  const shouldStop = () =>
    options.signal?.aborted === true ||
    (options.epochs !== null && state.imagesSeen >= options.epochs * epochImages) ||
    (options.minutes !== null && performance.now() - runStart >= options.minutes * 60_000);

  try {
    let order: number[] = [];
    let orderEpoch = -1;
    while (!shouldStop()) {
      const epoch = Math.floor(state.imagesSeen / epochImages);
      if (epoch !== orderEpoch) {
        order = new Random(settings.seed * 1000003 + epoch).shuffle([...Array(epochImages).keys()]);
        orderEpoch = epoch;
      }
      const position = state.imagesSeen - epoch * epochImages;
      const indices = order.slice(position, Math.min(position + settings.batchSize, epochImages));
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
      state.trainSeconds = startSeconds + (performance.now() - runStart) / 1000;
      window.loss += result.loss * indices.length;
      window.correct += result.accuracy * indices.length;
      window.images += indices.length;
      const now = performance.now();
      const imagesPerSecond = window.images / Math.max(1e-3, (now - window.start) / 1000);
      options.onProgress?.({ epoch: state.imagesSeen / epochImages, imagesSeen: state.imagesSeen, loss: window.loss / window.images, accuracy: window.correct / window.images, imagesPerSecond });
      if (now - window.start >= 30_000) {
        const entry = { epoch: state.imagesSeen / epochImages, loss: window.loss / window.images, accuracy: window.correct / window.images };
        record({ type: 'train', imagesSeen: state.imagesSeen, ...entry, learningRate, imagesPerSecond, trainSeconds: state.trainSeconds });
        log.info({ epoch: Number(entry.epoch.toFixed(3)), loss: Number(entry.loss.toFixed(4)), accuracy: Number(entry.accuracy.toFixed(4)), imagesPerSecond: Number(imagesPerSecond.toFixed(1)) }, 'training');
        window = { loss: 0, correct: 0, images: 0, start: now };
      }
      if (state.imagesSeen >= nextValidation) {
        await validate();
        nextValidation += options.validateEveryImages;
      }
      if (now - lastCheckpoint >= options.checkpointMinutes * 60_000) checkpoint();
    }
    if (state.lastValidation === null || state.lastValidation.epoch !== state.imagesSeen / epochImages) await validate();
    checkpoint();
  } finally {
    await pool.close();
  }
  return { imagesSeen: state.imagesSeen, trainSeconds: state.trainSeconds, lastValidation: state.lastValidation };
}
