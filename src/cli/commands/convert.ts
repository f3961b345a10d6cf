/**
 * `idfz convert IN... [-o OUT] [--format F] [-f]`: reads images (or `-`, stdin) and writes them losslessly as PNG,
 * WebP, TIFF or PNM, with the ICC profile, EXIF and XMP where the format holds them (PNG, WebP), exercising the image
 * layer end to end; what the output cannot hold is a warning. Outputs are written atomically and never replace an
 * existing file without -f; a batch goes on past a bad file, reports it in one line, and exits 1 at the end; a
 * closed stdout ends it silently (batch-output.ts, shared with compress and decompress).
 */
import { Command } from 'commander';
import type { CommandFactory, RunState } from '../command.js';
import type { CliContext } from '../context.js';
import { integerIn } from '../option-parsers.js';
import { batchTarget, exitStatusHelp, inputName, isVerbose, readBatchInput, runBatch, writeBatchOutput, type BatchTarget } from './batch-output.js';
import { imageFormatOption, imageOutputFormat } from './image-output-format.js';
import { unstoredMetadata, warnAboutUnstoredMetadata } from './unstored-metadata.js';
import { notWrittenParts } from './stored-metadata.js';
import { embedMetadata } from '../../image/embed-metadata.js';
import { log } from '../../core/log.js';
import { extensionFor, type OutputFormat } from '../../image/image-format.js';
import { describePixels } from '../../image/pixel-buffer.js';
import { DEFAULT_MAX_PIXELS, readImage } from '../../image/read-image.js';
import { writeImage } from '../../image/write-image.js';

interface ConvertFlags {
  output?: string;
  format?: OutputFormat;
  force?: boolean;
  maxPixels: number;
}

async function convertOne(ctx: CliContext, input: string, target: BatchTarget, flags: ConvertFlags, fileFormat: OutputFormat): Promise<void> {
  const name = inputName(input);
  const bytes = await readBatchInput(ctx, input);
  const pixels = await readImage(bytes, { maxPixels: flags.maxPixels, name });
  const { bytes: encoded, notWritten } = embedMetadata(await writeImage(pixels, fileFormat), fileFormat, pixels.metadata ?? {});
  const shown = await writeBatchOutput(ctx, input, target, extensionFor(fileFormat, pixels.channels), encoded, flags.force === true);
  warnAboutUnstoredMetadata(name, shown, unstoredMetadata(pixels, notWrittenParts(fileFormat, notWritten)));
  log.debug({ input: name, format: fileFormat, bytes: encoded.length }, `${name}: ${describePixels(pixels)} written as ${fileFormat}`);
}

async function runConvert(ctx: CliContext, state: RunState, inputs: readonly string[], flags: ConvertFlags, verbose: boolean): Promise<void> {
  const target = await batchTarget(ctx, inputs, flags.output);
  const fileFormat = imageOutputFormat(flags.format, target.kind === 'file' ? flags.output : undefined);
  await runBatch(ctx, state, inputs, verbose, (input) => convertOne(ctx, input, target, flags, fileFormat));
}

/** The `convert` command. */
export const convertCommand: CommandFactory = (ctx, state) =>
  new Command('convert')
    .description('read images (PNG, JPEG, WebP, TIFF, GIF, AVIF, PNM; "-" = stdin) and write them losslessly')
    .argument('<inputs...>', 'image files, or "-" for standard input')
    .option('-o, --output <path>', 'output file ("-" = stdout), or an existing folder for several inputs (default: each input with the new extension; stdout for "-")')
    .addOption(imageFormatOption())
    .option('-f, --force', 'overwrite existing output files')
    .option('--max-pixels <n>', `refuse images with more pixels (checked before decoding)`, integerIn('--max-pixels', 1, Number.MAX_SAFE_INTEGER), DEFAULT_MAX_PIXELS)
    .addHelpText('after', exitStatusHelp('input was converted'))
    .action(async function (this: Command, inputs: string[], flags: ConvertFlags) {
      await runConvert(ctx, state, inputs, flags, isVerbose(this));
    });
