/**
 * The network templates of the two HexaConv benchmarks and the parameter budgets idfz uses. CIFAR-10: 32 x 32 inputs,
 * 4 blocks per stage, stride-1 stem; AID-style folders: 64 x 64 inputs, 2 blocks per stage, stride-2 stem (the
 * official models). Stage widths keep the ratio 1 : 2 : 4 and are solved per group for the budget, so every group
 * gets the same number of parameters. Invariant: a dataset, group, budget and block count give one spec.
 */
import { widthsForBudget, type WrnSpec, type WrnTemplate } from './wrn-spec.js';
import type { GroupName } from './point-groups.js';
import type { ClassificationDatasetName } from './classification-data.js';

/** The paper's budgets: about 0.34 M parameters on CIFAR-10 and 0.91 M on AID. */
export const PAPER_BUDGETS: Readonly<Record<ClassificationDatasetName, number>> = { cifar10: 340_000, folder: 910_000 };

/**
 * idfz's default budgets. CIFAR-10: 100 k parameters, the largest round budget at which an epoch of the p6 network
 * (45,000 images) stays within about 30 minutes on two CPU cores (measured: 0.079 CPU seconds per image, about
 * 30 minutes on two idle cores; the paper's 0.34 M: 0.24 CPU seconds per image, about 1.5 hours). Class folders: the paper's AID budget
 * (a p6 epoch of AID's 7,200 training images: about 35 minutes). docs/hexaconv.md has the measurements.
 */
export const DEFAULT_BUDGETS: Readonly<Record<ClassificationDatasetName, number>> = { cifar10: 100_000, folder: 910_000 };

/** The template of `dataset` with `classes` outputs and, optionally, another number of blocks per stage. */
export function wrnTemplate(dataset: ClassificationDatasetName, classes: number, blocksPerStage?: number): WrnTemplate {
  const cifar = dataset === 'cifar10';
  return {
    imageSize: cifar ? 32 : 64,
    imageChannels: 3,
    classes,
    blocksPerStage: blocksPerStage ?? (cifar ? 4 : 2),
    stemStride: cifar ? 1 : 2,
    kernelSize: 3,
    stageRatios: [1, 2, 4],
  };
}

/** The spec of `group` on `template`, with widths solved for `budget` parameters. */
export function wrnSpecForBudget(group: GroupName, template: WrnTemplate, budget: number): WrnSpec {
  const { stageRatios: _ratios, ...rest } = template;
  return { kind: 'hexaconv-wrn', group, ...rest, widths: widthsForBudget(group, template, budget) };
}
