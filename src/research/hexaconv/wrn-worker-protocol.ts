/**
 * Messages between the HexaConv trainer (main thread) and its worker threads, following src/train/worker-protocol.ts:
 * parameters, running moments, gradients, batch moments and images live in SharedArrayBuffers, so a request carries
 * only image indices and augmentations. Invariant: the main thread writes `params` and `running` only while no
 * request is in flight; each worker writes only its own `grad` and `moments`.
 */
import type { ErrorReply, ReadyMessage } from '../../train/worker-fleet.js';
import type { GradientWorkerInit } from '../../train/worker-protocol.js';
import type { Augmentation, Normalisation } from './input-pipeline.js';
import type { WrnSpec } from './wrn-spec.js';

/**
 * Given to a worker when it starts (workerData): parameters in wrn-spec.ts wrnParams order, square images, and a
 * gradient of the summed cross-entropy.
 */
export interface WrnWorkerInit extends GradientWorkerInit<WrnSpec> {
  /** float32 running mean then variance of every normalisation layer, normLayers order. */
  readonly running: SharedArrayBuffer;
  /** float32, this worker's: batch mean then variance of every normalisation layer (same layout as running). */
  readonly moments: SharedArrayBuffer;
  /** uint16 label per image. */
  readonly labels: SharedArrayBuffer;
  readonly normalisation: Normalisation;
}

/** Main -> worker. */
export type WrnWorkerRequest =
  | { readonly kind: 'step'; readonly id: number; readonly indices: readonly number[]; readonly augmentations: readonly Augmentation[] }
  | { readonly kind: 'eval'; readonly id: number; readonly indices: readonly number[] };

/** Worker -> main: summed cross-entropy (nats) and correct predictions of the images; `predictions` for eval. */
export type WrnWorkerReply =
  | ReadyMessage
  | { readonly kind: 'step'; readonly id: number; readonly lossSum: number; readonly correct: number }
  | { readonly kind: 'eval'; readonly id: number; readonly lossSum: number; readonly correct: number; readonly predictions: readonly number[] }
  | ErrorReply;
