/**
 * The idfz program: global options, sub-commands, error reporting. `main` never calls process.exit: it returns the
 * exit code, so tests run the CLI in-process with their own streams.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { configureLog, LOG_LEVELS } from '../core/log.js';
import type { LevelWithSilent } from 'pino';
import { processContext, type CliContext } from './context.js';
import { reportError } from './report-error.js';
import { COMMANDS } from './commands/index.js';
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

/** Builds the commander program for one run. */
export function buildProgram(ctx: CliContext, state: RunState): Command {
  const program = new Command('idfz')
    .description('Learned lossless image compression with Integer Discrete Flows, bit-exact on every machine')
    .version(packageVersion(), '-V, --version')
    .option('-q, --quiet', 'log errors only')
    .option('-v, --verbose', 'log debug detail and print stack traces of errors')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS as string[]))
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(`idfz: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride()
    .hook('preAction', (thisCommand) => {
      const options = thisCommand.opts<GlobalOptions>();
      configureLog(logLevelFor(options), ctx.stderrIsTTY);
    });
  for (const factory of COMMANDS) {
    program.addCommand(factory(ctx, state).exitOverride().configureOutput(program.configureOutput()));
  }
  return program;
}

/**
 * Runs idfz with `argv` (as in process.argv: node, script, then arguments) and returns the exit code.
 */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const state: RunState = { exitCode: 0 };
  const program = buildProgram(ctx, state);
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message (help and version exit with code 0).
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportError(ctx, error, argv.includes('--verbose') || argv.includes('-v'));
  }
}
