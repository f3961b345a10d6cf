/**
 * Command-line options that every training command spells the same way (--backend, --workers, --minutes,
 * --checkpoint-minutes, --epochs), and the flags they give. Invariant: each factory returns a new Option, with the
 * same text, parser, range and default wherever it is used, so `--help` reads alike across commands.
 */
import { Option } from 'commander';
import { availableParallelism } from 'node:os';
import { BACKENDS, type BackendName } from '../train/backend.js';
import { integerIn, numberAbove } from './option-parsers.js';

/** Flags every training command takes. */
export interface RunFlags {
  readonly out: string;
  readonly epochs?: number;
  readonly minutes?: number;
  readonly backend: BackendName;
  readonly resume?: boolean;
  readonly seed: number;
  readonly checkpointMinutes: number;
}

/** --backend: the tfjs backend, default wasm. */
export function backendOption(): Option {
  return new Option('--backend <name>', 'tfjs backend').choices(BACKENDS).default('wasm');
}

/** --workers: worker threads, 1..256, default one per available core. */
export function workersOption(description = 'worker threads (data parallel)'): Option {
  return new Option('--workers <n>', description).argParser(integerIn('--workers', 1, 256)).default(Math.max(1, availableParallelism()));
}

/** --minutes: a time limit for this run, in (0, 1e6]. */
export function minutesOption(): Option {
  return new Option('--minutes <n>', 'stop after this many minutes of this run').argParser(numberAbove('--minutes', 0, 1e6));
}

/** --checkpoint-minutes: minutes between timed checkpoints, in (0, 1e6], default 5. */
export function checkpointMinutesOption(): Option {
  return new Option('--checkpoint-minutes <n>', 'minutes between checkpoints').argParser(numberAbove('--checkpoint-minutes', 0, 1e6)).default(5);
}

/** --epochs: an epoch total counting earlier runs, 1..100000. */
export function epochsOption(): Option {
  return new Option('--epochs <n>', 'stop after this many epochs in total').argParser(integerIn('--epochs', 1, 100000));
}
