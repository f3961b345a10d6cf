/**
 * The Integer Discrete Flow architecture as data (Hoogeboom et al. 2019, section 3): an initial 2x2 squeeze, then per
 * level `couplingsPerLevel` x [fixed channel permutation, integer discrete coupling]; every level but the last ends
 * with a split prior that factors out half the channels, followed by another squeeze; the last level's channels go
 * to the top prior. Permutations are stored in the spec itself (the official code loses them: RESEARCH.md s.1).
 * The top prior is translation-invariant (one mixture per channel), so a model codes images of any size.
 */
import { netSpecProblems, type NetSpec } from './net-spec.js';
import { ModelError } from '../core/errors.js';

/** Split prior: a discretised-logistic mixture for the factored-out half, from a network over the kept half. */
export interface SplitPriorSpec {
  readonly net: NetSpec;
  /** Mixture components per sub-pixel, 1..10 (1 = the paper's single logistic). */
  readonly components: number;
}

/** Top prior: a discretised-logistic mixture per channel, shared by all positions. */
export interface TopPriorSpec {
  /** Mixture components per channel, 1..10. */
  readonly components: number;
}

/** A complete IDF architecture. */
export interface IdfSpec {
  readonly kind: 'idf';
  /** Image channels the flow codes (1 grey, 3 RGB). */
  readonly imageChannels: number;
  /** Pixel bit depth the model was trained on (8). */
  readonly bitDepth: number;
  /** Levels, 1..6; images are padded to a multiple of 2^levels. */
  readonly levels: number;
  /** Couplings per level, 0..32. */
  readonly couplingsPerLevel: number;
  /** Coupling network (reads 3/4 of a level's channels, translates the other 1/4). */
  readonly coupling: NetSpec;
  readonly splitPrior: SplitPriorSpec;
  readonly topPrior: TopPriorSpec;
  /**
   * Networks see latents (pixel units, centred on 0) multiplied by 2^-inputShift, so their inputs are O(1).
   * Range 0..12.
   */
  readonly inputShift: number;
  /** One channel permutation per coupling, level-major (`levels * couplingsPerLevel` entries). */
  readonly permutations: readonly (readonly number[])[];
}

/** Shape bookkeeping of one level for a given image size. */
export interface LevelLayout {
  /** Spatial size at this level. */
  readonly height: number;
  readonly width: number;
  /** Channels entering the level's couplings. */
  readonly channels: number;
  /** Channels each coupling translates (the last ones after its permutation). */
  readonly translated: number;
  /** Channels factored out by the split prior at the end of the level (0 on the last level). */
  readonly factored: number;
}

/** Channels at level `level` (0-based): the squeeze gives 4C, each later level doubles (half split, then x4). */
export function levelChannels(spec: Pick<IdfSpec, 'imageChannels'>, level: number): number {
  return spec.imageChannels * 4 * 2 ** level;
}

/** Channels one coupling translates at a level with `channels` channels: a quarter, at least one. */
export function translatedChannels(channels: number): number {
  return Math.max(1, Math.floor(channels / 4));
}

/** The multiple that image height and width must be padded to. */
export function sizeMultiple(spec: Pick<IdfSpec, 'levels'>): number {
  return 2 ** spec.levels;
}

/**
 * Level layouts for an image of `height` x `width` (each a multiple of sizeMultiple(spec)).
 * @throws ModelError when the size is not a multiple
 */
export function idfLayout(spec: IdfSpec, height: number, width: number): LevelLayout[] {
  const multiple = sizeMultiple(spec);
  if (height % multiple !== 0 || width % multiple !== 0 || height < multiple || width < multiple) {
    throw new ModelError(`image size ${width}x${height} is not a positive multiple of ${multiple} (the model has ${spec.levels} levels)`);
  }
  const layouts: LevelLayout[] = [];
  for (let level = 0; level < spec.levels; level++) {
    const channels = levelChannels(spec, level);
    const last = level === spec.levels - 1;
    layouts.push({
      height: height >> (level + 1),
      width: width >> (level + 1),
      channels,
      translated: translatedChannels(channels),
      factored: last ? 0 : channels / 2,
    });
  }
  return layouts;
}

/** Lists what is wrong with a spec read from a file (empty when valid). */
export function idfSpecProblems(spec: IdfSpec): string[] {
  const problems: string[] = [];
  const int = (value: unknown, lo: number, hi: number, name: string) => {
    if (!Number.isInteger(value) || (value as number) < lo || (value as number) > hi) problems.push(`${name} must be an integer ${lo}..${hi}`);
  };
  if (spec.kind !== 'idf') problems.push('kind must be "idf"');
  int(spec.imageChannels, 1, 4, 'imageChannels');
  int(spec.bitDepth, 8, 8, 'bitDepth');
  int(spec.levels, 1, 6, 'levels');
  int(spec.couplingsPerLevel, 0, 32, 'couplingsPerLevel');
  int(spec.inputShift, 0, 12, 'inputShift');
  int(spec.splitPrior?.components, 1, 10, 'splitPrior.components');
  int(spec.topPrior?.components, 1, 10, 'topPrior.components');
  problems.push(...netSpecProblems(spec.coupling, 'coupling'), ...netSpecProblems(spec.splitPrior.net, 'splitPrior.net'));
  if (problems.length > 0) return problems;
  const expected = spec.levels * spec.couplingsPerLevel;
  if (!Array.isArray(spec.permutations) || spec.permutations.length !== expected) {
    problems.push(`permutations must hold ${expected} entries (levels x couplingsPerLevel)`);
    return problems;
  }
  spec.permutations.forEach((permutation, index) => {
    const channels = levelChannels(spec, Math.floor(index / spec.couplingsPerLevel));
    const sorted = [...permutation].sort((a, b) => a - b);
    if (sorted.length !== channels || sorted.some((value, i) => value !== i)) {
      problems.push(`permutations[${index}] must be a permutation of 0..${channels - 1}`);
    }
  });
  return problems;
}

/**
 * Validates a spec from an untrusted source.
 * @throws ModelError naming the first problems
 */
export function checkIdfSpec(spec: IdfSpec, source: string): IdfSpec {
  const problems = idfSpecProblems(spec);
  if (problems.length > 0) throw new ModelError(`${source}: invalid IDF architecture: ${problems.slice(0, 3).join('; ')}`);
  return spec;
}
