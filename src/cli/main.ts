/**
 * The idfz program: global options, sub-commands, error reporting. `main` returns the exit code, so tests run the
 * CLI in-process with their own streams. Run as the process itself (no context given), it also handles the
 * process's signals and stdout: Ctrl-C (SIGINT), SIGTERM or SIGHUP removes the temporary file of any output being
 * written and exits 128 + the signal number, unless the running command handles the signal itself (training
 * commands stop after the current step with a checkpoint; a second signal exits at once); a closed stdout (EPIPE)
 * ends it silently with 141.
 */
import { readFileSync, writeSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { removePendingTemporaryFiles } from '../core/atomic-write.js';
import { OutputClosedError } from '../core/errors.js';
import { configureLog, LOG_LEVELS } from '../core/log.js';
import type { LevelWithSilent } from 'pino';
import { cliOutput } from './command-group.js';
import { processContext, type CliContext } from './context.js';
import { reportError } from './report-error.js';
import { COMMANDS, type CommandEntry } from './commands/index.js';
import type { RunState } from './command.js';

/** The package version, read from package.json next to dist/. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

interface GlobalOptions {
  quiet?: boolean;
  verbose?: boolean;
  logLevel?: LevelWithSilent;
}

function logLevelFor(options: GlobalOptions): LevelWithSilent {
  if (options.logLevel) return options.logLevel;
  if (options.quiet) return 'error';
  if (options.verbose) return 'debug';
  return 'info';
}

/**
 * The commands a run needs: only the one its arguments name (the first word that is not a global option or the
 * value of --log-level), none for --version, or all of them for help, a missing or a mistyped command (so commander
 * can list them).
 */
export function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--log-level') i++;
    else if (arg === '-V' || arg === '--version') return [];
    else if (!arg.startsWith('-')) {
      const named = COMMANDS.find((entry) => entry.name === arg);
      return named ? [named] : COMMANDS;
    }
  }
  return COMMANDS;
}

/**
 * Builds the commander program for one run.
 * @param args the arguments after node and the script; they decide which commands are loaded (commandsFor)
 */
export async function buildProgram(ctx: CliContext, state: RunState, args: readonly string[] = []): Promise<Command> {
  const program = new Command('idfz')
    .description('Learned lossless image compression with Integer Discrete Flows, bit-exact on every machine')
    .version(packageVersion(), '-V, --version')
    .option('-q, --quiet', 'log errors only')
    .option('-v, --verbose', 'log debug detail and print stack traces of errors')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS as string[]))
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput(cliOutput(ctx))
    .exitOverride()
    .hook('preAction', (thisCommand) => {
      const options = thisCommand.opts<GlobalOptions>();
      configureLog(logLevelFor(options), ctx.stderrIsTTY);
    });
  const factories = await Promise.all(commandsFor(args).map((entry) => entry.load()));
  for (const factory of factories) {
    program.addCommand(factory(ctx, state).exitOverride().configureOutput(program.configureOutput()));
  }
  return program;
}

/** Exit codes for the signals idfz handles: 128 + the signal number, as shells report them. */
export const SIGNAL_EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** Exit code after a closed stdout (128 + SIGPIPE). */
const OUTPUT_CLOSED_EXIT_CODE = new OutputClosedError('').exitCode;

/**
 * Makes the running process end cleanly on a signal or a closed stdout, leaving no partial output behind.
 * @returns a function that removes the signal handlers again (the stdout handler stays: output written near the
 *   end may still fail after main returns)
 */
function guardProcess(): () => void {
  const end = (code: number, line: string | null): void => {
    removePendingTemporaryFiles();
    // Synchronous: the process ends right after, and a pending asynchronous write to stderr would be lost.
    if (line !== null) writeSync(2, line);
    process.exit(code);
  };
  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES): void => {
    // A command that handles the signal itself (training: finish the step, write a checkpoint) takes over: its
    // handler is registered once, so a second signal finds only this one and ends the process at once.
    if (process.listenerCount(signal) > 1) return;
    end(SIGNAL_EXIT_CODES[signal], `idfz: stopped by ${signal}; no partial output was left\n`);
  };
  const onStdoutError = (error: NodeJS.ErrnoException): void =>
    end(error.code === 'EPIPE' ? OUTPUT_CLOSED_EXIT_CODE : 1, error.code === 'EPIPE' ? null : `idfz: cannot write to stdout (${error.code ?? error.message})\n`);
  const signals = Object.keys(SIGNAL_EXIT_CODES) as (keyof typeof SIGNAL_EXIT_CODES)[];
  for (const signal of signals) process.on(signal, onSignal);
  process.stdout.on('error', onStdoutError);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

/**
 * Runs idfz with `argv` (as in process.argv: node, script, then arguments) and returns the exit code.
 * @param ctx the streams to use; without it, the process's own, and the process's signals are handled (see above)
 */
export async function main(argv: readonly string[], ctx?: CliContext): Promise<number> {
  const release = ctx ? null : guardProcess();
  const context = ctx ?? processContext();
  const state: RunState = { exitCode: 0 };
  try {
    const program = await buildProgram(context, state, argv.slice(2));
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (help and version exit with code 0).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof OutputClosedError) return error.exitCode; // nobody is reading: nothing to say
    return reportError(context, error, argv.includes('--verbose') || argv.includes('-v'));
  } finally {
    release?.();
  }
}
