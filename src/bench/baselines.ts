/**
 * The baseline codecs by name, as `--baselines` lists them. Invariant: the names are fixed and unique, a list is
 * validated as a whole before anything runs, and codecs are built in the order the user gave.
 */
import { UsageError } from '../core/errors.js';
import type { BenchCodec } from './bench-codec.js';
import { pngCodec, webpCodec } from './sharp-codecs.js';
import { avifCodec, jp2Codec, jxlCodec } from './tool-codecs.js';

/** Baseline names, in the default order. */
export const BASELINE_NAMES = ['png', 'webp', 'avif', 'jxl', 'jp2'] as const;

/** A baseline name. */
export type BaselineName = (typeof BASELINE_NAMES)[number];

const FACTORIES: Record<BaselineName, () => BenchCodec> = {
  png: pngCodec,
  webp: webpCodec,
  avif: avifCodec,
  jxl: jxlCodec,
  jp2: jp2Codec,
};

/**
 * Parses a comma-separated `--baselines` value: names from BASELINE_NAMES, in any order, each at most once; `none`
 * (or an empty value) selects no baseline.
 * @throws UsageError for an unknown or repeated name, or an empty item (`png,,webp`)
 */
export function parseBaselines(value: string): BaselineName[] {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  const names: BaselineName[] = [];
  for (const item of trimmed.split(',').map((part) => part.trim())) {
    if (!(BASELINE_NAMES as readonly string[]).includes(item)) {
      const shown = item === '' ? 'an empty name' : `"${item}"`;
      throw new UsageError(`Expected a comma-separated list of ${BASELINE_NAMES.join(', ')} (or none) for --baselines but received ${shown} in "${value}"`);
    }
    if (names.includes(item as BaselineName)) throw new UsageError(`--baselines names ${item} twice in "${value}"; list each codec once`);
    names.push(item as BaselineName);
  }
  return names;
}

/** Builds the baseline codecs `names`, in that order. */
export function createBaselines(names: readonly BaselineName[]): BenchCodec[] {
  return names.map((name) => FACTORIES[name]());
}
