/**
 * A command that holds sub-commands (`idfz blrnet train`, `idfz snf eval`, ...). Commander copies settings into a
 * sub-command when it is created, so the group is set up before any is added: errors are thrown rather than exiting
 * the process, and help and error text go to the CLI context as one `idfz: ...` line, as for top-level commands.
 */
import { Command } from 'commander';
import type { CliContext } from './context.js';

/** A new command group `name`, configured so that the sub-commands added to it inherit the CLI's output. */
export function commandGroup(ctx: CliContext, name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.stdout.write(text),
      writeErr: (text) => ctx.stderr.write(text),
      outputError: (text, write) => write(`idfz: ${text.replace(/^error: /, '')}`),
    });
}
