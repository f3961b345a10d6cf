/**
 * Adamax (Kingma and Ba 2015, section 7.1), the IDF paper's optimiser, on one flat float32 parameter vector in plain
 * JavaScript: the update runs on the main thread after the workers' gradients are averaged, identical on every
 * backend. Includes global-norm gradient clipping.
 */

/** Adamax hyper-parameters. */
export interface AdamaxOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export const DEFAULT_ADAMAX: AdamaxOptions = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/** Optimiser state: first moment, infinity norm, step count. Serialised into checkpoints. */
export interface AdamaxState {
  readonly m: Float32Array;
  readonly u: Float32Array;
  step: number;
}

/** Fresh state for `size` parameters. */
export function adamaxState(size: number): AdamaxState {
  return { m: new Float32Array(size), u: new Float32Array(size), step: 0 };
}

/** Scales `grad` in place so its L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGlobalNorm(grad: Float32Array, maxNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grad.length; i++) sum += grad[i]! * grad[i]!;
  const norm = Math.sqrt(sum);
  if (norm > maxNorm && norm > 0) {
    const factor = maxNorm / norm;
    for (let i = 0; i < grad.length; i++) grad[i]! *= factor;
  }
  return norm;
}

/** One Adamax step: params -= lr / (1 - beta1^t) * m / (u + eps). */
export function adamaxStep(params: Float32Array, grad: Float32Array, state: AdamaxState, learningRate: number, options: AdamaxOptions = DEFAULT_ADAMAX): void {
  state.step += 1;
  const { beta1, beta2, epsilon } = options;
  const stepSize = learningRate / (1 - beta1 ** state.step);
  const { m, u } = state;
  for (let i = 0; i < params.length; i++) {
    const g = grad[i]!;
    m[i] = beta1 * m[i]! + (1 - beta1) * g;
    u[i] = Math.max(beta2 * u[i]!, Math.abs(g));
    params[i]! -= (stepSize * m[i]!) / (u[i]! + epsilon);
  }
}
