/**
 * The process-wide logger: pino writing to stderr only (stdout carries data). Readable lines when stderr is a
 * terminal, JSON lines otherwise. The CLI configures it once; library code imports `log` and never prints.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pinoPretty from 'pino-pretty';

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function makeLogger(level: LevelWithSilent, pretty: boolean): Logger {
  if (pretty) {
    return pino({ level, base: undefined }, pinoPretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }));
  }
  return pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
}

/** The shared logger; replaced by `configureLog`. Defaults to warnings and worse, as JSON on stderr. */
export let log: Logger = pino({ level: 'warn', base: undefined }, pino.destination({ fd: 2, sync: true }));

/**
 * Sets the logger's level and format.
 * @param level one of LOG_LEVELS
 * @param pretty human-readable lines (for a terminal) instead of JSON lines
 */
export function configureLog(level: LevelWithSilent, pretty: boolean): void {
  log = makeLogger(level, pretty);
}
