/**
 * Lets Ctrl-C (SIGINT) or SIGTERM end a training run cleanly: the signal aborts the run's AbortSignal, the trainer
 * finishes its current step, validates and writes a final checkpoint. Invariant: the handlers are installed only
 * while the run is going and removed however it ends.
 */
import { log } from '../core/log.js';

/**
 * Runs `run` with an AbortSignal that SIGINT and SIGTERM abort (each logs `message` as a warning).
 * @returns what `run` returns
 */
export async function runStoppable<T>(message: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const onSignal = () => {
    log.warn(message);
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await run(stop.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
