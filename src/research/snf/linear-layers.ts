/**
 * The flow's linear layers, dense and k x k convolution (k = 1 is Glow's 1x1 convolution), each in three log-det
 * modes: `self-normalizing` (stand-in gradient R^T, plus the reconstruction loss ||R W x - x||^2 on the detached
 * input, both inside the layer's custom gradient), `exact` (float64 log|det| with gradient W^-T: the baseline) and `none` (the caller adds exact values computed
 * once, as evaluation does). Inverses run through R (fast) or through the exact inverse (float64 LU).
 * Invariant: the bias is outside W and R: f(x) = W x + b, g(z) = R (z - b), as in the paper's code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../../core/errors.js';
import { inverseFromLu, logAbsDet, luDecompose } from './lu.js';
import { exactLogdetConv, exactLogdetDense, fastMatMul, logdetStandInConv, logdetStandInDense, snfConv2d, snfMatMul, type ReconstructionTerm } from './snf-ops.js';
import { convToeplitz, type ConvGeometry } from './toeplitz.js';
import type { ImageShape } from './snf-spec.js';

/** How a linear layer's log|det| enters the loss. */
export type LogdetMode = 'self-normalizing' | 'exact' | 'none';

/** Which inverse to use when running the flow backwards. */
export type InverseKind = 'learned' | 'exact';

/** Tensors of one linear layer: W, R (self-normalizing models only) and b. */
export interface LinearParams {
  readonly w: tf.Tensor;
  readonly r?: tf.Tensor;
  readonly b: tf.Tensor;
}

/** What a linear layer adds to the loss. */
export interface LinearOutput {
  readonly z: tf.Tensor4D;
  /** log|det| (value 0 for the self-normalizing stand-in), or null in mode `none`. */
  readonly logdet: tf.Scalar | null;
  /**
   * Batch mean of ||R W x - x||^2 per image when self-normalizing, else null. It is kept out of tf.tidy (it comes from
   * inside a custom op): the caller disposes it.
   */
  readonly reconstruction: tf.Scalar | null;
}

function needR(params: LinearParams, what: string): tf.Tensor {
  if (!params.r) throw new ModelError(`${what}: self-normalizing mode needs the learned inverse R, which this exact-gradient model does not have`);
  return params.r;
}

/**
 * Forward of a dense layer over the flattened image, or of a 1x1 convolution (the same matrix at every position).
 * @param positions 1 for dense; H W for a 1x1 convolution (the log-det multiplier)
 */
function matrixForward(x2d: tf.Tensor2D, w: tf.Tensor2D, params: LinearParams, mode: LogdetMode, images: number, positions: number, term: ReconstructionTerm, what: string): { z: tf.Tensor2D; logdet: tf.Scalar | null; reconstruction: tf.Scalar | null } {
  const bias = params.b;
  if (mode !== 'self-normalizing') {
    const z = tf.add(mode === 'exact' ? fastMatMul(x2d, w) : tf.matMul(x2d, w), bias) as tf.Tensor2D;
    return { z, logdet: mode === 'exact' ? exactLogdetDense(w, positions, what) : null, reconstruction: null };
  }
  const r = tf.reshape(needR(params, what), w.shape) as tf.Tensor2D;
  let reconstruction: tf.Scalar | null = null;
  const u = snfMatMul(x2d, w, r, { ...term, images, onValue: (value) => (reconstruction = value) });
  return { z: tf.add(u, bias) as tf.Tensor2D, logdet: logdetStandInDense(w, r, positions), reconstruction };
}

/**
 * Dense layer z = x W + b on [N, H, W, C] flattened to [N, D].
 * @param term the self-normalizing loss term c mean ||R W x - x||^2: c, and whether it trains W too
 */
export function denseForward(x: tf.Tensor4D, params: LinearParams, mode: LogdetMode, term: ReconstructionTerm, what: string): LinearOutput {
  const [n, h, w, c] = x.shape;
  const out = matrixForward(tf.reshape(x, [n, h * w * c]), params.w as tf.Tensor2D, params, mode, n, 1, term, what);
  return { z: tf.reshape(out.z, [n, h, w, c]), logdet: out.logdet, reconstruction: out.reconstruction };
}

/**
 * k x k 'same' convolution plus bias.
 * @param term the self-normalizing loss term c mean ||R W x - x||^2: c, and whether it trains W too
 */
export function convForward(x: tf.Tensor4D, params: LinearParams, mode: LogdetMode, term: ReconstructionTerm, what: string): LinearOutput {
  const [n, h, width, c] = x.shape;
  const k = params.w.shape[0]!;
  if (k === 1) {
    const out = matrixForward(tf.reshape(x, [n * h * width, c]), tf.reshape(params.w, [c, c]), params, mode, n, h * width, term, what);
    return { z: tf.reshape(out.z, [n, h, width, c]), logdet: out.logdet, reconstruction: out.reconstruction };
  }
  const w = params.w as tf.Tensor4D;
  const geometry: ConvGeometry = { kernel: k, channels: c, height: h, width };
  if (mode !== 'self-normalizing') {
    const z = tf.add(tf.conv2d(x, w, 1, 'same'), params.b) as tf.Tensor4D;
    return { z, logdet: mode === 'exact' ? exactLogdetConv(w, geometry, what) : null, reconstruction: null };
  }
  const r = needR(params, what) as tf.Tensor4D;
  let reconstruction: tf.Scalar | null = null;
  const u = snfConv2d(x, w, r, { ...term, images: n, onValue: (value) => (reconstruction = value) });
  return { z: tf.add(u, params.b) as tf.Tensor4D, logdet: logdetStandInConv(w, r, h, width), reconstruction };
}

/**
 * Exact log|det| of a linear layer from its weights, in float64: dense LU; 1x1 conv H W log|det W|; k x k conv the
 * Toeplitz matrix (D x D: O(D^3), feasible at MNIST size).
 * @param kernel 0 for dense, else the conv kernel side
 */
export function exactLinearLogdet(kernel: number, shape: ImageShape, w: ArrayLike<number>): number {
  const { height, width, channels } = shape;
  if (kernel === 0) return logAbsDet(luDecompose(w, height * width * channels));
  if (kernel === 1) return height * width * logAbsDet(luDecompose(w, channels));
  return logAbsDet(luDecompose(convToeplitz(w, { kernel, channels, height, width }), height * width * channels));
}

function exactInverseMatrix(a: ArrayLike<number>, n: number, what: string): Float32Array {
  const inverse = inverseFromLu(luDecompose(a, n));
  if (!inverse) throw new ModelError(`${what} is singular and has no inverse`);
  return Float32Array.from(inverse);
}

function transposed(a: Float32Array, n: number): Float32Array {
  const t = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

/**
 * x from z = f(x): through R (`learned`: x = R (z - b)) or through the exact inverse (float64 LU of W, or of the
 * Toeplitz matrix for k x k convolutions).
 * @param kernel 0 for dense, else the conv kernel side
 * @throws ModelError when `learned` is asked of an exact-gradient model (no R) or W is singular
 */
export function linearInverse(z: tf.Tensor4D, kernel: number, params: LinearParams, how: InverseKind, what: string): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, width, c] = z.shape;
    const centred = tf.sub(z, kernel === 0 ? tf.reshape(params.b, [1, h, width, c]) : params.b) as tf.Tensor4D;
    if (how === 'learned') {
      if (!params.r) throw new ModelError(`${what}: this exact-gradient model has no learned inverse R; sample with the exact inverse`);
      if (kernel === 0) return tf.reshape(tf.matMul(tf.reshape(centred, [n, h * width * c]), params.r as tf.Tensor2D), [n, h, width, c]);
      return tf.conv2d(centred, params.r as tf.Tensor4D, 1, 'same');
    }
    const wValues = params.w.dataSync();
    if (kernel === 0 || kernel === 1) {
      const d = kernel === 0 ? h * width * c : c;
      // z = x W  =>  x = z W^-1.
      const inverse = tf.tensor2d(exactInverseMatrix(wValues, d, what), [d, d]);
      return tf.reshape(tf.matMul(tf.reshape(centred, [-1, d]), inverse), [n, h, width, c]);
    }
    const d = h * width * c;
    // z = T x (column vectors)  =>  rows: x = z T^-T.
    const inverse = exactInverseMatrix(convToeplitz(wValues, { kernel, channels: c, height: h, width }), d, what);
    return tf.reshape(tf.matMul(tf.reshape(centred, [n, d]), tf.tensor2d(transposed(inverse, d), [d, d])), [n, h, width, c]);
  });
}
