/**
 * `idfz convert IN... [-o OUT] [--format F] [-f]`: reads images (or `-`, stdin) and writes them losslessly as PNG,
 * WebP, TIFF or PNM, exercising the image layer end to end. Outputs are written atomically and never replace an
 * existing file without -f; a batch goes on past a bad file, reports it in one line, and exits 1 at the end.
 */
import { Command, Option } from 'commander';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CommandFactory, RunState } from '../command.js';
import type { CliContext } from '../context.js';
import { integerIn } from '../option-parsers.js';
import { reportError } from '../report-error.js';
import { atomicWrite, writeToStream } from '../../core/atomic-write.js';
import { IdfzError, InternalError, UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { readInput } from '../../core/read-input.js';
import { extensionFor, OUTPUT_FORMATS, outputFormatOfPath, type OutputFormat } from '../../image/image-format.js';
import { describePixels, type PixelBuffer } from '../../image/pixel-buffer.js';
import { DEFAULT_MAX_PIXELS, readImage } from '../../image/read-image.js';
import { writeImage } from '../../image/write-image.js';

interface ConvertFlags {
  output?: string;
  format?: OutputFormat;
  force?: boolean;
  maxPixels: number;
}

/** Where each input goes: a file, stdout, or a folder that receives `<input name><extension>`. */
type Target = { kind: 'stdout' } | { kind: 'file'; path: string } | { kind: 'folder'; path: string } | { kind: 'beside' };

/** The format asked for by --format and by -o's extension, which must agree. */
function formatFor(flags: ConvertFlags, outputFile: string | undefined): OutputFormat {
  const implied = outputFile === undefined ? undefined : outputFormatOfPath(outputFile);
  if (implied === 'read-only') {
    throw new UsageError(`-o ${outputFile}: idfz writes only lossless formats (${OUTPUT_FORMATS.join(', ')}); choose one of their extensions`);
  }
  if (flags.format && implied && implied !== flags.format) {
    throw new UsageError(`-o ${outputFile} names a ${implied} file but --format is ${flags.format}; make them agree`);
  }
  return flags.format ?? implied ?? OUTPUT_FORMATS[0]!;
}

async function isFolder(target: string): Promise<boolean> {
  return stat(target).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function targetFor(ctx: CliContext, inputs: readonly string[], output: string | undefined): Promise<Target> {
  if (inputs.filter((input) => input === '-').length > 1) throw new UsageError('"-" (standard input) can be given only once');
  if (output === undefined) return inputs.length === 1 && inputs[0] === '-' ? { kind: 'stdout' } : { kind: 'beside' };
  if (output === '-') {
    if (inputs.length > 1) throw new UsageError(`-o - writes one image to stdout, but ${inputs.length} inputs were given`);
    return { kind: 'stdout' };
  }
  const resolved = path.resolve(ctx.cwd, output);
  if (await isFolder(resolved)) {
    if (inputs.includes('-')) throw new UsageError(`-o ${output} is a folder, which cannot name the output of "-"; give a file name`);
    return { kind: 'folder', path: resolved };
  }
  if (inputs.length > 1) throw new UsageError(`-o ${output}: with ${inputs.length} inputs, -o must be an existing folder`);
  return { kind: 'file', path: resolved };
}

/** The absolute output path for `input` (as given on the command line) going to a file, a folder or beside it. */
function outputPathFor(ctx: CliContext, input: string, target: Target, format: OutputFormat, pixels: PixelBuffer): string {
  const extension = extensionFor(format, pixels.channels);
  const parsed = path.parse(input);
  if (target.kind === 'folder') return path.join(target.path, parsed.name + extension);
  if (target.kind === 'file') return target.path;
  return path.resolve(ctx.cwd, parsed.dir, parsed.name + extension);
}

function warnAboutMetadata(input: string, output: string, pixels: PixelBuffer): void {
  const meta = pixels.metadata;
  if (!meta) return;
  const dropped = [meta.icc && 'ICC profile', meta.exif && 'EXIF', meta.xmp && 'XMP', meta.iptc && 'IPTC'].filter(Boolean);
  if (meta.orientation !== undefined) dropped.push(`orientation ${meta.orientation} (not applied: pixels stay in stored order)`);
  if (dropped.length > 0) log.warn({ input, output }, `${input}: not copied to ${output}: ${dropped.join(', ')}`);
}

async function convertOne(ctx: CliContext, input: string, target: Target, flags: ConvertFlags, fileFormat: OutputFormat): Promise<void> {
  const name = input === '-' ? 'stdin' : input;
  const bytes = await readInput(input === '-' ? '-' : path.resolve(ctx.cwd, input), { stdin: ctx.stdin, name });
  const pixels = await readImage(bytes, { maxPixels: flags.maxPixels, name });
  const encoded = await writeImage(pixels, fileFormat);
  if (target.kind === 'stdout') {
    await writeToStream(ctx.stdout, encoded);
    warnAboutMetadata(name, 'stdout', pixels);
  } else {
    const destination = outputPathFor(ctx, input, target, fileFormat, pixels);
    const relative = path.relative(ctx.cwd, destination);
    const shown = relative.startsWith('..') || path.isAbsolute(relative) ? destination : relative;
    await atomicWrite(destination, encoded, { force: flags.force === true, name: shown });
    warnAboutMetadata(name, shown, pixels);
  }
  log.debug({ input: name, format: fileFormat, bytes: encoded.length }, `${name}: ${describePixels(pixels)} written as ${fileFormat}`);
}

async function runConvert(ctx: CliContext, state: RunState, inputs: readonly string[], flags: ConvertFlags, verbose: boolean): Promise<void> {
  const target = await targetFor(ctx, inputs, flags.output);
  const fileFormat = formatFor(flags, target.kind === 'file' ? flags.output : undefined);
  let failed = 0;
  for (const input of inputs) {
    try {
      await convertOne(ctx, input, target, flags, fileFormat);
    } catch (error) {
      // A bug stops the batch (main reports it); any other failure is this file's and the batch goes on.
      if (!(error instanceof IdfzError) || error instanceof InternalError) throw error;
      reportError(ctx, error, verbose);
      failed++;
    }
  }
  if (failed > 0) {
    if (inputs.length > 1) log.warn(`${failed} of ${inputs.length} inputs failed`);
    state.exitCode = Math.max(state.exitCode, 1);
  }
}

/** The `convert` command. */
export const convertCommand: CommandFactory = (ctx, state) =>
  new Command('convert')
    .description('read images (PNG, JPEG, WebP, TIFF, GIF, AVIF, PNM; "-" = stdin) and write them losslessly')
    .argument('<inputs...>', 'image files, or "-" for standard input')
    .option('-o, --output <path>', 'output file ("-" = stdout), or an existing folder for several inputs (default: each input with the new extension; stdout for "-")')
    .addOption(new Option('--format <format>', 'output format (default: from -o\'s extension, else png)').choices(OUTPUT_FORMATS as string[]))
    .option('-f, --force', 'overwrite existing output files')
    .option('--max-pixels <n>', `refuse images with more pixels (checked before decoding)`, integerIn('--max-pixels', 1, Number.MAX_SAFE_INTEGER), DEFAULT_MAX_PIXELS)
    .addHelpText('after', '\nExit status: 0 when every input was converted, 1 when any failed (each failure is one line on stderr).')
    .action(async function (this: Command, inputs: string[], flags: ConvertFlags) {
      const verbose = this.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
      await runConvert(ctx, state, inputs, flags, verbose);
    });
