/**
 * Messages between the PBNet trainer (main thread) and its gradient workers. Parameters, gradients, images and
 * labels live in SharedArrayBuffers, so a request carries only image indices and a noise seed; the main thread
 * writes parameters only while no request is running.
 */
import type { ErrorReply, ReadyMessage } from '../../train/worker-fleet.js';
import type { GradientWorkerInit } from '../../train/worker-protocol.js';
import type { BlrnetSpec } from './blrnet-spec.js';

/** Sent once when a worker starts (as workerData); its loss is the PBNet-S loss. */
export interface BlrnetWorkerInit extends GradientWorkerInit<BlrnetSpec> {
  /** uint16 label per image. */
  readonly labels: SharedArrayBuffer;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** Binary-concrete temperature. */
  readonly temperature: number;
}

/** Main -> worker. A step draws its noise from `seed`; `running` holds the moments propagation normalises with. */
export type BlrnetWorkerRequest =
  | { readonly kind: 'step'; readonly id: number; readonly indices: readonly number[]; readonly flips: readonly boolean[]; readonly seed: number }
  | { readonly kind: 'propagate'; readonly id: number; readonly indices: readonly number[]; readonly running: Float32Array };

/** Worker -> main. Sums over the worker's images; `moments` per layer, flattened like the running moments. */
export type BlrnetWorkerReply =
  | ReadyMessage
  | { readonly kind: 'step'; readonly id: number; readonly lossSum: number; readonly correct: number; readonly count: number; readonly moments: Float32Array }
  | { readonly kind: 'propagate'; readonly id: number; readonly lossSum: number; readonly correct: number; readonly count: number }
  | ErrorReply;
