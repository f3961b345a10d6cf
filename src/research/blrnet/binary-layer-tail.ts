/**
 * The training tail of a hidden PBNet-S layer as one fused op with a hand-written gradient: stochastic batch norm on
 * the batch's moments, stochastic 2x2 max-pool (optional), and binarisation by a hard binary-concrete sample with
 * P(+1) = Phi(mu / sigma) and a straight-through gradient (Peters and Welling 2018, section 3; the paper's order).
 * The same chain composed from tfjs ops (stochastic-layers.ts) is ~20x slower on wasm, whose broadcast-gradient
 * reductions are slow; the tests hold this op to that composition, value and gradient. Invariant: the forward pass
 * is exactly a Bernoulli(Phi(mu / sigma)) draw per activation given the noise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invariant } from '../../core/errors.js';
import { BN_EPSILON, PHI_CUBIC, PHI_SLOPE, RATIO_CLIP, VARIANCE_FLOOR } from './stochastic-layers.js';

/** The noise one tail draws with. */
export interface TailNoise {
  /** Standard normal draws, one per element of the pre-activation map (pooling layers only). */
  readonly pool: Float32Array | null;
  /** Standard logistic draws, one per output activation. */
  readonly logistic: Float32Array;
}

/** Result of binaryLayerTail. */
export interface TailResult {
  /** +-1 activations: [N, H/2, W/2, C] after pooling, else the input's shape. */
  readonly activations: tf.Tensor;
  /** The batch moments (m, v) the stochastic batch norm used, per channel. */
  readonly moments: { readonly mean: Float32Array; readonly variance: Float32Array };
}

/**
 * Stochastic batch norm, optional stochastic max-pool and PBNet-S binarisation of a layer's Gaussian pre-activation.
 * @param mean pre-activation means, [N, H, W, C] or [N, C]
 * @param variance pre-activation variances, the same shape or one image's ([1, ...]) shared by the batch
 * @param gamma batch-norm scale [C]; beta: shift [C]
 * @param pool 2x2 stride-2 stochastic max-pool (4-D input with even H and W)
 * @param temperature binary-concrete temperature > 0 (the paper's 1)
 */
export function binaryLayerTail(mean: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, pool: boolean,
  noise: TailNoise, temperature = 1): TailResult {
  const channels = mean.shape[mean.rank - 1]!;
  const batch = mean.shape[0]!;
  const size = mean.size;
  const count = size / channels;
  const shared = variance.size !== size;
  invariant(!shared || variance.size * batch === size, 'binaryLayerTail: variance must match the mean or one image of it');
  invariant(!pool || (mean.rank === 4 && mean.shape[1]! % 2 === 0 && mean.shape[2]! % 2 === 0), 'binaryLayerTail: pooling needs an NHWC map of even size');
  const outShape = pool ? [batch, mean.shape[1]! / 2, mean.shape[2]! / 2, channels] : mean.shape;
  const outSize = pool ? size / 4 : size;
  invariant(noise.logistic.length === outSize && (!pool || noise.pool?.length === size), 'binaryLayerTail: noise sizes');
  const momentsOut = { mean: new Float32Array(channels), variance: new Float32Array(channels) };

  const op = tf.customGrad(((muT: tf.Tensor, varT: tf.Tensor, gammaT: tf.Tensor, betaT: tf.Tensor) => {
    const mu = muT.dataSync() as Float32Array;
    const sigma2 = varT.dataSync() as Float32Array;
    const g = gammaT.dataSync() as Float32Array;
    const b = betaT.dataSync() as Float32Array;
    const imageSize = sigma2.length;
    const perVariance = shared ? batch : 1;
    // Batch moments: m = mean mu, v = (sum sigma^2 + sum (mu - m)^2) / (M - 1). Loops run position by position,
    // channel inside (no modulo per element: this is the hot path).
    const sum = new Float64Array(channels);
    const spread = new Float64Array(channels);
    const varianceSum = new Float64Array(channels);
    for (let base = 0; base < size; base += channels) for (let c = 0; c < channels; c++) sum[c]! += mu[base + c]!;
    const m = sum.map((total) => total / count);
    for (let base = 0; base < size; base += channels) {
      for (let c = 0; c < channels; c++) {
        const d = mu[base + c]! - m[c]!;
        spread[c]! += d * d;
      }
    }
    for (let base = 0; base < imageSize; base += channels) for (let c = 0; c < channels; c++) varianceSum[c]! += sigma2[base + c]!;
    const r = new Float64Array(channels);
    const k = new Float64Array(channels);
    const absK = new Float64Array(channels);
    for (let c = 0; c < channels; c++) {
      const v = (varianceSum[c]! * perVariance + spread[c]!) / Math.max(1, count - 1);
      r[c] = 1 / Math.sqrt(v + BN_EPSILON);
      k[c] = g[c]! * r[c]!;
      absK[c] = Math.abs(k[c]!);
      momentsOut.mean[c] = m[c]!;
      momentsOut.variance[c] = v;
    }
    // Normalise only what is needed: with pooling, each window's four scores k (mu - m) + beta + |k| sigma n pick
    // one position, whose normalised mean and variance go on.
    const source = new Int32Array(outSize);
    const selectedMean = new Float32Array(outSize);
    const selectedVariance = new Float32Array(outSize);
    if (pool) {
      const [, h, w] = mean.shape as [number, number, number, number];
      const row = w * channels;
      const poolNoise = noise.pool!;
      let o = 0;
      for (let image = 0; image < batch; image++) {
        for (let y = 0; y < h; y += 2) {
          for (let x = 0; x < w; x += 2) {
            const corner = image * h * row + y * row + x * channels;
            const varianceCorner = shared ? corner % imageSize : corner;
            for (let c = 0; c < channels; c++, o++) {
              // The four positions in raster order; the first maximum wins.
              const kc = k[c]!;
              const mc = m[c]!;
              const spread = absK[c]!;
              const i0 = corner + c;
              const v0 = varianceCorner + c;
              let best = i0;
              let bestScore = kc * (mu[i0]! - mc) + spread * Math.sqrt(sigma2[v0]!) * poolNoise[i0]!;
              let score = kc * (mu[i0 + channels]! - mc) + spread * Math.sqrt(sigma2[v0 + channels]!) * poolNoise[i0 + channels]!;
              if (score > bestScore) {
                best = i0 + channels;
                bestScore = score;
              }
              score = kc * (mu[i0 + row]! - mc) + spread * Math.sqrt(sigma2[v0 + row]!) * poolNoise[i0 + row]!;
              if (score > bestScore) {
                best = i0 + row;
                bestScore = score;
              }
              score = kc * (mu[i0 + row + channels]! - mc) + spread * Math.sqrt(sigma2[v0 + row + channels]!) * poolNoise[i0 + row + channels]!;
              if (score > bestScore) best = i0 + row + channels;
              source[o] = best;
            }
          }
        }
      }
    } else {
      for (let o = 0; o < outSize; o++) source[o] = o;
    }
    for (let base = 0; base < outSize; base += channels) {
      for (let c = 0; c < channels; c++) {
        const i = source[base + c]!;
        selectedMean[base + c] = k[c]! * (mu[i]! - m[c]!) + b[c]!;
        selectedVariance[base + c] = sigma2[shared ? i % imageSize : i]! * k[c]! * k[c]!;
      }
    }
    // Binarise: t = clip(mu / sqrt(var + floor)), z = sigmoid((logit Phi(t) + L) / T), h = +-1 by z >= 1/2.
    const z = new Float32Array(outSize);
    const ratio = new Float32Array(outSize);
    const q = new Float32Array(outSize);
    const h = new Float32Array(outSize);
    for (let o = 0; o < outSize; o++) {
      q[o] = 1 / Math.sqrt(selectedVariance[o]! + VARIANCE_FLOOR);
      ratio[o] = selectedMean[o]! * q[o]!;
      const t = Math.max(-RATIO_CLIP, Math.min(RATIO_CLIP, ratio[o]!));
      const logit = PHI_SLOPE * (t + PHI_CUBIC * t * t * t);
      z[o] = 1 / (1 + Math.exp(-(logit + noise.logistic[o]!) / temperature));
      h[o] = z[o]! >= 0.5 ? 1 : -1;
    }

    const gradFunc = (dy: tf.Tensor) => {
      const dh = dy.dataSync();
      // Gradients reach the normalised mean and variance only at selected positions.
      const dSelectedMean = new Float32Array(outSize);
      const dBeta = new Float64Array(channels);
      const dk = new Float64Array(channels);
      const dSigma2 = new Float32Array(imageSize);
      const kSquared = k.map((x) => x * x);
      for (let base = 0; base < outSize; base += channels) {
        for (let c = 0; c < channels; c++) {
          const o = base + c;
          const rt = ratio[o]!;
          if (rt < -RATIO_CLIP || rt > RATIO_CLIP) continue;
          const dLogit = (2 * dh[o]! * z[o]! * (1 - z[o]!)) / temperature;
          const dt = dLogit * PHI_SLOPE * (1 + 3 * PHI_CUBIC * rt * rt);
          const dMean = dt * q[o]!;
          const dVariance = (-dt * rt * q[o]! * q[o]!) / 2;
          const i = source[o]!;
          const vi = shared ? i % imageSize : i;
          dSelectedMean[o] = dMean;
          dBeta[c]! += dMean;
          dk[c]! += dMean * (mu[i]! - m[c]!) + dVariance * sigma2[vi]! * 2 * k[c]!;
          dSigma2[vi]! += dVariance * kSquared[c]!;
        }
      }
      // Batch norm backward (m and v depend on the batch).
      const dGamma = new Float32Array(channels);
      const dSpread = new Float64Array(channels);
      const meanShift = new Float64Array(channels);
      for (let c = 0; c < channels; c++) {
        dGamma[c] = dk[c]! * r[c]!;
        const dv = dk[c]! * g[c]! * -0.5 * r[c]! ** 3;
        dSpread[c] = dv / Math.max(1, count - 1);
        meanShift[c] = (k[c]! * dBeta[c]!) / count;
      }
      const dMu = new Float32Array(size);
      for (let base = 0; base < size; base += channels) {
        for (let c = 0; c < channels; c++) dMu[base + c] = 2 * dSpread[c]! * (mu[base + c]! - m[c]!) - meanShift[c]!;
      }
      for (let o = 0; o < outSize; o++) dMu[source[o]!]! += k[o % channels]! * dSelectedMean[o]!;
      // d v / d (sum sigma^2) = 1 / (M - 1), counted once per image when the variance is shared.
      for (let base = 0; base < imageSize; base += channels) for (let c = 0; c < channels; c++) dSigma2[base + c]! += dSpread[c]! * perVariance;
      return [tf.tensor(dMu, muT.shape), tf.tensor(dSigma2, varT.shape), tf.tensor(dGamma, gammaT.shape), tf.tensor(Float32Array.from(dBeta), betaT.shape)];
    };
    return { value: tf.tensor(h, outShape), gradFunc };
  }) as never) as (mu: tf.Tensor, sigma2: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

  return { activations: op(mean, variance, gamma, beta), moments: momentsOut };
}
