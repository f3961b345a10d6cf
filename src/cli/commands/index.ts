/**
 * The registered sub-commands, in `--help` order. A command is listed here only once it works.
 */
import type { CommandFactory } from '../command.js';
import { convertCommand } from './convert.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { benchCommand } from './bench.js';
import { snfCommand } from './snf.js';

export const COMMANDS: readonly CommandFactory[] = [trainCommand, evalCommand, exportCommand, benchCommand, convertCommand, snfCommand];
