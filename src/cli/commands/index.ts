/**
 * The registered sub-commands, in `--help` order. A command is listed here only once it works.
 */
import type { CommandFactory } from '../command.js';

export const COMMANDS: readonly CommandFactory[] = [];
