/**
 * A PBNet training worker thread: its own tfjs instance computes the PBNet-S loss, its gradient and the batch-norm
 * moments for the images it is sent (its share of a batch, so batch norm sees that share: "ghost" batches), and
 * propagation-mode predictions for evaluation. Parameters come from and gradients go to shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../train/backend.js';
import { serveRequests } from '../../train/serve-requests.js';
import { SharedVariables } from '../../train/shared-variables.js';
import { blrnetOffsets, bnStatsLength, layerMomentsOf } from './blrnet-params.js';
import { inputBatch, propagateForward, trainingForward } from './blrnet-graph.js';
import type { BlrnetWorkerInit, BlrnetWorkerReply, BlrnetWorkerRequest } from './blrnet-worker-protocol.js';

const init = workerData as BlrnetWorkerInit;
const port = parentPort!;
const params = new Float32Array(init.params);
const grad = new Float32Array(init.grad);
const images = new Uint8Array(init.images);
const labels = new Uint16Array(init.labels);

await startBackend(init.backend);
const shared = new SharedVariables(blrnetOffsets(init.spec), params);
const { variables } = shared;

function labelsOf(indices: readonly number[]): Int32Array {
  return Int32Array.from(indices, (i) => labels[i]!);
}

function correctCount(logits: tf.Tensor2D, truth: Int32Array): number {
  const predicted = tf.tidy(() => tf.argMax(logits, 1).dataSync());
  return truth.reduce((n, label, i) => n + (predicted[i] === label ? 1 : 0), 0);
}

function step(indices: readonly number[], flips: readonly boolean[], seed: number): BlrnetWorkerReply {
  shared.load();
  const x = inputBatch(images, init.height, init.width, init.channels, indices, flips);
  const truth = labelsOf(indices);
  let correct = 0;
  const moments = new Float32Array(bnStatsLength(init.spec));
  // Sum (not mean) over the images, so the main thread adds workers' gradients and divides once.
  const { value, grads } = tf.variableGrads(() => {
    const pass = trainingForward(init.spec, variables, x, truth, seed);
    correct = correctCount(pass.logits, truth);
    layerMomentsOf(init.spec, moments).forEach((target, i) => {
      target.mean.set(pass.moments[i]!.mean);
      target.variance.set(pass.moments[i]!.variance);
    });
    return tf.mul(pass.loss, indices.length) as tf.Scalar;
  });
  const lossSum = value.dataSync()[0]!;
  shared.writeGradients(grads, grad);
  tf.dispose([x, value, ...Object.values(grads)]);
  return { kind: 'step', id: 0, lossSum, correct, count: indices.length, moments };
}

function propagate(indices: readonly number[], running: Float32Array): BlrnetWorkerReply {
  shared.load();
  const truth = labelsOf(indices);
  return tf.tidy(() => {
    const logits = propagateForward(init.spec, variables, layerMomentsOf(init.spec, running), inputBatch(images, init.height, init.width, init.channels, indices));
    const logProbabilities = tf.sub(logits, tf.logSumExp(logits, 1, true));
    const picked = tf.sum(tf.mul(logProbabilities, tf.oneHot(tf.tensor1d(truth, 'int32'), init.spec.classes)));
    return { kind: 'propagate', id: 0, lossSum: -picked.dataSync()[0]!, correct: correctCount(logits, truth), count: indices.length } as const;
  });
}

serveRequests<BlrnetWorkerRequest>(port, (request) => (request.kind === 'step' ? step(request.indices, request.flips, request.seed) : propagate(request.indices, request.running)));
