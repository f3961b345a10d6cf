/**
 * `idfz decompress IN... [-o OUT] [--format png|webp|tiff|pnm] [--model ID|PATH] [--threads N] [--max-pixels N]
 * [-f] [--json]`: `.idf` files (or `-`, stdin) back to lossless images, `photo.idf` -> `photo.png` by default. The
 * model a file needs is found among the installed ones by its numeric id (or given with --model) and must match
 * the file's sha256; outputs are written atomically, never replace a file without -f, and a batch goes on past a
 * bad file and exits 1 at the end.
 */
import { Command, Option } from 'commander';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CommandFactory, RunState } from '../command.js';
import type { CliContext } from '../context.js';
import { integerIn } from '../option-parsers.js';
import { batchTarget, inputName, runBatch, writeBatchOutput, type BatchTarget } from './batch-output.js';
import { ModelError, UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { readInput } from '../../core/read-input.js';
import { DEFAULT_MAX_PIXELS } from '../../container/index.js';
import { decompress, defaultThreads, MAX_THREADS, TilePoolCache } from '../../codec/index.js';
import { extensionFor, OUTPUT_FORMATS, outputFormatOfPath, type OutputFormat } from '../../image/image-format.js';
import { describePixels } from '../../image/pixel-buffer.js';
import { writeImage } from '../../image/write-image.js';
import { findModelByNumericId, loadModel, resolveModel, type LoadedModel, type ModelRecord } from '../../zoo/index.js';

interface DecompressFlags {
  output?: string;
  format?: OutputFormat;
  model?: string;
  threads: number;
  maxPixels: number;
  force?: boolean;
  json?: boolean;
}

/** The format asked for by --format and by -o's extension, which must agree; png by default. */
function formatFor(flags: DecompressFlags, outputFile: string | undefined): OutputFormat {
  const implied = outputFile === undefined ? undefined : outputFormatOfPath(outputFile);
  if (implied === 'read-only') {
    throw new UsageError(`-o ${outputFile}: idfz writes only lossless formats (${OUTPUT_FORMATS.join(', ')}); choose one of their extensions`);
  }
  if (flags.format && implied && implied !== flags.format) {
    throw new UsageError(`-o ${outputFile} names a ${implied} file but --format is ${flags.format}; make them agree`);
  }
  return flags.format ?? implied ?? OUTPUT_FORMATS[0]!;
}

/** Finds and loads (once each) the models files name: --model first, then the installed models. */
class ModelFinder {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(private readonly explicit: ModelRecord | null) {}

  async find(name: string, numericId: number, sha256Prefix: Uint8Array): Promise<LoadedModel> {
    const wanted = `numeric id ${numericId}, sha256 ${Buffer.from(sha256Prefix).toString('hex')}...`;
    const record = this.explicit?.numericId === numericId ? this.explicit : await findModelByNumericId(numericId);
    if (!record) {
      const given = this.explicit ? ` (--model ${this.explicit.id} has numeric id ${this.explicit.numericId})` : '';
      throw new ModelError(`${name}: needs the model with ${wanted}, which is not installed${given}; install it or pass --model with its folder`);
    }
    let model = this.loaded.get(record.folder);
    if (!model) {
      model = loadModel(record);
      this.loaded.set(record.folder, model);
    }
    return model;
  }
}

async function decompressOne(
  ctx: CliContext, input: string, target: BatchTarget, flags: DecompressFlags, format: OutputFormat, models: ModelFinder, pools: TilePoolCache,
): Promise<void> {
  const started = performance.now();
  const name = inputName(input);
  const bytes = await readInput(input === '-' ? '-' : path.resolve(ctx.cwd, input), { stdin: ctx.stdin, name });
  let model: LoadedModel | null = null;
  const pixels = await decompress(bytes, {
    resolveModel: async (numericId, prefix) => (model = await models.find(name, numericId, prefix)),
    threads: flags.threads,
    maxPixels: flags.maxPixels,
    source: name,
    pools,
  });
  const image = await writeImage(pixels, format);
  const output = await writeBatchOutput(ctx, input, target, extensionFor(format, pixels.channels), image, flags.force === true);
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    input: name,
    output,
    bytes: image.length,
    width: pixels.width,
    height: pixels.height,
    channels: pixels.channels,
    bitDepth: pixels.bitDepth,
    model: (model as LoadedModel | null)?.record.id ?? null,
    seconds: Number(seconds.toFixed(3)),
  };
  if (flags.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
  log.debug(summary, `${name} -> ${output}: ${describePixels(pixels)} as ${format}, ${seconds.toFixed(2)} s`);
}

async function runDecompress(ctx: CliContext, state: RunState, inputs: readonly string[], flags: DecompressFlags, verbose: boolean): Promise<void> {
  const target = await batchTarget(ctx, inputs, flags.output);
  const format = formatFor(flags, target.kind === 'file' ? flags.output : undefined);
  if (flags.json && target.kind === 'stdout') throw new UsageError('--json prints on stdout, which the decompressed image already uses; give -o a file name');
  const explicit = flags.model === undefined ? null : await resolveModel(flags.model, { cwd: ctx.cwd });
  const models = new ModelFinder(explicit);
  const pools = new TilePoolCache();
  try {
    await runBatch(ctx, state, inputs, verbose, (input) => decompressOne(ctx, input, target, flags, format, models, pools));
  } finally {
    await pools.close();
  }
}

/** The `decompress` command. */
export const decompressCommand: CommandFactory = (ctx, state) =>
  new Command('decompress')
    .description('decompress .idf files ("-" = stdin) into lossless images')
    .argument('<inputs...>', '.idf files, or "-" for standard input')
    .option('-o, --output <path>', 'output file ("-" = stdout), or an existing folder for several inputs (default: each input with the image format\'s extension; stdout for "-")')
    .addOption(new Option('--format <format>', 'output format (default: from -o\'s extension, else png)').choices(OUTPUT_FORMATS as string[]))
    .option('--model <id|path>', 'model to decode with when the file\'s model is not installed (a model id or the path of a model folder)')
    .option('--threads <n>', 'threads that decode tiles', integerIn('--threads', 1, MAX_THREADS), defaultThreads())
    .option('--max-pixels <n>', 'refuse files with more (padded) pixels, checked before decoding', integerIn('--max-pixels', 1, Number.MAX_SAFE_INTEGER), DEFAULT_MAX_PIXELS)
    .option('-f, --force', 'overwrite existing output files')
    .option('--json', 'print one JSON object per file on stdout: bytes, width, height, channels, model, seconds, ...')
    .addHelpText('after', '\nExit status: 0 when every input was decompressed, 1 when any failed (each failure is one line on stderr).')
    .action(async function (this: Command, inputs: string[], flags: DecompressFlags) {
      const verbose = this.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
      await runDecompress(ctx, state, inputs, flags, verbose);
    });
