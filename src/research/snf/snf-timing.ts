/**
 * The paper's Fig. 4 on this machine: wall-clock time of one full training step (forward, loss, gradient, Adamax
 * update) of a single-layer flow, self-normalizing versus exact gradient, as the dimension D grows. Both run on one
 * core (tfjs-wasm is single-threaded in Node; the float64 LU is plain TypeScript) with the same batch and data.
 * Invariant: each measured step is a real training step of that model, the exact one including its O(D^3) inverse.
 */
import { Random } from '../../core/random.js';
import { adamaxState, adamaxStep, clipGlobalNorm } from '../../train/adamax.js';
import { SnfFlow } from './snf-flow.js';
import { initialSnfParams } from './snf-params.js';
import { checkSnfSpec, type GradientKind, type SnfSpec } from './snf-spec.js';

/** The layer being timed: a D x D dense layer, or a 3x3 convolution over a D x 1 single-channel image (the paper's). */
export type TimedLayer = 'dense' | 'conv';

/** One measurement. */
export interface TimingRow {
  readonly layer: TimedLayer;
  readonly dimension: number;
  readonly gradient: GradientKind;
  readonly batchSize: number;
  /** Median wall-clock seconds over the measured steps. */
  readonly secondsPerStep: number;
  /** Median process CPU seconds (user + system) over the measured steps: robust when other work shares the cores. */
  readonly cpuSecondsPerStep: number;
  readonly stepSeconds: readonly number[];
}

/** The single-layer flow that is timed. */
export function timingSpec(layer: TimedLayer, dimension: number, gradient: GradientKind): SnfSpec {
  return checkSnfSpec(
    {
      kind: 'snf',
      model: layer === 'dense' ? 'fc' : 'conv',
      gradient,
      image: { height: dimension, width: 1, channels: 1 },
      logitAlpha: 1e-6,
      reconstructionWeight: 1,
      // The costlier variant (the term's gradient reaches W too), so the SNF/exact ratio is a lower bound for the default.
      reconstructionGradient: 'both',
      layers: [layer === 'dense' ? { kind: 'dense' } : { kind: 'conv', kernel: 3 }],
    },
    `the ${layer} timing model`,
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What to time and how. */
export interface TimingOptions {
  /** Images per step (the paper: 128). */
  readonly batchSize: number;
  /** Measured steps (the median is reported). */
  readonly steps: number;
  /** Unmeasured steps first. */
  readonly warmup: number;
  readonly seed: number;
  /** CPU seconds used so far by this process (the CLI passes process.cpuUsage; library code does not touch process). */
  readonly cpuSeconds: () => number;
}

/** Times `warmup + steps` training steps of the one-layer flow and keeps the last `steps`. */
export function timeTrainingStep(layer: TimedLayer, dimension: number, gradient: GradientKind, options: TimingOptions): TimingRow {
  const { batchSize, steps, warmup, seed } = options;
  const flow = new SnfFlow(timingSpec(layer, dimension, gradient));
  const params = initialSnfParams(flow.spec, seed);
  const optimizer = adamaxState(params.length);
  const grad = new Float32Array(params.length);
  const random = new Random(seed);
  const values = Float32Array.from({ length: batchSize * dimension }, () => 256 * random.nextFloat());
  const stepSeconds: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < warmup + steps; i++) {
    const start = performance.now();
    const cpuStart = options.cpuSeconds();
    flow.lossAndGradient(params, values, batchSize, grad);
    clipGlobalNorm(grad, 1e4);
    adamaxStep(params, grad, optimizer, 1e-4);
    const cpu = options.cpuSeconds() - cpuStart;
    if (i >= warmup) {
      stepSeconds.push((performance.now() - start) / 1000);
      cpuSeconds.push(cpu);
    }
  }
  return { layer, dimension, gradient, batchSize, secondsPerStep: median(stepSeconds), cpuSecondsPerStep: median(cpuSeconds), stepSeconds };
}
