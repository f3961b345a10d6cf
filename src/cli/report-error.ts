/**
 * Turns any thrown value into one line on stderr and an exit code: the message of an IdfzError with its own code,
 * or "internal error" with exit 70 for anything else. The stack only with --verbose.
 */
import { IdfzError, INTERNAL_EXIT_CODE } from '../core/errors.js';
import type { CliContext } from './context.js';

/**
 * Writes `idfz: <message>` to stderr and returns the exit code for `error`.
 * @param verbose also print the stack trace
 */
export function reportError(ctx: CliContext, error: unknown, verbose: boolean): number {
  const known = error instanceof IdfzError;
  const message = error instanceof Error ? error.message : String(error);
  const line = known ? message : `internal error: ${message} (please report this with --verbose output)`;
  ctx.stderr.write(`idfz: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
  if (verbose && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  return known ? error.exitCode : INTERNAL_EXIT_CODE;
}
