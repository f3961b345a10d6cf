/**
 * Command-line options that the commands which evaluate or run a model over a dataset spell the same way (--split,
 * --limit, --json) and the slice of the data they ask for. Invariant: each factory returns a new Option with the
 * same text, parser, range and default wherever it is used, so `--help` reads alike across commands.
 */
import { Option } from 'commander';
import { integerIn } from './option-parsers.js';
import { sliceDataset, SPLITS, type ImageDataset, type Split } from '../data/dataset.js';

/** --split: the dataset split, default test. */
export function splitOption(): Option {
  return new Option('--split <split>', 'dataset split').choices(SPLITS).default('test');
}

/**
 * --limit: only the first n images, 1..1e9.
 * @param description as `--help` shows it
 */
export function limitOption(description = 'evaluate only the first n images'): Option {
  return new Option('--limit <n>', description).argParser(integerIn('--limit', 1, 1e9));
}

/** --json: one JSON object on stdout instead of text. */
export function jsonOption(): Option {
  return new Option('--json', 'print one JSON object on stdout');
}

/** The first `limit` images of `data` (all of them without a limit or when it has no more). */
export function limitedDataset(data: ImageDataset, limit: number | undefined): ImageDataset {
  return limit !== undefined && limit < data.count ? sliceDataset(data, 0, limit) : data;
}

/** The flags splitOption, limitOption and jsonOption give. */
export interface EvaluationFlags {
  split: Split;
  limit?: number;
  json?: boolean;
}
