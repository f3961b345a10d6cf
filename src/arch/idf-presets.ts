/**
 * Named IDF architectures, from `tiny` (tests, seconds) to `paper` (the IDF paper's CIFAR-10 size, far beyond two
 * CPU cores). Each preset is a function of the image channels and a seed (which draws the permutations).
 */
import { Random } from '../core/random.js';
import { UsageError } from '../core/errors.js';
import { levelChannels, type IdfSpec } from './idf-spec.js';
import type { NetSpec } from './net-spec.js';

interface PresetShape {
  readonly levels: number;
  readonly couplingsPerLevel: number;
  readonly coupling: NetSpec;
  readonly splitNet: NetSpec;
  readonly splitComponents: number;
  readonly topComponents: number;
  readonly summary: string;
}

const PRESETS: Record<string, PresetShape> = {
  tiny: {
    levels: 2,
    couplingsPerLevel: 2,
    coupling: { family: 'resnet', width: 8, depth: 1 },
    splitNet: { family: 'resnet', width: 8, depth: 1 },
    splitComponents: 2,
    topComponents: 2,
    summary: 'for tests: 2 levels x 2 couplings, 8-wide nets',
  },
  small: {
    levels: 3,
    couplingsPerLevel: 4,
    coupling: { family: 'resnet', width: 48, depth: 1 },
    splitNet: { family: 'resnet', width: 48, depth: 1 },
    splitComponents: 3,
    topComponents: 5,
    summary: 'default for 32x32 data on CPUs: 3 levels x 4 couplings, 48-wide one-block resnets',
  },
  medium: {
    levels: 3,
    couplingsPerLevel: 6,
    coupling: { family: 'resnet', width: 96, depth: 2 },
    splitNet: { family: 'resnet', width: 96, depth: 2 },
    splitComponents: 5,
    topComponents: 5,
    summary: '3 levels x 6 couplings, 96-wide two-block resnets',
  },
  paper: {
    levels: 3,
    couplingsPerLevel: 8,
    coupling: { family: 'densenet', width: 112, depth: 12 },
    splitNet: { family: 'densenet', width: 112, depth: 12 },
    splitComponents: 1,
    topComponents: 5,
    summary: 'IDF paper size (CIFAR-10): 3 levels x 8 couplings, depth-12 DenseNets; 60 M parameters, 6.8 G multiply-adds per 32x32 image (GPU only)',
  },
};

/** Names of the presets, for --help. */
export const IDF_PRESET_NAMES = Object.keys(PRESETS);

/** One line per preset for help texts. */
export function describePresets(): string {
  return Object.entries(PRESETS).map(([name, preset]) => `${name}: ${preset.summary}`).join('\n');
}

/**
 * Builds the spec of preset `name` for `imageChannels` channels; `seed` draws the permutations.
 * @throws UsageError for an unknown preset name
 */
export function idfPreset(name: string, imageChannels: number, seed: number, overrides: Partial<Pick<IdfSpec, 'levels' | 'couplingsPerLevel'>> = {}): IdfSpec {
  const preset = PRESETS[name];
  if (!preset) throw new UsageError(`unknown preset "${name}": expected one of ${IDF_PRESET_NAMES.join(', ')}`);
  const levels = overrides.levels ?? preset.levels;
  const couplingsPerLevel = overrides.couplingsPerLevel ?? preset.couplingsPerLevel;
  const random = new Random(seed);
  const permutations: number[][] = [];
  for (let level = 0; level < levels; level++) {
    const channels = levelChannels({ imageChannels }, level);
    for (let k = 0; k < couplingsPerLevel; k++) permutations.push(random.shuffle([...Array(channels).keys()]));
  }
  return {
    kind: 'idf',
    imageChannels,
    bitDepth: 8,
    levels,
    couplingsPerLevel,
    coupling: preset.coupling,
    splitPrior: { net: preset.splitNet, components: preset.splitComponents },
    topPrior: { components: preset.topComponents },
    inputShift: 6,
    permutations,
  };
}
