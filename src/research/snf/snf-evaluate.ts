/**
 * Exact evaluation of an SNF model (paper s.5): every linear layer's log|det| computed once in float64 (LU; Toeplitz
 * for k x k convolutions), one uniform dequantisation sample per image from a seed, all Jacobians of the
 * pre-processing counted. Results in nats per image (an upper bound on -log P of the 8-bit image) and bits/dim.
 */
import { Random } from '../../core/random.js';
import { imageBytes, type ImageDataset } from '../../data/dataset.js';
import { dequantize } from './preprocess.js';
import type { SnfFlow } from './snf-flow.js';

/** Evaluation settings. */
export interface SnfEvaluateOptions {
  /** Images per forward pass (default 100). */
  readonly batchSize?: number;
  /** Seed of the dequantisation noise (default 0). */
  readonly seed?: number;
  /** Called with the number of images done. */
  readonly onProgress?: (done: number) => void;
}

/** Exact test numbers. */
export interface SnfEvaluation {
  /** Mean negative log-likelihood, nats per image. */
  readonly nll: number;
  /** nll / (D ln 2). */
  readonly bpd: number;
  readonly images: number;
  /** Sum of the linear layers' exact log|det| (nats). */
  readonly linearLogdet: number;
  readonly seconds: number;
}

/** Mean exact NLL of `flow` with parameters `params` over every image of `data`. */
export function evaluateSnf(flow: SnfFlow, params: Float32Array, data: ImageDataset, options: SnfEvaluateOptions = {}): SnfEvaluation {
  const start = performance.now();
  const batchSize = options.batchSize ?? 100;
  const random = new Random(options.seed ?? 0);
  const linearLogdet = flow.exactLinearLogdet(params);
  const size = imageBytes(data);
  let sum = 0;
  for (let first = 0; first < data.count; first += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, data.count - first) }, (_, i) => first + i);
    const logp = flow.logLikelihoods(params, dequantize(data.images, indices, size, random), indices.length, linearLogdet);
    for (const value of logp) sum -= value;
    options.onProgress?.(first + indices.length);
  }
  const nll = sum / data.count;
  return { nll, bpd: nll / (flow.dimension * Math.LN2), images: data.count, linearLogdet, seconds: (performance.now() - start) / 1000 };
}
