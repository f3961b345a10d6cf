/**
 * Messages between the trainer (main thread) and its gradient workers. Parameters, gradients and images live in
 * SharedArrayBuffers, so a step message carries only image indices; the main thread writes parameters only while
 * no step is running.
 */
import type { IdfSpec } from '../arch/idf-spec.js';
import type { BackendName } from './backend.js';
import type { ErrorReply, ReadyMessage } from './worker-fleet.js';

/** What every training stack's gradient worker starts with (workerData): its backend, its model and shared memory. */
export interface GradientWorkerInit<Spec> {
  readonly backend: BackendName;
  readonly spec: Spec;
  /** float32 parameter vector (read by workers before each request; the main thread writes it only between). */
  readonly params: SharedArrayBuffer;
  /** float32 gradient vector owned by this worker: the sum over its images of d(loss)/d(param). */
  readonly grad: SharedArrayBuffer;
  /** uint8 images, HWC, image after image. */
  readonly images: SharedArrayBuffer;
}

/** Sent once when an IDF worker starts (as workerData); its loss is bits/dim. */
export interface WorkerInit extends GradientWorkerInit<IdfSpec> {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Main -> worker. `flips` marks images to mirror horizontally (augmentation). */
export type WorkerRequest =
  | { readonly kind: 'step'; readonly id: number; readonly indices: readonly number[]; readonly flips: readonly boolean[] }
  | { readonly kind: 'eval'; readonly id: number; readonly indices: readonly number[] };

/** Worker -> main. `bitsSum` is the sum of the images' bits/dim; `bits` has one bits/dim value per image (eval). */
export type WorkerReply =
  | ReadyMessage
  | { readonly kind: 'step'; readonly id: number; readonly bitsSum: number; readonly count: number }
  | { readonly kind: 'eval'; readonly id: number; readonly bits: readonly number[] }
  | ErrorReply;
