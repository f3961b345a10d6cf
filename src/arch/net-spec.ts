/**
 * Coupling- and prior-network families as data. The training graph (src/train) and the integer engine (src/engine)
 * both build their networks from these records, so the two cannot drift. Every family is made only of ops the
 * integer engine has: convolutions, ReLU, addition, concatenation.
 */

/**
 * Network families. `resnet`: residual 3x3 blocks (the default, cheapest per bpd); `densenet`: the IDF paper's;
 * `binary`: the resnet's layout with every convolution's weights +-1 times a learned scale per output channel
 * (docs/blrnet.md); `hex`: the resnet's layout with every 3x3 kernel masked to the 7-tap hexagon in axial
 * coordinates (docs/hexaconv.md).
 */
export const NET_FAMILIES = ['resnet', 'densenet', 'binary', 'hex'] as const;
export type NetFamily = (typeof NET_FAMILIES)[number];

/** One coupling or prior network: input channels are implied by where it sits in the flow. */
export interface NetSpec {
  /** Which family builds the layers. */
  readonly family: NetFamily;
  /**
   * Hidden width: resnet, binary and hex channels; densenet growth is `width` per dense layer (the paper grows towards 512).
   * Range 1..1024.
   */
  readonly width: number;
  /** resnet, binary, hex: residual blocks (two 3x3 convs each); densenet: dense layers. Range 0..64. */
  readonly depth: number;
}

/** Checks a NetSpec's ranges; returns a list of problems (empty when valid). */
export function netSpecProblems(spec: NetSpec, where: string): string[] {
  const problems: string[] = [];
  if (!(NET_FAMILIES as readonly string[]).includes(spec.family)) problems.push(`${where}.family must be one of ${NET_FAMILIES.join(', ')}`);
  if (!Number.isInteger(spec.width) || spec.width < 1 || spec.width > 1024) problems.push(`${where}.width must be an integer 1..1024`);
  if (!Number.isInteger(spec.depth) || spec.depth < 0 || spec.depth > 64) problems.push(`${where}.depth must be an integer 0..64`);
  return problems;
}

/** Whether a family uses the resnet's layer layout (`in`, `block<i>.conv1|conv2`, `out`). */
export function hasResnetLayout(family: NetFamily): boolean {
  return family !== 'densenet';
}
