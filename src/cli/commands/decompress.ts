/**
 * `idfz decompress IN... [-o OUT] [--format png|webp|tiff|pnm] [--model ID|PATH] [--threads N] [--max-pixels N]
 * [-f] [--json]`: `.idf` files (or `-`, stdin) back to lossless images, `photo.idf` -> `photo.png` by default, with
 * the ICC profile, EXIF and XMP a version 3 file stored written back byte for byte (PNG, WebP; what the output
 * format cannot hold is a warning). The
 * model a file needs is found among the installed ones by its numeric id (or given with --model) and must match
 * the file's sha256; outputs are written atomically, never replace a file without -f, and a batch goes on past a
 * bad file and exits 1 at the end.
 */
import { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import type { CommandFactory, RunState } from '../command.js';
import type { CliContext } from '../context.js';
import { integerIn } from '../option-parsers.js';
import { batchTarget, exitStatusHelp, inputName, isVerbose, readBatchInput, runBatch, writeBatchOutput, type BatchTarget } from './batch-output.js';
import { withTilePools } from './batch-tile-pools.js';
import { imageFormatOption, imageOutputFormat } from './image-output-format.js';
import { METADATA_NAMES, embeddableMetadata, notWrittenParts } from './stored-metadata.js';
import { warnAboutUnstoredMetadata } from './unstored-metadata.js';
import { ModelError, UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { DEFAULT_MAX_PIXELS, readIdfHeader } from '../../container/index.js';
import { decompress, defaultThreads, MAX_THREADS, type TilePoolCache } from '../../codec/index.js';
import { embedMetadata } from '../../image/embed-metadata.js';
import { extensionFor, type OutputFormat } from '../../image/image-format.js';
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
  const bytes = await readBatchInput(ctx, input, 'an .idf file');
  let model: LoadedModel | null = null;
  const pixels = await decompress(bytes, {
    resolveModel: async (numericId, prefix) => (model = await models.find(name, numericId, prefix)),
    threads: flags.threads,
    maxPixels: flags.maxPixels,
    source: name,
    pools,
  });
  // decompress validated the whole file; its header is read again for the metadata block (a few bytes of work).
  const { metadata } = readIdfHeader(bytes, { source: name, maxPixels: Number.MAX_SAFE_INTEGER });
  const { bytes: image, notWritten } = embedMetadata(await writeImage(pixels, format), format, embeddableMetadata(metadata));
  const output = await writeBatchOutput(ctx, input, target, extensionFor(format, pixels.channels), image, flags.force === true);
  warnAboutUnstoredMetadata(name, output, notWrittenParts(format, notWritten));
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
    metadata: metadata.map((entry) => ({ type: entry.type, bytes: entry.bytes.length, written: !notWritten.includes(METADATA_NAMES[entry.type]) })),
    seconds: Number(seconds.toFixed(3)),
  };
  if (flags.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
  log.debug(summary, `${name} -> ${output}: ${describePixels(pixels)} as ${format}, ${seconds.toFixed(2)} s`);
}

async function runDecompress(ctx: CliContext, state: RunState, inputs: readonly string[], flags: DecompressFlags, verbose: boolean): Promise<void> {
  const target = await batchTarget(ctx, inputs, flags.output);
  const format = imageOutputFormat(flags.format, target.kind === 'file' ? flags.output : undefined);
  if (flags.json && target.kind === 'stdout') throw new UsageError('--json prints on stdout, which the decompressed image already uses; give -o a file name');
  const explicit = flags.model === undefined ? null : await resolveModel(flags.model, { cwd: ctx.cwd });
  const models = new ModelFinder(explicit);
  await withTilePools((pools) => runBatch(ctx, state, inputs, verbose, (input) => decompressOne(ctx, input, target, flags, format, models, pools)));
}

/** The `decompress` command. */
export const decompressCommand: CommandFactory = (ctx, state) =>
  new Command('decompress')
    .description('decompress .idf files ("-" = stdin) into lossless images')
    .argument('<inputs...>', '.idf files, or "-" for standard input')
    .option('-o, --output <path>', 'output file ("-" = stdout), or an existing folder for several inputs (default: each input with the image format\'s extension; stdout for "-")')
    .addOption(imageFormatOption())
    .option('--model <id|path>', 'model to decode with when the file\'s model is not installed (a model id or the path of a model folder)')
    .option('--threads <n>', 'threads that decode tiles', integerIn('--threads', 1, MAX_THREADS), defaultThreads())
    .option('--max-pixels <n>', 'refuse files with more (padded) pixels, checked before decoding', integerIn('--max-pixels', 1, Number.MAX_SAFE_INTEGER), DEFAULT_MAX_PIXELS)
    .option('-f, --force', 'overwrite existing output files')
    .option('--json', 'print one JSON object per file on stdout: bytes, width, height, channels, model, seconds, ...')
    .addHelpText('after', exitStatusHelp('input was decompressed'))
    .action(async function (this: Command, inputs: string[], flags: DecompressFlags) {
      await runDecompress(ctx, state, inputs, flags, isVerbose(this));
    });
