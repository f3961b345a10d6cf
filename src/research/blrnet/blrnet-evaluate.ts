/**
 * Test-set accuracy of every PBNet test-time network (Peters and Welling 2018, section 4 and Table 1): propagation
 * with running moments, the MAP network, the ternary network, and an ensemble of N sampled networks (probabilities
 * averaged), each fixed network with batch norm re-estimated on training batches. The MAP network is also run as an
 * integer network on the engine and its predictions compared with the tfjs network's. Invariant: every choice
 * (re-estimation batches, sampled weights) follows from the seed, so an evaluation repeats exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '../../core/random.js';
import type { ImageDataset } from '../../data/dataset.js';
import { createEngine, type KernelName } from '../../engine/index.js';
import type { BlrnetCheckpoint } from './blrnet-checkpoint.js';
import { inputBatch, propagateForward, tensorsOf } from './blrnet-graph.js';
import { blrnetOffsets, layerMomentsOf } from './blrnet-params.js';
import { coverageCurve, type CoveragePoint } from './coverage-chart.js';
import { buildFixedNetwork, fixedLogits, fixedWeights, type FixedNetwork, type WeightMode } from './fixed-network.js';
import { exportIntegerNetwork, IntegerMapRunner } from './integer-map-network.js';

/** Evaluation settings. */
export interface BlrnetEvalOptions {
  /** Networks in the ensemble, 0 (none) or more; the paper reports 16. */
  readonly ensemble: number;
  /** Training batches for batch-norm re-estimation (the paper's ~20). */
  readonly reestimateBatches: number;
  /** Images per batch (re-estimation and evaluation). */
  readonly batchSize: number;
  readonly seed: number;
  /** Kernel set of the integer MAP run, or null to skip it. */
  readonly integerKernel: KernelName | null;
  /** Called with a short description of each stage as it starts. */
  readonly onStage?: (stage: string) => void;
}

/** Accuracies (fractions in [0, 1]) and what they were measured on. */
export interface BlrnetEvalResult {
  readonly propagate: number;
  readonly map: number;
  readonly ternary: number;
  /** Ensemble accuracy, or null without an ensemble. */
  readonly ensemble: number | null;
  readonly ensembleSize: number;
  readonly images: number;
  /** The integer MAP network: accuracy and the number of images whose prediction differs from the tfjs MAP's. */
  readonly integer: { readonly accuracy: number; readonly mismatches: number } | null;
  /** Error versus coverage, by uncertainty score (ensemble only). */
  readonly coverage: Readonly<Record<string, readonly CoveragePoint[]>>;
  readonly seconds: number;
}

/** The training batches batch norm is re-estimated on: `batches` x `batchSize` seeded draws from `train`. */
function reestimationIndices(train: ImageDataset, batches: number, batchSize: number, random: Random): number[][] {
  return [...Array(batches)].map(() => [...Array(batchSize)].map(() => random.nextInt(train.count)));
}

/** Fixes the weights (mode) and re-estimates batch norm on the given training batches. */
function buildWithReestimation(checkpoint: BlrnetCheckpoint, train: ImageDataset, indices: readonly number[][], mode: WeightMode, random?: Random): FixedNetwork {
  const batches = indices.map((batch) => inputBatch(train.images, train.height, train.width, train.channels, batch));
  try {
    return buildFixedNetwork(checkpoint.spec, checkpoint.params, fixedWeights(checkpoint.spec, checkpoint.params, mode, random), batches);
  } finally {
    tf.dispose(batches);
  }
}

/**
 * The MAP network of a checkpoint with batch norm re-estimated on the same seeded batches as evaluateBlrnet with the
 * same seed, batch count and size (so both give the same network).
 */
export function mapFixedNetwork(checkpoint: BlrnetCheckpoint, train: ImageDataset, options: { reestimateBatches: number; batchSize: number; seed: number }): FixedNetwork {
  const indices = reestimationIndices(train, options.reestimateBatches, options.batchSize, new Random(options.seed));
  return buildWithReestimation(checkpoint, train, indices, 'map');
}

/** Runs `forward` over the test set in batches and returns the predicted class per image. */
function predictAll(test: ImageDataset, batchSize: number, forward: (x: tf.Tensor4D) => tf.Tensor2D, onProbabilities?: (start: number, p: Float32Array) => void): Int32Array {
  const predictions = new Int32Array(test.count);
  for (let start = 0; start < test.count; start += batchSize) {
    const indices = [...Array(Math.min(batchSize, test.count - start)).keys()].map((i) => start + i);
    tf.tidy(() => {
      const logits = forward(inputBatch(test.images, test.height, test.width, test.channels, indices));
      predictions.set(tf.argMax(logits, 1).dataSync() as Int32Array, start);
      if (onProbabilities) onProbabilities(start, tf.softmax(logits).dataSync() as Float32Array);
    });
  }
  return predictions;
}

function accuracyOf(predictions: Int32Array, labels: Uint16Array): number {
  let correct = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) correct++;
  return predictions.length === 0 ? 0 : correct / predictions.length;
}

/** Predicted classes of a fixed network over the test set (exported for the integer-agreement checks). */
export function fixedPredictions(network: FixedNetwork, test: ImageDataset, batchSize: number): Int32Array {
  return predictAll(test, batchSize, (x) => fixedLogits(network, x));
}

/**
 * Evaluates a checkpoint on `test`, re-estimating batch norm on `train`.
 * @param test labelled test images of the checkpoint's geometry
 * @param train labelled training images (re-estimation draws seeded batches from them)
 */
export function evaluateBlrnet(checkpoint: BlrnetCheckpoint, test: ImageDataset, train: ImageDataset, options: BlrnetEvalOptions): BlrnetEvalResult {
  const started = performance.now();
  const { spec, params } = checkpoint;
  const labels = test.labels!;
  const random = new Random(options.seed);
  const indices = reestimationIndices(train, options.reestimateBatches, options.batchSize, random);
  const build = (mode: WeightMode, generator?: Random) => buildWithReestimation(checkpoint, train, indices, mode, generator);

  options.onStage?.('propagation');
  const tensors = tensorsOf(blrnetOffsets(spec), params);
  const moments = layerMomentsOf(spec, checkpoint.running);
  const propagate = accuracyOf(predictAll(test, options.batchSize, (x) => propagateForward(spec, tensors, moments, x)), labels);
  tf.dispose([...tensors.values()]);

  options.onStage?.('MAP network');
  const mapFixed = build('map');
  const mapPredictions = fixedPredictions(mapFixed, test, options.batchSize);
  let integer: BlrnetEvalResult['integer'] = null;
  if (options.integerKernel !== null) {
    options.onStage?.('integer MAP network');
    const runner = new IntegerMapRunner(exportIntegerNetwork(mapFixed), createEngine({ kernel: options.integerKernel }));
    const size = test.height * test.width * test.channels;
    const integerPredictions = Int32Array.from({ length: test.count }, (_, i) => runner.predict(test.images.subarray(i * size, (i + 1) * size)));
    integer = { accuracy: accuracyOf(integerPredictions, labels), mismatches: integerPredictions.reduce((n, p, i) => n + (p !== mapPredictions[i] ? 1 : 0), 0) };
  }

  options.onStage?.('ternary network');
  const ternary = accuracyOf(fixedPredictions(build('ternary'), test, options.batchSize), labels);

  let ensemble: number | null = null;
  const coverage: Record<string, CoveragePoint[]> = {};
  if (options.ensemble > 0) {
    const classes = spec.classes;
    const sum = new Float64Array(test.count * classes);
    const sumSquares = new Float64Array(test.count * classes);
    for (let member = 0; member < options.ensemble; member++) {
      options.onStage?.(`ensemble member ${member + 1}/${options.ensemble}`);
      const network = build('sample', random);
      predictAll(test, options.batchSize, (x) => fixedLogits(network, x), (start, p) => {
        for (let i = 0; i < p.length; i++) {
          sum[start * classes + i]! += p[i]!;
          sumSquares[start * classes + i]! += p[i]! * p[i]!;
        }
      });
    }
    const predictions = new Int32Array(test.count);
    const variance = new Float64Array(test.count);
    const confidence = new Float64Array(test.count);
    for (let i = 0; i < test.count; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (sum[i * classes + c]! > sum[i * classes + best]!) best = c;
      predictions[i] = best;
      const mean = sum[i * classes + best]! / options.ensemble;
      variance[i] = Math.max(0, sumSquares[i * classes + best]! / options.ensemble - mean * mean);
      confidence[i] = 1 - mean;
    }
    ensemble = accuracyOf(predictions, labels);
    const wrong = Array.from(predictions, (p, i) => p !== labels[i]);
    coverage['ensemble variance of the predicted class'] = coverageCurve(wrong, variance);
    coverage['1 - ensemble mean probability'] = coverageCurve(wrong, confidence);
  }
  return {
    propagate, map: accuracyOf(mapPredictions, labels), ternary, ensemble, ensembleSize: options.ensemble, images: test.count,
    integer, coverage, seconds: (performance.now() - started) / 1000,
  };
}
