/**
 * Float forward passes of the network families (src/arch/net-spec.ts) over parameters named as in
 * src/arch/net-params.ts. NHWC tensors, 'same' zero padding, ReLU: the integer engine runs the same graph.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NetSpec } from '../arch/net-spec.js';

/** Parameters by name (tf.Variables while training, tensors while evaluating). */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

function param(params: ParamTensors, name: string): tf.Tensor {
  const tensor = params.get(name);
  if (!tensor) throw new Error(`missing parameter ${name}`);
  return tensor;
}

function conv(params: ParamTensors, name: string, x: tf.Tensor4D): tf.Tensor4D {
  const w = param(params, `${name}.w`) as tf.Tensor4D;
  return tf.add(tf.conv2d(x, w, 1, 'same'), param(params, `${name}.b`));
}

/**
 * Sees every activation the integer engine quantises, by name (`<prefix>.stream` for a resnet's residual stream,
 * `<layer>` for a layer's output after its ReLU, `top` for the top latents); export calibrates its scales with it.
 */
export type ActivationObserver = (name: string, activation: tf.Tensor) => void;

/** Applies network `prefix` of family `spec` to x. */
export function applyNet(params: ParamTensors, prefix: string, spec: NetSpec, x: tf.Tensor4D, observe?: ActivationObserver): tf.Tensor4D {
  if (spec.family === 'resnet') {
    let h = conv(params, `${prefix}.in`, x);
    observe?.(`${prefix}.stream`, h);
    for (let i = 0; i < spec.depth; i++) {
      const inner = tf.relu(conv(params, `${prefix}.block${i}.conv1`, tf.relu(h)));
      observe?.(`${prefix}.block${i}.conv1`, inner);
      h = tf.add(h, conv(params, `${prefix}.block${i}.conv2`, inner));
      observe?.(`${prefix}.stream`, h);
    }
    return conv(params, `${prefix}.out`, tf.relu(h));
  }
  let state = x;
  for (let i = 0; i < spec.depth; i++) {
    const reduced = tf.relu(conv(params, `${prefix}.dense${i}.reduce`, state));
    observe?.(`${prefix}.dense${i}.reduce`, reduced);
    const grown = tf.relu(conv(params, `${prefix}.dense${i}.conv`, reduced));
    observe?.(`${prefix}.dense${i}.conv`, grown);
    state = tf.concat([state, grown], 3);
  }
  return conv(params, `${prefix}.out`, state);
}
