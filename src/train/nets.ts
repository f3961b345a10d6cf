/**
 * Float forward passes of the network families (src/arch/net-spec.ts) over parameters named as in
 * src/arch/net-params.ts. NHWC tensors, 'same' zero padding, ReLU: the integer engine runs the same graph.
 * A `hex` kernel is multiplied by its tap mask and a `binary` kernel is sign(w) times its scale before every use,
 * so masked taps and latent magnitudes never reach an output (export reads the same effective kernels).
 */
import * as tf from '@tensorflow/tfjs-core';
import { hasResnetLayout, type NetSpec } from '../arch/net-spec.js';
import { kernelSupport, supportMask } from '../arch/kernel-support.js';

/** Parameters by name (tf.Variables while training, tensors while evaluating). */
export type ParamTensors = ReadonlyMap<string, tf.Tensor>;

function param(params: ParamTensors, name: string): tf.Tensor {
  const tensor = params.get(name);
  if (!tensor) throw new Error(`missing parameter ${name}`);
  return tensor;
}

/**
 * sign(w) with sign(0) = +1 forward; backward the clipped straight-through estimator of BinaryNet (Hubara et al.
 * 2016, section 1.3): the gradient passes unchanged where |w| <= 1 and is 0 elsewhere.
 */
export const binarizeStraightThrough = tf.customGrad(((w: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
  save([w]);
  return {
    value: tf.sub(tf.mul(tf.cast(tf.greaterEqual(w, 0), 'float32'), 2), 1),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]!), 1), 'float32'))],
  };
}) as never) as (w: tf.Tensor) => tf.Tensor;

/** The kernel a layer of `family` convolves with: masked (hex), binarised and scaled (binary), or as stored. */
export function effectiveKernel(params: ParamTensors, name: string, family: NetSpec['family']): tf.Tensor4D {
  const w = param(params, `${name}.w`) as tf.Tensor4D;
  if (family === 'binary') return tf.mul(binarizeStraightThrough(w), param(params, `${name}.s`)) as tf.Tensor4D;
  if (family === 'hex' && w.shape[0] > 1) {
    const k = w.shape[0];
    return tf.mul(w, tf.tensor4d(supportMask(kernelSupport('hex', k)), [k, k, 1, 1])) as tf.Tensor4D;
  }
  return w;
}

function conv(params: ParamTensors, name: string, x: tf.Tensor4D, family: NetSpec['family']): tf.Tensor4D {
  return tf.add(tf.conv2d(x, effectiveKernel(params, name, family), 1, 'same'), param(params, `${name}.b`));
}

/**
 * Sees every activation the integer engine quantises, by name (`<prefix>.stream` for a resnet's residual stream,
 * `<layer>` for a layer's output after its ReLU, `top` for the top latents); export calibrates its scales with it.
 */
export type ActivationObserver = (name: string, activation: tf.Tensor) => void;

/** Applies network `prefix` of family `spec` to x. */
export function applyNet(params: ParamTensors, prefix: string, spec: NetSpec, x: tf.Tensor4D, observe?: ActivationObserver): tf.Tensor4D {
  const family = spec.family;
  if (hasResnetLayout(family)) {
    let h = conv(params, `${prefix}.in`, x, family);
    observe?.(`${prefix}.stream`, h);
    for (let i = 0; i < spec.depth; i++) {
      const inner = tf.relu(conv(params, `${prefix}.block${i}.conv1`, tf.relu(h), family));
      observe?.(`${prefix}.block${i}.conv1`, inner);
      h = tf.add(h, conv(params, `${prefix}.block${i}.conv2`, inner, family));
      observe?.(`${prefix}.stream`, h);
    }
    return conv(params, `${prefix}.out`, tf.relu(h), family);
  }
  let state = x;
  for (let i = 0; i < spec.depth; i++) {
    const reduced = tf.relu(conv(params, `${prefix}.dense${i}.reduce`, state, family));
    observe?.(`${prefix}.dense${i}.reduce`, reduced);
    const grown = tf.relu(conv(params, `${prefix}.dense${i}.conv`, reduced, family));
    observe?.(`${prefix}.dense${i}.conv`, grown);
    state = tf.concat([state, grown], 3);
  }
  return conv(params, `${prefix}.out`, state, family);
}
