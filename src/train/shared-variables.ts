/**
 * A worker thread's tfjs variables over the flat float32 parameter vector that the main thread shares with it, and
 * the way back: per-variable gradients written into the worker's flat gradient buffer. Invariant: variable `name`
 * always mirrors params[offset, offset + size) of its entry in the offsets map, after load().
 */
import * as tf from '@tensorflow/tfjs-core';

/** Where each named parameter lies in the flat vector (src/arch/param-list.ts paramOffsets). */
export type ParamOffsets = ReadonlyMap<string, { readonly offset: number; readonly size: number; readonly shape: readonly number[] }>;

/** Trainable variables backed by a shared flat parameter vector. */
export class SharedVariables {
  /** One trainable variable per parameter, named as in the offsets map. */
  readonly variables = new Map<string, tf.Variable>();

  /** Creates the variables from the current contents of `params`. */
  constructor(
    private readonly offsets: ParamOffsets,
    private readonly params: Float32Array,
  ) {
    for (const [name, { offset, size, shape }] of offsets) {
      this.variables.set(name, tf.variable(tf.tensor(params.subarray(offset, offset + size), [...shape]), true, name));
    }
  }

  /** Copies the shared vector into the variables (call before each request: the main thread updates it between). */
  load(): void {
    for (const [name, { offset, size, shape }] of this.offsets) {
      tf.tidy(() => this.variables.get(name)!.assign(tf.tensor(this.params.subarray(offset, offset + size), [...shape])));
    }
  }

  /** Writes `grads` (by variable name) into the flat `out`; parameters without a gradient get zeros. */
  writeGradients(grads: tf.NamedTensorMap, out: Float32Array): void {
    for (const [name, { offset, size }] of this.offsets) {
      const g = grads[name];
      if (g) out.set(g.dataSync() as Float32Array, offset);
      else out.fill(0, offset, offset + size);
    }
  }
}
