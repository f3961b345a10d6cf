/**
 * A Conv2D gradient made only of forward convolutions, registered over tfjs's own. The wasm backend has no
 * Conv2DBackpropFilter kernel (so stock tfjs cannot train a conv net on wasm) and a slow Conv2DBackpropInput
 * (RESEARCH.md section 6). For stride 1 and dilation 1:
 *   dx = conv(dy, W flipped in space with in/out channels swapped, padding k-1-p)
 *   dW = conv(x^T, dy^T) where ^T swaps the batch and channel axes, so the batch becomes the reduction axis.
 * Other strides and dilations fall back to tfjs's backprop kernels (available on the cpu and tensorflow backends).
 */
import * as tf from '@tensorflow/tfjs-core';

type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

/** Padding before/after along height and width, as tfjs resolves it for stride 1. */
function paddingOf(pad: Conv2DAttrs['pad'], kernelH: number, kernelW: number): [[number, number], [number, number]] {
  if (pad === 'valid') return [[0, 0], [0, 0]];
  if (pad === 'same') {
    // tfjs/TF 'same' with stride 1: total k-1, the extra one (even k) after.
    const h = kernelH - 1;
    const w = kernelW - 1;
    return [[Math.floor(h / 2), h - Math.floor(h / 2)], [Math.floor(w / 2), w - Math.floor(w / 2)]];
  }
  if (typeof pad === 'number') return [[pad, pad], [pad, pad]];
  return [pad[1] as [number, number], pad[2] as [number, number]];
}

function explicit(padding: [[number, number], [number, number]]): Pad {
  return [[0, 0], padding[0], padding[1], [0, 0]];
}

/** Gradient of Conv2D for NHWC, stride 1, dilation 1, written with forward convolutions. */
function conv2dGradient(dy: tf.Tensor4D, x: tf.Tensor4D, filter: tf.Tensor4D, attrs: Conv2DAttrs): { x: () => tf.Tensor; filter: () => tf.Tensor } {
  const [kernelH, kernelW] = [filter.shape[0], filter.shape[1]];
  const [[top, bottom], [left, right]] = paddingOf(attrs.pad, kernelH, kernelW);
  return {
    x: () => {
      const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
      const padding: [[number, number], [number, number]] = [
        [kernelH - 1 - top, kernelH - 1 - bottom],
        [kernelW - 1 - left, kernelW - 1 - right],
      ];
      return tf.conv2d(dy, flipped as tf.Tensor4D, 1, explicit(padding) as never);
    },
    filter: () => {
      const xT = tf.transpose(x, [3, 1, 2, 0]); // [Cin, H, W, N]
      const dyT = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Cout]
      const grad = tf.conv2d(xT as tf.Tensor4D, dyT as tf.Tensor4D, 1, explicit([[top, bottom], [left, right]]) as never);
      return tf.transpose(grad, [1, 2, 0, 3]); // [Cin, kh, kw, Cout] -> [kh, kw, Cin, Cout]
    },
  };
}

/** Replaces tfjs's Conv2D gradient with the forward-convolution one (NHWC, stride 1, dilation 1; else stock). */
export function registerConv2dGradient(): void {
  const stock = tf.getGradient('Conv2D');
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const conv = attrs as unknown as Conv2DAttrs;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const stride = pair(conv.strides);
      const dilation = pair(conv.dilations);
      const simple = conv.dataFormat === 'NHWC' && stride[0] === 1 && stride[1] === 1 && dilation[0] === 1 && dilation[1] === 1;
      if (!simple && stock) return stock.gradFunc(dy, saved, attrs);
      return conv2dGradient(dy as tf.Tensor4D, x, filter, conv);
    },
  });
}
