/**
 * The contract between `main` and the command files in src/cli/commands/: each exports a factory that builds a
 * commander Command bound to a CliContext. An action throws on failure (reported by `main`) or records a non-zero
 * exit code in the RunState when it went on past some failures (a batch with a bad file).
 */
import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** Mutable outcome of one CLI run, shared by all commands of that run. */
export interface RunState {
  /** Exit code so far; an action raises it when it reports failures itself. */
  exitCode: number;
}

/** Builds one sub-command. */
export type CommandFactory = (ctx: CliContext, state: RunState) => Command;
