/**
 * Command-line options that every training command spells the same way (--backend, --workers, --minutes,
 * --checkpoint-minutes, --epochs, --seed, --warmup-images, --validate-every), and the flags they give. Invariant: each factory returns a new Option, with the
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

/** A run's stopping and checkpoint limits as the trainers take them: null where the flag was not given. */
export interface RunLimits {
  readonly epochs: number | null;
  readonly minutes: number | null;
  readonly checkpointMinutes: number;
}

/** The limits --epochs, --minutes and --checkpoint-minutes give. */
export function runLimits(flags: Pick<RunFlags, 'epochs' | 'minutes' | 'checkpointMinutes'>): RunLimits {
  return { epochs: flags.epochs ?? null, minutes: flags.minutes ?? null, checkpointMinutes: flags.checkpointMinutes };
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

/**
 * --seed: a seed in 0..2^31 - 1.
 * @param description what it seeds, as `--help` shows it
 * @param defaultSeed 0 or 1, by command
 */
export function seedOption(description: string, defaultSeed: number): Option {
  return new Option('--seed <n>', description).argParser(integerIn('--seed', 0, 2 ** 31 - 1)).default(defaultSeed);
}

/** --warmup-images: images of linear learning-rate warm-up, 0..1e9, default by command. */
export function warmupImagesOption(defaultImages: number): Option {
  return new Option('--warmup-images <n>', 'images of linear learning-rate warm-up').argParser(integerIn('--warmup-images', 0, 1e9)).default(defaultImages);
}

/** --validate-every: training images between validations, 1..1e9, default by command. */
export function validateEveryOption(defaultImages: number): Option {
  return new Option('--validate-every <n>', 'validate every this many training images').argParser(integerIn('--validate-every', 1, 1e9)).default(defaultImages);
}

/** --epochs: an epoch total counting earlier runs, 1..100000. */
export function epochsOption(): Option {
  return new Option('--epochs <n>', 'stop after this many epochs in total').argParser(integerIn('--epochs', 1, 100000));
}
