/**
 * What the batch commands (compress, decompress, convert, info) share (not a command itself): reading each input
 * (a file or `-`, stdin), where its output goes (`-o` file, `-o` folder, `-o -` stdout, or beside the input with a
 * new extension), writing it atomically or to stdout (never to a terminal: their outputs are binary), and running a
 * batch that goes on past a bad file and exits 1 at the end, as their `--help` says.
 */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { RunState } from '../command.js';
import type { CliContext } from '../context.js';
import { reportError } from '../report-error.js';
import { atomicWrite, writeToStream } from '../../core/atomic-write.js';
import { IdfzError, InternalError, OutputClosedError, UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { readInput } from '../../core/read-input.js';

/** Where each input goes: stdout, one file, a folder that receives `<input name><extension>`, or beside it. */
export type BatchTarget = { kind: 'stdout' } | { kind: 'file'; path: string } | { kind: 'folder'; path: string } | { kind: 'beside' };

/** The stdout target, unless stdout is a terminal (binary bytes there garble it, as gzip and zstd also refuse). */
function stdoutTarget(ctx: CliContext): BatchTarget {
  if (ctx.stdoutIsTTY === true) {
    throw new UsageError('stdout is a terminal, which cannot take binary output; redirect it (> file or | program) or give -o a file name');
  }
  return { kind: 'stdout' };
}

/**
 * Works out the target from the inputs and `-o`.
 * @throws UsageError for "-" twice, `-o -` with several inputs, several inputs with `-o` that is not a folder, a
 *   folder `-o` for "-", an `-o` ending with a slash that is not an existing folder, or a stdout target (`-o -`, or
 *   "-" without -o) when stdout is a terminal
 */
export async function batchTarget(ctx: CliContext, inputs: readonly string[], output: string | undefined): Promise<BatchTarget> {
  if (inputs.filter((input) => input === '-').length > 1) throw new UsageError('"-" (standard input) can be given only once');
  if (output === undefined) return inputs.length === 1 && inputs[0] === '-' ? stdoutTarget(ctx) : { kind: 'beside' };
  if (output === '-') {
    if (inputs.length > 1) throw new UsageError(`-o - writes one file to stdout, but ${inputs.length} inputs were given`);
    return stdoutTarget(ctx);
  }
  const resolved = path.resolve(ctx.cwd, output);
  const isFolder = await stat(resolved).then((info) => info.isDirectory(), () => false);
  if (isFolder) {
    if (inputs.includes('-')) throw new UsageError(`-o ${output} is a folder, which cannot name the output of "-"; give a file name`);
    return { kind: 'folder', path: resolved };
  }
  // path.resolve drops a trailing slash: without this check `-o out/` would write a file named out.
  if (/[\\/]$/.test(output)) throw new UsageError(`-o ${output}: no such folder; create it first, or give a file name without the trailing slash`);
  if (inputs.length > 1) throw new UsageError(`-o ${output}: with ${inputs.length} inputs, -o must be an existing folder`);
  return { kind: 'file', path: resolved };
}

/** The name of an input in messages: the path as given, or `stdin`. */
export function inputName(input: string): string {
  return input === '-' ? 'stdin' : input;
}

/**
 * Reads one input: the file (relative to the working directory) or, for "-", standard input.
 * @param expected what the input should be, for the message about a folder (default `an image file`)
 * @throws what readInput throws (BadInputError for a missing or unreadable file, LimitError for a huge one)
 */
export async function readBatchInput(ctx: CliContext, input: string, expected?: string): Promise<Buffer> {
  return readInput(input === '-' ? '-' : path.resolve(ctx.cwd, input), { stdin: ctx.stdin, name: inputName(input), expected });
}

/**
 * Writes one output: to stdout, or atomically to its file (never replacing one without `force`).
 * @param extension the output extension with its dot (for outputs named after their input)
 * @returns the name to show for the output (relative to the working directory when inside it), or `stdout`
 * @throws UsageError when the file exists without `force` or cannot be written; LimitError when the disk is full
 */
export async function writeBatchOutput(
  ctx: CliContext, input: string, target: BatchTarget, extension: string, bytes: Uint8Array, force: boolean,
): Promise<string> {
  if (target.kind === 'stdout') {
    await writeToStream(ctx.stdout, bytes);
    return 'stdout';
  }
  const parsed = path.parse(input);
  const destination = target.kind === 'file'
    ? target.path
    : target.kind === 'folder'
      ? path.join(target.path, parsed.name + extension)
      : path.resolve(ctx.cwd, parsed.dir, parsed.name + extension);
  const relative = path.relative(ctx.cwd, destination);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? destination : relative;
  await atomicWrite(destination, bytes, { force, name: shown });
  return shown;
}

/** Whether the global --verbose flag is set, seen from a command's action (`this`). */
export function isVerbose(command: Command): boolean {
  return command.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
}

/** The `--help` paragraph on a batch's exit status, e.g. `exitStatusHelp('input was compressed')`. */
export function exitStatusHelp(eachDone: string): string {
  return `\nExit status: 0 when every ${eachDone}, 1 when any failed (each failure is one line on stderr).`;
}

/** `error` with its message prefixed by `name: ` unless it already names it (so every batch line says which file). */
function naming(name: string, error: IdfzError): IdfzError {
  if (error.message.startsWith(`${name}: `)) return error;
  const ErrorClass = error.constructor as new (message: string, options?: { cause?: unknown }) => IdfzError;
  return new ErrorClass(`${name}: ${error.message}`, { cause: error });
}

/**
 * Runs `one` for every input. A failure that idfz understands is reported in one line and the batch goes on; the
 * exit code becomes 1. A bug (InternalError or anything unexpected) stops the batch, and so does a closed stdout
 * (OutputClosedError: nobody reads the rest).
 */
export async function runBatch(
  ctx: CliContext, state: RunState, inputs: readonly string[], verbose: boolean, one: (input: string) => Promise<void>,
): Promise<void> {
  let failed = 0;
  for (const input of inputs) {
    try {
      await one(input);
    } catch (error) {
      if (!(error instanceof IdfzError) || error instanceof InternalError || error instanceof OutputClosedError) throw error;
      reportError(ctx, error instanceof UsageError ? error : naming(inputName(input), error), verbose);
      failed++;
    }
  }
  if (failed > 0) {
    if (inputs.length > 1) log.warn(`${failed} of ${inputs.length} inputs failed`);
    state.exitCode = Math.max(state.exitCode, 1);
  }
}
