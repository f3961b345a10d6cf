/**
 * The registered sub-commands, in `--help` order. A command is listed here only once it works.
 */
import type { CommandFactory } from '../command.js';
import { compressCommand } from './compress.js';
import { decompressCommand } from './decompress.js';
import { infoCommand } from './info.js';
import { modelsCommand } from './models.js';
import { convertCommand } from './convert.js';
import { trainCommand } from './train.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { benchCommand } from './bench.js';
import { hexaconvCommand } from './hexaconv.js';
import { snfCommand } from './snf.js';
import { blrnetCommand } from './blrnet.js';

export const COMMANDS: readonly CommandFactory[] = [compressCommand, decompressCommand, infoCommand, modelsCommand, trainCommand, evalCommand, exportCommand, benchCommand, convertCommand, hexaconvCommand, snfCommand, blrnetCommand];
