/**
 * The TensorFlow.js operations with custom gradients that make a Self Normalizing Flow (Keller et al., ICML 2021,
 * eq. 7-10) and its exact-gradient twin. An SNF linear map f(x) = W x has a learned inverse g(z) = R z:
 * - `snfMatMul` / `snfConv2d` compute z = W x; their gradient is the usual one for x and W and gives R the data term
 *   of the inverse model, -delta_x z^T (written for the NLL: -(W^T g_z) z^T, with g_z the loss gradient at z), plus
 *   the gradients of the reconstruction loss ||R W x - x||^2 on the detached input;
 * - `logdetStandIn` stands for log|det W| without computing it (its value is 0): its gradient is R^T in place of
 *   W^-T, and -W^T for R (conv: flipped, channel-transposed kernels times each tap's use count);
 * - `exactLogdetDense` / `exactLogdetConv` compute log|det| in float64 (LU; Toeplitz for k x k) with the exact
 *   gradient W^-T: the O(D^3) baseline.
 * Invariant: with R = W^-1, the stand-in's gradient equals the exact one (tested).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '../../core/errors.js';
import { inverseFromLu, logAbsDet, luDecompose, type LuFactors } from './lu.js';
import { convToeplitz, tapUseCounts, toeplitzKernelGradient, type ConvGeometry } from './toeplitz.js';

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Forward = (...args: Array<tf.Tensor | tf.GradSaveFunc>) => { value: tf.Tensor; gradFunc: Grad };

function custom(f: Forward): (...inputs: tf.Tensor[]) => tf.Tensor {
  return tf.customGrad(f as never) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor;
}

/** Spatially flipped kernel with input and output channels swapped: [k, k, a, b] -> [k, k, b, a]. */
export function flipKernel(kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]);
}

/** Gradient of conv2d(input, W, 'same') with respect to W [k, k, Cin, Cout], for upstream dy (stride 1, odd k). */
export function convKernelGradient(input: tf.Tensor4D, dy: tf.Tensor4D, kernel: number): tf.Tensor4D {
  const p = (kernel - 1) / 2;
  const inputT = tf.transpose(input, [3, 1, 2, 0]); // [Cin, H, W, N]
  const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [H, W, N, Cout]
  const grad = tf.conv2d(inputT as tf.Tensor4D, dyT as tf.Tensor4D, 1, [[0, 0], [p, p], [p, p], [0, 0]]); // [Cin, k, k, Cout]
  return tf.transpose(grad, [1, 2, 0, 3]);
}

/**
 * x W for x [N, D] and W [D, E] with the usual gradient, written with explicit transposes: tfjs-wasm's matMul with
 * transposeA / transposeB runs about 10x slower than on transposed copies (measured: 3.4 vs 35 GFLOP/s at D = 784),
 * and the stock matMul gradient uses those flags. The exact-gradient twin uses this op, so both are timed fairly.
 */
export const fastMatMul = custom((x, w, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy, [xs, ws]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(ws as tf.Tensor2D)),
      tf.matMul(tf.transpose(xs as tf.Tensor2D), dy as tf.Tensor2D),
    ],
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/** The reconstruction term of a self-normalizing layer: its weight in the loss and where to report its value. */
export interface Reconstruction {
  /**
   * c in the loss term c * mean over images of ||R W x - x||^2, x detached (the flow passes 2 lambda / D: see
   * snf-flow.ts); 0 leaves R trained by the likelihood terms only.
   */
  readonly weight: number;
  /** false: the term trains R only (W's gradient omits it: the official code's `only_R_recon`); default true. */
  readonly trainsForward?: boolean;
  /** Number of images in the batch (rows of x for dense; 1x1 convolutions see N H W rows of N images). */
  readonly images: number;
  /** Receives mean_n ||R W x_n - x_n||^2 (kept out of tidy: the caller disposes it). */
  readonly onValue?: (value: tf.Scalar) => void;
}

/** How a layer weighs its reconstruction term: c, and whether the term trains W as well as R. */
export type ReconstructionTerm = Pick<Reconstruction, 'weight' | 'trainsForward'>;

function reportReconstruction(e: tf.Tensor, reconstruction: Reconstruction): void {
  if (reconstruction.onValue) reconstruction.onValue(tf.keep(tf.div(tf.sum(tf.square(e)), reconstruction.images) as tf.Scalar));
}

/**
 * z = x W for x [N, D] and W [D, D] (row vectors) as a self-normalizing layer: besides the usual gradients for x and
 * W, R [D, D] (x ~ z R) gets the inverse model's data gradient -u^T dx with u = x W (paper eq. 9, delta_x through f),
 * and the reconstruction term c mean ||u R - x||^2 (x detached) adds its gradients to W and R without a second pass:
 * with e = u R - x and s = 2c / N, dW += x^T (s e R^T) (unless trainsForward is false) and dR += u^T (s e). Bias is
 * added by the caller (R sees z - b).
 */
export function snfMatMul(x: tf.Tensor2D, w: tf.Tensor2D, r: tf.Tensor2D, reconstruction: Reconstruction = { weight: 0, images: x.shape[0] }): tf.Tensor2D {
  const s = (2 * reconstruction.weight) / reconstruction.images;
  const toForward = s !== 0 && reconstruction.trainsForward !== false;
  const op = custom((xs, ws, rs, save) => {
    const u = tf.matMul(xs as tf.Tensor2D, ws as tf.Tensor2D);
    const e = tf.sub(tf.matMul(u, rs as tf.Tensor2D), xs as tf.Tensor);
    reportReconstruction(e, reconstruction);
    (save as tf.GradSaveFunc)([xs as tf.Tensor, ws as tf.Tensor, rs as tf.Tensor, u, e]);
    return {
      value: u,
      gradFunc: (dy, [x0, w0, r0, u0, e0]) => {
        const dx = tf.matMul(dy as tf.Tensor2D, tf.transpose(w0 as tf.Tensor2D));
        const du = toForward ? tf.add(dy, tf.mul(s, tf.matMul(e0 as tf.Tensor2D, tf.transpose(r0 as tf.Tensor2D)))) : dy;
        const dw = tf.matMul(tf.transpose(x0 as tf.Tensor2D), du as tf.Tensor2D);
        const dr = tf.matMul(tf.transpose(u0 as tf.Tensor2D), s === 0 ? tf.neg(dx) : tf.sub(tf.mul(s, e0!), dx));
        return [dx, dw, dr];
      },
    };
  });
  return op(x, w, r) as tf.Tensor2D;
}

/**
 * z = conv2d(x, W, 'same') for x [N, H, W, C], W [k, k, C, C] (k odd) as a self-normalizing layer: the convolutional
 * form of snfMatMul. R [k, k, C, C] (x ~ conv2d(z, R)) gets the kernel gradient of conv2d(u, R) for upstream -dx, and
 * the reconstruction term c mean ||conv(u, R) - x||^2 (x detached) adds its gradients to W (unless trainsForward is
 * false) and R in the same pass.
 */
export function snfConv2d(x: tf.Tensor4D, w: tf.Tensor4D, r: tf.Tensor4D, reconstruction: Reconstruction = { weight: 0, images: x.shape[0] }): tf.Tensor4D {
  const k = w.shape[0];
  const s = (2 * reconstruction.weight) / reconstruction.images;
  const toForward = s !== 0 && reconstruction.trainsForward !== false;
  const op = custom((xs, ws, rs, save) => {
    const u = tf.conv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same');
    const e = tf.sub(tf.conv2d(u, rs as tf.Tensor4D, 1, 'same'), xs as tf.Tensor);
    reportReconstruction(e, reconstruction);
    (save as tf.GradSaveFunc)([xs as tf.Tensor, ws as tf.Tensor, rs as tf.Tensor, u, e]);
    return {
      value: u,
      gradFunc: (dy, [x0, w0, r0, u0, e0]) => {
        const dx = tf.conv2d(dy as tf.Tensor4D, flipKernel(w0 as tf.Tensor4D), 1, 'same');
        const du = toForward ? tf.add(dy, tf.mul(s, tf.conv2d(e0 as tf.Tensor4D, flipKernel(r0 as tf.Tensor4D), 1, 'same'))) : dy;
        const dw = convKernelGradient(x0 as tf.Tensor4D, du as tf.Tensor4D, k);
        const dr = convKernelGradient(u0 as tf.Tensor4D, (s === 0 ? tf.neg(dx) : tf.sub(tf.mul(s, e0!), dx)) as tf.Tensor4D, k);
        return [dx, dw, dr];
      },
    };
  });
  return op(x, w, r) as tf.Tensor4D;
}

/**
 * Stand-in for log|det W| of a dense map (or of a 1x1 convolution applied at `multiplier` positions): value 0 (never
 * computed), gradient multiplier * R^T for W and -multiplier * W^T for R.
 */
export function logdetStandInDense(w: tf.Tensor2D, r: tf.Tensor2D, multiplier = 1): tf.Scalar {
  const op = custom((ws, rs) => ({
    value: tf.scalar(0),
    gradFunc: (dy) => {
      const scale = tf.mul(dy, multiplier);
      return [tf.mul(scale, tf.transpose(rs as tf.Tensor2D)), tf.mul(tf.neg(scale), tf.transpose(ws as tf.Tensor2D))];
    },
  }));
  return op(w, r) as tf.Scalar;
}

/**
 * Stand-in for log|det T(W)| of a k x k 'same' convolution over H x W images: value 0, gradient
 * counts * flip(R)^T for W and -counts * flip(W)^T for R, where counts are the taps' use counts (paper s.3.2).
 */
export function logdetStandInConv(w: tf.Tensor4D, r: tf.Tensor4D, height: number, width: number): tf.Scalar {
  const k = w.shape[0];
  const counts = tapUseCounts(k, height, width);
  const op = custom((ws, rs) => ({
    value: tf.scalar(0),
    gradFunc: (dy) => {
      const scale = tf.mul(dy, tf.tensor4d(Float32Array.from(counts), [k, k, 1, 1]));
      return [tf.mul(scale, flipKernel(rs as tf.Tensor4D)), tf.mul(tf.neg(scale), flipKernel(ws as tf.Tensor4D))];
    },
  }));
  return op(w, r) as tf.Scalar;
}

function singular(what: string): ModelError {
  return new ModelError(`${what} is singular (log|det| = -Infinity); the flow is not invertible: restart from an earlier checkpoint or lower --lr`);
}

function transposeToFloat32(a: Float64Array, n: number): Float32Array {
  const t = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j]!;
  return t;
}

/**
 * multiplier * log|det W| of a square W [D, D], computed in float64, with the exact gradient multiplier * W^-T
 * (an O(D^3) inverse per call).
 * @param what names the layer in errors
 * @throws ModelError when the gradient is asked for and W is singular
 */
export function exactLogdetDense(w: tf.Tensor2D, multiplier = 1, what = 'a weight matrix'): tf.Scalar {
  const n = w.shape[0];
  let factors: LuFactors | null = null;
  const op = custom((ws) => {
    factors = luDecompose((ws as tf.Tensor).dataSync(), n);
    return {
      value: tf.scalar(multiplier * logAbsDet(factors)),
      gradFunc: (dy) => {
        const inverse = inverseFromLu(factors!);
        if (!inverse) throw singular(what);
        return [tf.mul(tf.mul(dy, multiplier), tf.tensor2d(transposeToFloat32(inverse, n), [n, n]))];
      },
    };
  });
  return op(w) as tf.Scalar;
}

/**
 * log|det T(W)| of a k x k 'same' convolution over `g`'s images (D x D Toeplitz matrix, float64 LU), with the exact
 * gradient: each kernel entry's sum of T^-T over the positions it is used at. O(D^3) per call.
 * @throws ModelError when the gradient is asked for and T is singular
 */
export function exactLogdetConv(w: tf.Tensor4D, g: ConvGeometry, what = 'a convolution'): tf.Scalar {
  let factors: LuFactors | null = null;
  const op = custom((ws) => {
    factors = luDecompose(convToeplitz((ws as tf.Tensor).dataSync(), g), g.height * g.width * g.channels);
    return {
      value: tf.scalar(logAbsDet(factors)),
      gradFunc: (dy) => {
        const inverse = inverseFromLu(factors!);
        if (!inverse) throw singular(what);
        const gradient = Float32Array.from(toeplitzKernelGradient(inverse, g));
        return [tf.mul(dy, tf.tensor4d(gradient, [g.kernel, g.kernel, g.channels, g.channels]))];
      },
    };
  });
  return op(w) as tf.Scalar;
}
