/**
 * SGD with momentum and weight decay (the HexaConv paper's optimiser: momentum 0.9, learning rate 0.05, weight decay
 * 1e-3) on one flat float32 vector in plain JavaScript, and the cosine learning-rate schedule the short runs here use
 * instead of the paper's steps at epochs 50, 100, 150 of 300. Invariant: identical updates on every backend.
 */

/** v = momentum * v - lr * (g + weightDecay * w * decayMask); w += v. `decayMask` marks the decayed entries. */
export function sgdStep(params: Float32Array, grad: Float32Array, velocity: Float32Array, learningRate: number, momentum: number, weightDecay: number, decayMask: Uint8Array): void {
  for (let i = 0; i < params.length; i++) {
    const g = grad[i]! + (decayMask[i] ? weightDecay * params[i]! : 0);
    velocity[i] = momentum * velocity[i]! - learningRate * g;
    params[i]! += velocity[i]!;
  }
}

/**
 * Cosine annealing from `peak` at the start to 0 at the end of training.
 * @param progress fraction of training done, clamped to [0, 1]
 */
export function cosineLearningRate(peak: number, progress: number): number {
  return peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress))));
}
