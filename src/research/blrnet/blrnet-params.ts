/**
 * The parameters of a PBNet as one flat float32 vector: per layer the weight means theta (in [-1, 1], tfjs layouts:
 * conv [k, k, in, out], dense [in, out]) and the batch-norm scale gamma and shift beta per output channel. The
 * running batch-norm moments (mean, variance per channel) live in a second vector, not trained by gradients.
 * Invariant: theta stays within [-1, 1] (clampTheta after every update).
 */
import { Random } from '../../core/random.js';
import { paramCount, paramOffsets, type ParamInfo } from '../../arch/param-list.js';
import { resolveLayers, type BlrnetSpec } from './blrnet-spec.js';

/** Names of layer i's parameters. */
export function layerParamNames(i: number): { theta: string; gamma: string; beta: string } {
  return { theta: `layer${i}.theta`, gamma: `layer${i}.gamma`, beta: `layer${i}.beta` };
}

/**
 * The parameter list of a spec, in vector order. Its theta init hint ('zeros') is not how training starts:
 * initialBlrnetParams draws every theta uniform in [-1, 1] (with all theta 0 every unit of a layer computes the same
 * distribution and the first step's gradient reaches the output layer's theta alone).
 */
export function blrnetParams(spec: BlrnetSpec): ParamInfo[] {
  return resolveLayers(spec).flatMap((r) => {
    const names = layerParamNames(r.index);
    const thetaShape = r.layer.kind === 'conv' ? [r.layer.kernelSize, r.layer.kernelSize, r.inChannels, r.outChannels] : [r.inChannels, r.outChannels];
    return [
      { name: names.theta, shape: thetaShape, init: { kind: 'zeros' } },
      { name: names.gamma, shape: [r.outChannels], init: { kind: 'values', values: [1] } },
      { name: names.beta, shape: [r.outChannels], init: { kind: 'zeros' } },
    ] satisfies ParamInfo[];
  });
}

/** Offsets of every parameter in the flat vector. */
export function blrnetOffsets(spec: BlrnetSpec): ReturnType<typeof paramOffsets> {
  return paramOffsets(blrnetParams(spec));
}

/** Number of scalars in the flat vector. */
export function blrnetParamCount(spec: BlrnetSpec): number {
  return paramCount(blrnetParams(spec));
}

/** Number of binary weights (the size of theta over all layers). */
export function binaryWeightCount(spec: BlrnetSpec): number {
  return resolveLayers(spec).reduce((n, r) => n + r.fanIn * r.outChannels, 0);
}

/**
 * Initial parameters: theta uniform in [-1, 1] (every weight starts genuinely random, E[a] = theta), gamma 1,
 * beta 0.
 * @param seed any integer
 */
export function initialBlrnetParams(spec: BlrnetSpec, seed: number): Float32Array {
  const random = new Random(seed);
  const params = blrnetParams(spec);
  const flat = new Float32Array(paramCount(params));
  for (const [name, { offset, size }] of paramOffsets(params)) {
    const view = flat.subarray(offset, offset + size);
    if (name.endsWith('.theta')) for (let i = 0; i < size; i++) view[i] = 2 * random.nextFloat() - 1;
    else if (name.endsWith('.gamma')) view.fill(1);
  }
  return flat;
}

/** Clamps every theta of `flat` into [-1, 1] in place (after each optimiser step). */
export function clampTheta(spec: BlrnetSpec, flat: Float32Array): void {
  for (const [name, { offset, size }] of blrnetOffsets(spec)) {
    if (!name.endsWith('.theta')) continue;
    for (let i = offset; i < offset + size; i++) flat[i] = Math.max(-1, Math.min(1, flat[i]!));
  }
}

/** Layout of the running batch-norm moments: per layer, `channels` means then `channels` variances. */
export function bnStatsOffsets(spec: BlrnetSpec): { offset: number; channels: number }[] {
  let offset = 0;
  return resolveLayers(spec).map((r) => {
    const entry = { offset, channels: r.outChannels };
    offset += 2 * r.outChannels;
    return entry;
  });
}

/** Length of the running-moments vector. */
export function bnStatsLength(spec: BlrnetSpec): number {
  return resolveLayers(spec).reduce((n, r) => n + 2 * r.outChannels, 0);
}

/** Initial running moments: mean 0, variance 1. */
export function initialBnStats(spec: BlrnetSpec): Float32Array {
  const stats = new Float32Array(bnStatsLength(spec));
  for (const { offset, channels } of bnStatsOffsets(spec)) stats.fill(1, offset + channels, offset + 2 * channels);
  return stats;
}

/** The per-layer views (mean, variance) of a running-moments vector. */
export function layerMomentsOf(spec: BlrnetSpec, stats: Float32Array): { mean: Float32Array; variance: Float32Array }[] {
  return bnStatsOffsets(spec).map(({ offset, channels }) => ({
    mean: stats.subarray(offset, offset + channels),
    variance: stats.subarray(offset + channels, offset + 2 * channels),
  }));
}
