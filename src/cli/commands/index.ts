/**
 * The registered sub-commands, in `--help` order, each loaded only when needed: a run that names one command imports
 * only that command's module (compress does not pay for TensorFlow.js, which the training commands pull in: ~0.45 s
 * of start-up per run). A command is listed here only once it works; `name` must be the name its factory gives it.
 */
import type { CommandFactory } from '../command.js';

/** A sub-command's name and how to load its factory. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<CommandFactory>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'compress', load: async () => (await import('./compress.js')).compressCommand },
  { name: 'decompress', load: async () => (await import('./decompress.js')).decompressCommand },
  { name: 'info', load: async () => (await import('./info.js')).infoCommand },
  { name: 'models', load: async () => (await import('./models.js')).modelsCommand },
  { name: 'train', load: async () => (await import('./train.js')).trainCommand },
  { name: 'eval', load: async () => (await import('./eval.js')).evalCommand },
  { name: 'export', load: async () => (await import('./export.js')).exportCommand },
  { name: 'bench', load: async () => (await import('./bench.js')).benchCommand },
  { name: 'convert', load: async () => (await import('./convert.js')).convertCommand },
  { name: 'hexaconv', load: async () => (await import('./hexaconv.js')).hexaconvCommand },
  { name: 'snf', load: async () => (await import('./snf.js')).snfCommand },
  { name: 'blrnet', load: async () => (await import('./blrnet.js')).blrnetCommand },
];
