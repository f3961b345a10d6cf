/**
 * Where commander writes for idfz (the CLI context's streams, an error as one `idfz: ...` line), and a command that
 * holds sub-commands (`idfz blrnet train`, `idfz snf eval`, ...). Commander copies settings into a sub-command when
 * it is created, so the group is set up before any is added: errors are thrown rather than exiting the process, and
 * help and error text go where the program's do.
 */
import { Command, type OutputConfiguration } from 'commander';
import type { CliContext } from './context.js';

/** Commander's output for the program and every command: help to stdout, errors as `idfz: ...` on stderr. */
export function cliOutput(ctx: CliContext): OutputConfiguration {
  return {
    writeOut: (text) => ctx.stdout.write(text),
    writeErr: (text) => ctx.stderr.write(text),
    outputError: (text, write) => write(`idfz: ${text.replace(/^error: /, '')}`),
  };
}

/** A new command group `name`, configured so that the sub-commands added to it inherit the CLI's output. */
export function commandGroup(ctx: CliContext, name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .configureOutput(cliOutput(ctx));
}
