/**
 * Parameter lists of the network families in net-spec.ts. Layer naming is shared by the training graph and the
 * engine export: `<prefix>.in`, `<prefix>.block<i>.conv1|conv2`, `<prefix>.dense<i>.reduce|conv`, `<prefix>.out`,
 * each with `.w` (kernel [kh, kw, in, out]) and `.b` (bias).
 */
import type { NetSpec } from './net-spec.js';
import type { ParamInfo, ParamInit } from './param-list.js';

function conv(name: string, kernel: number, inChannels: number, outChannels: number, init: ParamInit, biasInit: ParamInit = { kind: 'zeros' }): ParamInfo[] {
  return [
    { name: `${name}.w`, shape: [kernel, kernel, inChannels, outChannels], init },
    { name: `${name}.b`, shape: [outChannels], init: biasInit },
  ];
}

/** Channels of the densenet's concatenated state after `layers` dense layers. */
export function densenetChannels(spec: NetSpec, inChannels: number, layers: number): number {
  return inChannels + layers * spec.width;
}

/**
 * Parameters of one network.
 * @param outInit initialisation of the output kernel (zeros makes a coupling start as the identity)
 * @param outBiasInit initialisation of the output bias (priors start at the data's spread)
 */
export function netParams(prefix: string, spec: NetSpec, inChannels: number, outChannels: number, outInit: ParamInit, outBiasInit: ParamInit = { kind: 'zeros' }): ParamInfo[] {
  const params: ParamInfo[] = [];
  if (spec.family === 'resnet') {
    params.push(...conv(`${prefix}.in`, 3, inChannels, spec.width, { kind: 'he' }));
    for (let i = 0; i < spec.depth; i++) {
      params.push(...conv(`${prefix}.block${i}.conv1`, 3, spec.width, spec.width, { kind: 'he' }));
      // The block's last conv starts at zero, so each block starts as the identity (Fixup-style; no normalisation).
      params.push(...conv(`${prefix}.block${i}.conv2`, 3, spec.width, spec.width, { kind: 'zeros' }));
    }
    params.push(...conv(`${prefix}.out`, 3, spec.width, outChannels, outInit, outBiasInit));
    return params;
  }
  for (let i = 0; i < spec.depth; i++) {
    const channels = densenetChannels(spec, inChannels, i);
    params.push(...conv(`${prefix}.dense${i}.reduce`, 1, channels, spec.width, { kind: 'he' }));
    params.push(...conv(`${prefix}.dense${i}.conv`, 3, spec.width, spec.width, { kind: 'he' }));
  }
  params.push(...conv(`${prefix}.out`, 3, densenetChannels(spec, inChannels, spec.depth), outChannels, outInit, outBiasInit));
  return params;
}
