/**
 * The HexaConv WideResNets as data: a pre-activation WideResNet (Zagoruyko and Komodakis 2016) whose convolutions
 * are planar (z2, hex) or group convolutions (p4, p4m, p6, p6m), as in HexaConv section 6 and the official models.
 * From a spec follow the layer list, the parameter list, the cost and, for a parameter budget, the widths of every
 * group. Invariant: the graph (wrn-graph.ts), the parameter vector and the cost are all derived from `wrnLayout`, so
 * they cannot disagree; parameter counts are exact (masked hexagon cells are not stored, so not counted).
 */
import { InternalError, ModelError } from '../../core/errors.js';
import { paramCount, type ParamInfo } from '../../arch/param-list.js';
import { GROUP_NAMES, isGroupName, pointGroup, type GroupName } from './point-groups.js';
import { kernelSupport } from '../../arch/kernel-support.js';
import type { ConvInput } from './filter-expansion.js';
import { downsampleGrid, imageGrid, type SamplingGrid } from './sampling-grid.js';

/** A HexaConv WideResNet. */
export interface WrnSpec {
  readonly kind: 'hexaconv-wrn';
  readonly group: GroupName;
  /** Side of the square input images in pixels, 8..512 (32 for CIFAR-10, 64 for AID). */
  readonly imageSize: number;
  /** Channels of the input images, 1 or 3. */
  readonly imageChannels: number;
  /** Number of classes, 2..1000. */
  readonly classes: number;
  /** Residual blocks per stage, 1..16 (the paper: 4 on CIFAR-10, 2 on AID). */
  readonly blocksPerStage: number;
  /** Channels per stage (per orientation for group convolutions), 1..1024 each, 1..6 stages; stages 2.. halve the grid. */
  readonly widths: readonly number[];
  /** Stride of the first convolution: 1 (CIFAR-10) or 2 (AID's 64 x 64 images). */
  readonly stemStride: 1 | 2;
  /** Side of the spatial filters, odd, 1..9 (the paper: 3; on the hexagonal lattice a hexagon of 7 cells). */
  readonly kernelSize: number;
}

/** One convolution: its stored filter is [outChannels, inChannels, paramsPerPair] plus a bias [outChannels]. */
export interface ConvLayer {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly input: ConvInput;
  readonly kernelSize: number;
  readonly stride: 1 | 2;
  /** Grid level the convolution reads (0 = the image grid); it writes level + (stride === 2 ? 1 : 0). */
  readonly level: number;
}

/** A batch normalisation over `channels` (statistics shared by a channel's orientations and valid cells). */
export interface NormLayer {
  readonly name: string;
  readonly channels: number;
  readonly level: number;
}

/** One pre-activation block: x + conv2(relu(bn2(conv1(relu(bn1(x)))))), with a 1x1 `shortcut` when shapes change. */
export interface BlockLayout {
  readonly bn1: NormLayer;
  readonly conv1: ConvLayer;
  readonly bn2: NormLayer;
  readonly conv2: ConvLayer;
  readonly shortcut: ConvLayer | null;
}

/** The whole network, in execution order. */
export interface WrnLayout {
  readonly stem: ConvLayer;
  readonly blocks: readonly BlockLayout[];
  /** Final normalisation, then ReLU, mean over valid cells, max over orientations, and a dense layer `head`. */
  readonly finalNorm: NormLayer;
  readonly headInputs: number;
  /** Grids of every level, level 0 the image grid. */
  readonly grids: readonly SamplingGrid[];
}

/** Orientations per channel of a group's feature maps. */
export function orientations(spec: WrnSpec): number {
  return pointGroup(spec.group).size;
}

/**
 * The layer list of `spec`.
 * @param inputGrid level-0 grid of another input region on the group's lattice (the tests use a hexagon, which the
 *   rotations map onto itself); default: the grid of a square `imageSize` image
 * @throws InternalError when `inputGrid` lies on the other lattice (a caller bug)
 */
export function wrnLayout(spec: WrnSpec, inputGrid?: SamplingGrid): WrnLayout {
  const group = pointGroup(spec.group);
  if (inputGrid && inputGrid.lattice !== group.lattice) throw new InternalError(`${spec.group} runs on the ${group.lattice} lattice, not on a ${inputGrid.lattice} grid`);
  const grids: SamplingGrid[] = [inputGrid ?? imageGrid(group.lattice, spec.imageSize, spec.imageSize)];
  const k = spec.kernelSize;
  const conv = (name: string, inChannels: number, outChannels: number, input: ConvInput, kernelSize: number, stride: 1 | 2, level: number): ConvLayer => {
    if (stride === 2 && grids.length === level + 1) grids.push(downsampleGrid(grids[level]!));
    return { name, inChannels, outChannels, input, kernelSize, stride, level };
  };
  const stem = conv('stem', spec.imageChannels, spec.widths[0]!, 'plane', k, spec.stemStride, 0);
  let level = spec.stemStride === 2 ? 1 : 0;
  let channels = spec.widths[0]!;
  const blocks: BlockLayout[] = [];
  spec.widths.forEach((width, stage) => {
    for (let b = 0; b < spec.blocksPerStage; b++) {
      const name = `stage${stage}.block${b}`;
      const stride: 1 | 2 = stage > 0 && b === 0 ? 2 : 1;
      const bn1 = { name: `${name}.bn1`, channels, level };
      const conv1 = conv(`${name}.conv1`, channels, width, 'group', k, stride, level);
      const shortcut = stride === 2 || channels !== width ? conv(`${name}.shortcut`, channels, width, 'group', 1, stride, level) : null;
      if (stride === 2) level += 1;
      blocks.push({ bn1, conv1, bn2: { name: `${name}.bn2`, channels: width, level }, conv2: conv(`${name}.conv2`, width, width, 'group', k, 1, level), shortcut });
      channels = width;
    }
  });
  return { stem, blocks, finalNorm: { name: 'final.bn', channels, level }, headInputs: channels, grids };
}

/** Stored parameters per (output, input) channel pair of a convolution. */
export function paramsPerPair(spec: WrnSpec, conv: ConvLayer): number {
  const group = pointGroup(spec.group);
  const cells = kernelSupport(group.lattice, conv.kernelSize).cells.length;
  return (conv.input === 'plane' ? 1 : group.size) * cells;
}

/** Every convolution of a layout, in execution order. */
export function convLayers(layout: WrnLayout): ConvLayer[] {
  return [layout.stem, ...layout.blocks.flatMap((b) => [b.conv1, b.conv2, ...(b.shortcut ? [b.shortcut] : [])])];
}

/** Every normalisation of a layout, in execution order. */
export function normLayers(layout: WrnLayout): NormLayer[] {
  return [...layout.blocks.flatMap((b) => [b.bn1, b.bn2]), layout.finalNorm];
}

/**
 * The trainable parameters, in the order of the flat vector: per convolution `<name>.w` [out, in, paramsPerPair]
 * (He initialisation over its fan-in in * paramsPerPair) and `<name>.b` [out]; per normalisation `<name>.gamma`,
 * `<name>.beta` [channels]; the dense head `head.w` [inputs, classes] and `head.b` [classes].
 */
export function wrnParams(spec: WrnSpec): ParamInfo[] {
  const layout = wrnLayout(spec);
  const params: ParamInfo[] = [];
  for (const conv of convLayers(layout)) {
    params.push({ name: `${conv.name}.w`, shape: [conv.outChannels, conv.inChannels, paramsPerPair(spec, conv)], init: { kind: 'he' } });
    params.push({ name: `${conv.name}.b`, shape: [conv.outChannels], init: { kind: 'zeros' } });
  }
  for (const norm of normLayers(layout)) {
    params.push({ name: `${norm.name}.gamma`, shape: [norm.channels], init: { kind: 'values', values: [1] } });
    params.push({ name: `${norm.name}.beta`, shape: [norm.channels], init: { kind: 'zeros' } });
  }
  params.push({ name: 'head.w', shape: [layout.headInputs, spec.classes], init: { kind: 'he', gain: Math.SQRT1_2 } });
  params.push({ name: 'head.b', shape: [spec.classes], init: { kind: 'zeros' } });
  return params;
}

/** Number of trainable parameters. */
export function wrnParamCount(spec: WrnSpec): number {
  return paramCount(wrnParams(spec));
}

/**
 * Multiply-adds of one forward pass of one image, as the graph computes them: every convolution over its whole
 * input storage array (a stride-2 convolution runs at stride 1 and is then subsampled; hexagonal filters are
 * computed as k x k arrays with zeros), plus the dense head.
 */
export function wrnMultiplyAdds(spec: WrnSpec): number {
  const layout = wrnLayout(spec);
  const s = orientations(spec);
  let total = 0;
  for (const conv of convLayers(layout)) {
    const grid = layout.grids[conv.level]!;
    const inputs = conv.inChannels * (conv.input === 'plane' ? 1 : s);
    total += grid.rows * grid.columns * conv.kernelSize ** 2 * inputs * conv.outChannels * s;
  }
  return total + layout.headInputs * spec.classes;
}

/**
 * Floats of the feature maps of one image: every convolution's output at the resolution it is computed (stride-2
 * convolutions run at stride 1 first) and every normalisation's output. Training keeps several times this per image
 * for the backward pass (6 to 10 times, measured), so workers bound their batch chunks with it.
 */
export function featureFloatsPerImage(spec: WrnSpec): number {
  const layout = wrnLayout(spec);
  const s = orientations(spec);
  let floats = 0;
  for (const conv of convLayers(layout)) floats += layout.grids[conv.level]!.rows * layout.grids[conv.level]!.columns * conv.outChannels * s;
  for (const norm of normLayers(layout)) floats += layout.grids[norm.level]!.rows * layout.grids[norm.level]!.columns * norm.channels * s;
  return floats;
}

/** Everything of a spec but its widths: what stays fixed when a budget is shared out between groups. */
export type WrnTemplate = Omit<WrnSpec, 'kind' | 'group' | 'widths'> & { readonly stageRatios: readonly number[] };

/**
 * Widths for `group` whose parameter count comes closest to `budget`: width of stage i = max(1, round(m * ratio_i))
 * for the best m > 0, found by walking m through every point where one of the widths changes. The same budget for
 * every group gives the paper's equal-parameter comparison.
 * @param budget parameters, >= 1
 */
export function widthsForBudget(group: GroupName, template: WrnTemplate, budget: number): number[] {
  const { stageRatios, ...rest } = template;
  const widthsAt = (m: number) => stageRatios.map((r) => Math.max(1, Math.round(m * r)));
  let m = 1e-9;
  let best = widthsAt(m);
  let bestError = Infinity;
  for (;;) {
    const widths = widthsAt(m);
    const count = wrnParamCount({ kind: 'hexaconv-wrn', group, ...rest, widths });
    if (Math.abs(count - budget) < bestError) {
      best = widths;
      bestError = Math.abs(count - budget);
    }
    if (count > budget || widths.some((w) => w >= 1024)) return best;
    // The next m at which some round(m * ratio) steps up.
    m = Math.min(...stageRatios.map((r, i) => (widths[i]! + 0.5) / r)) + 1e-9;
  }
}

function integerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Checks a spec read from a file or built from options.
 * @param where file or option name for messages
 * @throws ModelError naming the first field out of range
 */
export function checkWrnSpec(value: unknown, where: string): WrnSpec {
  const spec = value as Partial<WrnSpec> | null;
  const fail = (what: string): never => {
    throw new ModelError(`${where}: ${what}`);
  };
  if (typeof spec !== 'object' || spec === null || spec.kind !== 'hexaconv-wrn') fail('not a HexaConv WideResNet spec ("kind": "hexaconv-wrn")');
  if (!isGroupName(spec!.group)) fail(`group must be one of ${GROUP_NAMES.join(', ')}, not ${JSON.stringify(spec!.group)}`);
  if (!integerIn(spec!.imageSize, 8, 512)) fail(`imageSize must be an integer 8..512, not ${JSON.stringify(spec!.imageSize)}`);
  if (spec!.imageChannels !== 1 && spec!.imageChannels !== 3) fail(`imageChannels must be 1 or 3, not ${JSON.stringify(spec!.imageChannels)}`);
  if (!integerIn(spec!.classes, 2, 1000)) fail(`classes must be an integer 2..1000, not ${JSON.stringify(spec!.classes)}`);
  if (!integerIn(spec!.blocksPerStage, 1, 16)) fail(`blocksPerStage must be an integer 1..16, not ${JSON.stringify(spec!.blocksPerStage)}`);
  const widths = spec!.widths;
  if (!Array.isArray(widths) || widths.length < 1 || widths.length > 6 || !widths.every((w) => integerIn(w, 1, 1024))) {
    fail(`widths must be 1..6 integers 1..1024, not ${JSON.stringify(widths)}`);
  }
  if (spec!.stemStride !== 1 && spec!.stemStride !== 2) fail(`stemStride must be 1 or 2, not ${JSON.stringify(spec!.stemStride)}`);
  if (!integerIn(spec!.kernelSize, 1, 9) || spec!.kernelSize! % 2 === 0) fail(`kernelSize must be odd, 1..9, not ${JSON.stringify(spec!.kernelSize)}`);
  const s = spec as WrnSpec;
  return { kind: 'hexaconv-wrn', group: s.group, imageSize: s.imageSize, imageChannels: s.imageChannels, classes: s.classes, blocksPerStage: s.blocksPerStage, widths: [...s.widths], stemStride: s.stemStride, kernelSize: s.kernelSize };
}
