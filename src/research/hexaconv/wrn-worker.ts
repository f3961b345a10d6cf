/**
 * A HexaConv training worker thread: its own tfjs instance builds network inputs for the image indices it is sent,
 * and computes the summed loss, correct predictions, gradients and batch moments (training) or predictions with the
 * running moments (evaluation), through shared memory (wrn-worker-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../train/backend.js';
import { serveRequests } from '../../train/serve-requests.js';
import { SharedVariables } from '../../train/shared-variables.js';
import type { Unnumbered } from '../../train/worker-fleet.js';
import { paramOffsets } from '../../arch/param-list.js';
import { featureFloatsPerImage, normLayers, wrnParams } from './wrn-spec.js';
import { WrnGraph, crossEntropySum } from './wrn-graph.js';
import { InputPipeline, type Augmentation } from './input-pipeline.js';
import type { BatchMoments } from './group-layers.js';
import type { WrnWorkerInit, WrnWorkerReply, WrnWorkerRequest } from './wrn-worker-protocol.js';

const init = workerData as WrnWorkerInit;
const port = parentPort!;
const params = new Float32Array(init.params);
const running = new Float32Array(init.running);
const grad = new Float32Array(init.grad);
const moments = new Float32Array(init.moments);
const images = new Uint8Array(init.images);
const labels = new Uint16Array(init.labels);
const { spec } = init;
const imageBytes = spec.imageSize * spec.imageSize * spec.imageChannels;

await startBackend(init.backend);
const graph = new WrnGraph(spec);
const pipeline = new InputPipeline(graph.layout.grids[0]!, spec.imageSize, spec.imageChannels, init.normalisation);
const offsets = paramOffsets(wrnParams(spec));
const shared = new SharedVariables(offsets, params);
const { variables } = shared;
/** Offset of each normalisation layer's mean in `running` / `moments`; its variance follows after `channels`. */
const normOffsets = new Map<string, { offset: number; channels: number }>();
let normSize = 0;
for (const norm of normLayers(graph.layout)) {
  normOffsets.set(norm.name, { offset: normSize, channels: norm.channels });
  normSize += 2 * norm.channels;
}

function batchOf(indices: readonly number[], augmentations?: readonly Augmentation[]): { x: tf.Tensor4D; y: Int32Array } {
  const data = new Float32Array(indices.length * pipeline.inputSize);
  const y = new Int32Array(indices.length);
  indices.forEach((index, i) => {
    pipeline.write(images.subarray(index * imageBytes, (index + 1) * imageBytes), augmentations?.[i] ?? null, data, i * pipeline.inputSize);
    y[i] = labels[index]!;
  });
  return { x: tf.tensor4d(data, [indices.length, ...graph.inputShape]), y };
}

function countCorrect(logits: tf.Tensor2D, y: Int32Array): { correct: number; predictions: number[] } {
  const predictions = Array.from(tf.tidy(() => tf.argMax(logits, 1)).dataSync());
  return { correct: predictions.reduce((n, p, i) => n + (p === y[i] ? 1 : 0), 0), predictions };
}

/**
 * Images per forward/backward pass: tfjs-wasm has one heap of at most 4 GB, and training keeps 6 to 10 times the
 * feature maps per image (featureFloatsPerImage) until the backward pass, so larger shares run in chunks whose
 * gradients add up (each chunk normalises with its own moments, like a smaller batch).
 */
const CHUNK_BYTES = 1.5e9;
const chunkImages = Math.max(1, Math.floor(CHUNK_BYTES / (12 * 4 * featureFloatsPerImage(spec))));

/** Forward and backward of one chunk: adds its gradient into `grad` and its moments (weighted by `weight`) into sums. */
function chunkStep(indices: readonly number[], augmentations: readonly Augmentation[], weight: number, momentSums: Float64Array, squareSums: Float64Array): { lossSum: number; correct: number } {
  const { x, y } = batchOf(indices, augmentations);
  const kept: tf.Tensor[] = [];
  const batchMoments = new Map<string, BatchMoments>();
  let logits: tf.Tensor2D | null = null;
  const { value, grads } = tf.variableGrads(() => {
    const out = graph.forward(variables, x, {
      kind: 'train',
      onMoments: (layer, m) => {
        batchMoments.set(layer, { mean: tf.keep(m.mean), variance: tf.keep(m.variance) });
        kept.push(m.mean, m.variance);
      },
    });
    logits = tf.keep(out);
    return crossEntropySum(out, y);
  });
  const lossSum = value.dataSync()[0]!;
  for (const [name, { offset, size }] of offsets) {
    const g = grads[name];
    if (!g) continue;
    const values = g.dataSync() as Float32Array;
    for (let i = 0; i < size; i++) grad[offset + i]! += values[i]!;
  }
  for (const [layer, { mean, variance }] of batchMoments) {
    const { offset, channels } = normOffsets.get(layer)!;
    const means = mean.dataSync();
    const variances = variance.dataSync();
    for (let c = 0; c < channels; c++) {
      momentSums[offset + c]! += weight * means[c]!;
      squareSums[offset + c]! += weight * means[c]! ** 2;
      momentSums[offset + channels + c]! += weight * variances[c]!;
    }
  }
  const { correct } = countCorrect(logits!, y);
  tf.dispose([x, value, logits!, ...kept, ...Object.values(grads)]);
  return { lossSum, correct };
}

/** One share of a batch: summed gradient into `grad`, pooled moments of its chunks into `moments`. */
function step(indices: readonly number[], augmentations: readonly Augmentation[]): { lossSum: number; correct: number } {
  shared.load();
  grad.fill(0);
  const momentSums = new Float64Array(moments.length);
  const squareSums = new Float64Array(moments.length);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < indices.length; start += chunkImages) {
    const end = Math.min(indices.length, start + chunkImages);
    const result = chunkStep(indices.slice(start, end), augmentations.slice(start, end), (end - start) / indices.length, momentSums, squareSums);
    lossSum += result.lossSum;
    correct += result.correct;
  }
  // Pooled variance of the chunks: mean of their variances plus the spread of their means.
  for (const { offset, channels } of normOffsets.values()) {
    for (let c = 0; c < channels; c++) {
      moments[offset + c] = momentSums[offset + c]!;
      moments[offset + channels + c] = momentSums[offset + channels + c]! + squareSums[offset + c]! - momentSums[offset + c]! ** 2;
    }
  }
  return { lossSum, correct };
}

/** Predictions with the running moments, chunk by chunk (inference holds a scope's feature maps until it closes). */
function evaluate(indices: readonly number[]): { lossSum: number; correct: number; predictions: number[] } {
  shared.load();
  const stats = new Map<string, BatchMoments>();
  for (const [layer, { offset, channels }] of normOffsets) {
    stats.set(layer, { mean: tf.tensor1d(running.slice(offset, offset + channels)), variance: tf.tensor1d(running.slice(offset + channels, offset + 2 * channels)) });
  }
  let lossSum = 0;
  let correct = 0;
  const predictions: number[] = [];
  for (let start = 0; start < indices.length; start += chunkImages) {
    const { x, y } = batchOf(indices.slice(start, start + chunkImages));
    const { logits, loss } = tf.tidy(() => {
      const out = graph.forward(variables, x, { kind: 'infer', running: stats });
      return { logits: out, loss: crossEntropySum(out, y) };
    });
    lossSum += loss.dataSync()[0]!;
    const counted = countCorrect(logits, y);
    correct += counted.correct;
    predictions.push(...counted.predictions);
    tf.dispose([x, logits, loss]);
  }
  tf.dispose([...stats.values()].flatMap((m) => [m.mean, m.variance]));
  return { lossSum, correct, predictions };
}

serveRequests<WrnWorkerRequest>(port, (request): Unnumbered<WrnWorkerReply> =>
  request.kind === 'step' ? { kind: 'step', ...step(request.indices, request.augmentations) } : { kind: 'eval', ...evaluate(request.indices) },
);
