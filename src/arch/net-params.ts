/**
 * Parameter lists of the network families in net-spec.ts. Layer naming is shared by the training graph and the
 * engine export: `<prefix>.in`, `<prefix>.block<i>.conv1|conv2`, `<prefix>.dense<i>.reduce|conv`, `<prefix>.out`,
 * each with `.w` (kernel [kh, kw, in, out]) and `.b` (bias); a `binary` layer also has `.s` (scale per output
 * channel), a `hex` layer's kernel carries the hexagonal tap mask. resnet, binary and hex share one layout.
 */
import { hasResnetLayout, type NetSpec } from './net-spec.js';
import type { ParamInfo, ParamInit } from './param-list.js';
import { kernelSupport, supportMask } from './kernel-support.js';

/** How a family stores one conv layer. */
type ConvStyle = 'plain' | 'binary' | 'hex';

function conv(name: string, kernel: number, inChannels: number, outChannels: number, init: ParamInit, biasInit: ParamInit = { kind: 'zeros' }, style: ConvStyle = 'plain'): ParamInfo[] {
  const bias: ParamInfo = { name: `${name}.b`, shape: [outChannels], init: biasInit };
  if (style === 'binary') {
    // Latent weights start He-distributed (random signs); the scale takes the init's magnitude, so a zero-init layer
    // (a block's last conv, a coupling's output) starts at exactly zero output.
    const scale = init.kind === 'he' ? (init.gain ?? 1) * Math.sqrt(2 / (kernel * kernel * inChannels)) : 0;
    return [
      { name: `${name}.w`, shape: [kernel, kernel, inChannels, outChannels], init: { kind: 'he' }, binary: true },
      bias,
      { name: `${name}.s`, shape: [outChannels], init: scale === 0 ? { kind: 'zeros' } : { kind: 'values', values: [scale] } },
    ];
  }
  const taps = style === 'hex' && kernel > 1 ? { taps: supportMask(kernelSupport('hex', kernel)) } : {};
  return [{ name: `${name}.w`, shape: [kernel, kernel, inChannels, outChannels], init, ...taps }, bias];
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
  if (hasResnetLayout(spec.family)) {
    const style: ConvStyle = spec.family === 'binary' ? 'binary' : spec.family === 'hex' ? 'hex' : 'plain';
    params.push(...conv(`${prefix}.in`, 3, inChannels, spec.width, { kind: 'he' }, undefined, style));
    for (let i = 0; i < spec.depth; i++) {
      params.push(...conv(`${prefix}.block${i}.conv1`, 3, spec.width, spec.width, { kind: 'he' }, undefined, style));
      // The block's last conv starts at zero, so each block starts as the identity (Fixup-style; no normalisation).
      params.push(...conv(`${prefix}.block${i}.conv2`, 3, spec.width, spec.width, { kind: 'zeros' }, undefined, style));
    }
    params.push(...conv(`${prefix}.out`, 3, spec.width, outChannels, outInit, outBiasInit, style));
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
