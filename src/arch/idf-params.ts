/**
 * The parameter list of an IDF spec: coupling networks `level<l>.coupling<k>`, split-prior networks `level<l>.split`,
 * and the top prior `top.mu|logScale|logits` ([K, C] each). Prior networks output 3*K*C channels laid out as
 * (part, component, channel) with part 0 = mu, 1 = log-scale, 2 = mixture logit; see priorChannel().
 */
import { idfLayout, sizeMultiple, type IdfSpec } from './idf-spec.js';
import { netParams } from './net-params.js';
import type { ParamInfo } from './param-list.js';

/** Parts of a prior's parameter block. */
export const PRIOR_PARTS = { mu: 0, logScale: 1, logit: 2 } as const;

/**
 * The top prior's parameters are stored divided by these factors and multiplied back in the graph. Adam-type
 * optimisers move every parameter by about the learning rate per step; a mean in pixel units, with no fan-in to
 * amplify it, would otherwise need ~500 steps to move one pixel level.
 */
export const TOP_MU_MULTIPLIER = 16;
export const TOP_LOG_SCALE_MULTIPLIER = 4;

/** Initial scale of every prior, in pixel levels: near the data's spread, not IDF's 1/256 (RESEARCH.md s.6). */
export const INITIAL_PRIOR_SCALE = 8;
/** Initial spacing of mixture components' means, in pixel levels (breaks the components' symmetry). */
const INITIAL_COMPONENT_SPACING = 6;

/** Channel of (part, component, channel) in a prior network's output. */
export function priorChannel(part: number, component: number, channel: number, components: number, channels: number): number {
  return (part * components + component) * channels + channel;
}

function priorBias(components: number, channels: number): number[] {
  const bias = new Array<number>(3 * components * channels).fill(0);
  for (let k = 0; k < components; k++) {
    for (let c = 0; c < channels; c++) {
      bias[priorChannel(PRIOR_PARTS.mu, k, c, components, channels)] = (k - (components - 1) / 2) * INITIAL_COMPONENT_SPACING;
      bias[priorChannel(PRIOR_PARTS.logScale, k, c, components, channels)] = Math.log(INITIAL_PRIOR_SCALE);
    }
  }
  return bias;
}

/** All parameters of `spec`, in flat-vector order. */
export function idfParams(spec: IdfSpec): ParamInfo[] {
  const multiple = sizeMultiple(spec);
  const layouts = idfLayout(spec, multiple, multiple);
  const params: ParamInfo[] = [];
  layouts.forEach((layout, level) => {
    for (let k = 0; k < spec.couplingsPerLevel; k++) {
      const context = layout.channels - layout.translated;
      params.push(...netParams(`level${level}.coupling${k}`, spec.coupling, context, layout.translated, { kind: 'zeros' }));
    }
    if (layout.factored > 0) {
      const components = spec.splitPrior.components;
      const kept = layout.channels - layout.factored;
      params.push(
        ...netParams(`level${level}.split`, spec.splitPrior.net, kept, 3 * components * layout.factored, { kind: 'he', gain: 0.05 }, {
          kind: 'values',
          values: priorBias(components, layout.factored),
        }),
      );
    }
  });
  const top = layouts[layouts.length - 1]!.channels;
  const components = spec.topPrior.components;
  const bias = priorBias(components, top);
  const part = (p: number) => bias.slice(p * components * top, (p + 1) * components * top);
  params.push(
    { name: 'top.mu', shape: [components, top], init: { kind: 'values', values: part(PRIOR_PARTS.mu).map((v) => v / TOP_MU_MULTIPLIER) } },
    { name: 'top.logScale', shape: [components, top], init: { kind: 'values', values: part(PRIOR_PARTS.logScale).map((v) => v / TOP_LOG_SCALE_MULTIPLIER) } },
    { name: 'top.logits', shape: [components, top], init: { kind: 'zeros' } },
  );
  return params;
}
