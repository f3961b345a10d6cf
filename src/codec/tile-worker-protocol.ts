/**
 * The messages between the tile worker pool and its workers, and how errors cross the thread boundary: a worker
 * sends an error's class name and message, and the pool rebuilds the same idfz error class, so a corrupt tile
 * decoded in a worker is the same CorruptStreamError as one decoded in-process.
 */
import {
  BadInputError, CorruptStreamError, DataError, InternalError, LimitError, ModelError, UsageError, type IdfzError,
} from '../core/errors.js';
import type { KernelName } from '../engine/index.js';
import type { Samples } from './fallback-coder.js';
import type { LearnedCoderSpec } from './learned-coder-source.js';
import type { TileShape } from './tile-layout.js';
import type { TileFormat } from './tile-payload.js';

/** workerData of a tile worker. */
export interface TileWorkerInit {
  readonly learned: LearnedCoderSpec | null;
  readonly kernel: KernelName;
}

/** A job for a worker. */
export type TileJobMessage =
  | { readonly id: number; readonly op: 'encode'; readonly tile: Samples; readonly shape: TileShape; readonly format: TileFormat }
  | {
      readonly id: number; readonly op: 'decode'; readonly payload: Uint8Array; readonly fallback: boolean;
      readonly shape: TileShape; readonly format: TileFormat;
    };

/** An error as it crosses threads. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
}

/** A worker's answer to a job. */
export type TileResultMessage =
  | { readonly id: number; readonly ok: true; readonly payload: Uint8Array; readonly fallback: boolean }
  | { readonly id: number; readonly ok: true; readonly samples: Samples }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

const ERROR_CLASSES: Record<string, new (message: string) => IdfzError> = {
  UsageError, BadInputError, CorruptStreamError, ModelError, DataError, LimitError, InternalError,
};

/** The name and message of any thrown value. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The idfz error a serialized one stands for; anything that is not an idfz error becomes an InternalError. */
export function deserializeError(error: SerializedError): IdfzError {
  const ErrorClass = ERROR_CLASSES[error.name];
  return ErrorClass ? new ErrorClass(error.message) : new InternalError(`internal error in a tile worker: ${error.name}: ${error.message}`);
}

/** An array that owns its whole buffer (a copy when it is a view), so that it can be transferred. */
export function ownedArray<T extends Samples>(array: T): T {
  if (array.byteOffset === 0 && array.byteLength === array.buffer.byteLength && array.buffer instanceof ArrayBuffer) return array;
  return (array instanceof Uint8Array ? new Uint8Array(array) : new Uint16Array(array)) as T;
}
