/**
 * `idfz compress IN... [-o OUT] [--model ID|PATH | --no-model] [--threads N] [--tile-size N] [--max-pixels N]
 * [--strip-metadata] [-f] [--json]`: images (or `-`, stdin) to `.idf` files, `photo.png` -> `photo.idf` by default.
 * The image's ICC profile, EXIF (with its orientation), XMP and IPTC are stored as read (a format version 3 file)
 * unless --strip-metadata; an image without any stays a version 2 file. Outputs are written atomically and never
 * replace a file without -f; a batch goes on past a bad file and exits 1 at the end. What the .idf file does not keep
 * (frames after the first, stripped metadata) is a warning, as is an output larger than its input. Without --model
 * the installed default model is used, or the fallback coder alone when none is installed.
 */
import { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import type { CommandFactory, RunState } from '../command.js';
import type { CliContext } from '../context.js';
import { integerIn } from '../option-parsers.js';
import { batchTarget, exitStatusHelp, inputName, isVerbose, readBatchInput, runBatch, writeBatchOutput, type BatchTarget } from './batch-output.js';
import { withTilePools } from './batch-tile-pools.js';
import { metadataToStore } from './stored-metadata.js';
import { unstoredMetadata, warnAboutUnstoredMetadata } from './unstored-metadata.js';
import { warnIfLarger } from './larger-output.js';
import { BadInputError, UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { compress, defaultThreads, DEFAULT_TILE_SIZE, MAX_THREADS, MAX_TILE_SIZE, SYNTHETIC_TILE_SIZE, type TilePoolCache } from '../../codec/index.js';
import { DEFAULT_MAX_PIXELS as CONTAINER_MAX_PIXELS, attachIdfMetadata, readIdfHeader } from '../../container/index.js';
import { describePixels } from '../../image/pixel-buffer.js';
import { DEFAULT_MAX_PIXELS, readImage } from '../../image/read-image.js';
import { DEFAULT_GREY_MODEL_ID, DEFAULT_MODEL_ID, defaultModel, loadModel, resolveModel, type LoadedModel } from '../../zoo/index.js';

interface CompressFlags {
  output?: string;
  /** A model id or folder; false for --no-model; undefined for the default model. */
  model?: string | false;
  threads: number;
  /** Undefined: the codec's choice (DEFAULT_TILE_SIZE, or SYNTHETIC_TILE_SIZE for screenshots, diagrams and images of at most 256 colours). */
  tileSize?: number;
  maxPixels: number;
  force?: boolean;
  json?: boolean;
  stripMetadata?: boolean;
}

/** The model for each image: the --model one, or the installed default for its colour channels (loaded once each). */
class ModelChoice {
  private readonly loaded = new Map<string, Promise<LoadedModel | null>>();
  private warned = false;

  constructor(
    private readonly ctx: CliContext,
    private readonly explicit: string | false | undefined,
  ) {}

  /** The model to offer the codec for an image with `colourChannels` colour channels, or null for none. */
  async forImage(colourChannels: number): Promise<LoadedModel | null> {
    if (this.explicit === false) return null;
    const key = this.explicit ?? `default-${colourChannels}`;
    let model = this.loaded.get(key);
    if (!model) {
      model = this.load(colourChannels);
      this.loaded.set(key, model);
    }
    return model;
  }

  private async load(colourChannels: number): Promise<LoadedModel | null> {
    if (typeof this.explicit === 'string') {
      const record = await resolveModel(this.explicit, { cwd: this.ctx.cwd });
      if (record.supersededBy) log.warn(`model ${record.id} is superseded by ${record.supersededBy}: its files decode, but ${record.supersededBy} compresses better`);
      return loadModel(record);
    }
    const record = await defaultModel(colourChannels);
    if (!record && !this.warned) {
      this.warned = true;
      log.warn(`no default model for ${colourChannels === 1 ? 'grey' : 'RGB'} images is installed (see idfz models): coding with the fallback coder only`);
    }
    return record ? loadModel(record) : null;
  }
}

/** The error for an input that is an .idf file (no image reader takes it), or null when it is not one. */
function alreadyCompressed(bytes: Uint8Array, name: string): BadInputError | null {
  try {
    const header = readIdfHeader(bytes, { maxPixels: Number.MAX_SAFE_INTEGER });
    return new BadInputError(`${name}: is an .idf file already (format version ${header.fileVersion}, ${header.width} x ${header.height}); decompress it with idfz decompress`);
  } catch {
    return null;
  }
}

async function compressOne(
  ctx: CliContext, input: string, target: BatchTarget, flags: CompressFlags, models: ModelChoice, pools: TilePoolCache,
): Promise<void> {
  const started = performance.now();
  const name = inputName(input);
  const bytes = await readBatchInput(ctx, input);
  const pixels = await readImage(bytes, { maxPixels: flags.maxPixels, name }).catch((error: unknown) => {
    throw alreadyCompressed(bytes, name) ?? error;
  });
  const model = await models.forImage(pixels.channels >= 3 ? 3 : 1);
  // --max-pixels bounds the image (checked by readImage); the padded image may exceed it by the padding, up to the
  // container's default limit, so that every file compress writes decompresses with the default limit.
  const maxPixels = Math.max(flags.maxPixels, CONTAINER_MAX_PIXELS);
  const result = await compress(pixels, { model, threads: flags.threads, tileSize: flags.tileSize, maxPixels, pools });
  const { entries, notStored } = metadataToStore(pixels.metadata, flags.stripMetadata === true);
  const file = attachIdfMetadata(result.bytes, entries);
  const output = await writeBatchOutput(ctx, input, target, '.idf', file, flags.force === true);
  warnAboutUnstoredMetadata(name, output, unstoredMetadata(pixels, notStored));
  warnIfLarger(name, output, bytes.length, file.length, pixels);
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    input: name,
    output,
    bytes: file.length,
    bitsPerDim: (file.length * 8) / (pixels.width * pixels.height * pixels.channels),
    width: pixels.width,
    height: pixels.height,
    channels: pixels.channels,
    bitDepth: pixels.bitDepth,
    model: result.model?.id ?? null,
    tiles: result.tiles,
    learnedTiles: result.learnedTiles,
    metadata: entries.map((entry) => ({ type: entry.type, bytes: entry.bytes.length })),
    seconds: Number(seconds.toFixed(3)),
  };
  if (flags.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
  log.debug(summary, `${name}: ${describePixels(pixels)} -> ${output}: ${summary.bytes} bytes, ${summary.bitsPerDim.toFixed(4)} bits per sub-pixel, ` +
    `${summary.model ? `model ${summary.model} (${result.learnedTiles} of ${result.tiles} tiles)` : 'fallback coder only'}, ${seconds.toFixed(2)} s`);
}

async function runCompress(ctx: CliContext, state: RunState, inputs: readonly string[], flags: CompressFlags, verbose: boolean): Promise<void> {
  const target = await batchTarget(ctx, inputs, flags.output);
  if (flags.json && target.kind === 'stdout') throw new UsageError('--json prints on stdout, which the compressed file already uses; give -o a file name');
  const models = new ModelChoice(ctx, flags.model);
  if (typeof flags.model === 'string') await models.forImage(3); // a bad --model fails the whole run up front
  await withTilePools((pools) => runBatch(ctx, state, inputs, verbose, (input) => compressOne(ctx, input, target, flags, models, pools)));
}

/** The `compress` command. */
export const compressCommand: CommandFactory = (ctx, state) =>
  new Command('compress')
    .description('compress images (PNG, JPEG, WebP, TIFF, GIF, AVIF, PNM; "-" = stdin) into .idf files, losslessly')
    .argument('<inputs...>', 'image files, or "-" for standard input')
    .option('-o, --output <path>', 'output file ("-" = stdout), or an existing folder for several inputs (default: each input with the extension .idf; stdout for "-")')
    .option('--model <id|path>', `model id (see idfz models) or the path of a model folder (default: ${DEFAULT_MODEL_ID} for RGB images, ${DEFAULT_GREY_MODEL_ID} for grey ones, where installed; else the fallback coder)`)
    .option('--no-model', 'code every tile with the fallback coder (faster; the file decodes without any model)')
    .option('--threads <n>', 'threads that code tiles (the output does not depend on it)', integerIn('--threads', 1, MAX_THREADS), defaultThreads())
    .option('--tile-size <n>', `tile width and height in pixels, rounded up to the model's multiple (default: ${DEFAULT_TILE_SIZE}, ` +
      `or ${SYNTHETIC_TILE_SIZE} for screenshots, diagrams and images of at most 256 colours)`, integerIn('--tile-size', 1, MAX_TILE_SIZE))
    .option('--max-pixels <n>', 'refuse images with more pixels (checked before decoding)', integerIn('--max-pixels', 1, Number.MAX_SAFE_INTEGER), DEFAULT_MAX_PIXELS)
    .option('--strip-metadata', 'store the pixels only: leave out the ICC profile, EXIF (and its orientation), XMP and IPTC')
    .option('-f, --force', 'overwrite existing output files')
    .option('--json', 'print one JSON object per file on stdout: bytes, bitsPerDim, width, height, channels, model, metadata, seconds, ...')
    .addHelpText('after', exitStatusHelp('input was compressed'))
    .action(async function (this: Command, inputs: string[], flags: CompressFlags) {
      await runCompress(ctx, state, inputs, flags, isVerbose(this));
    });
