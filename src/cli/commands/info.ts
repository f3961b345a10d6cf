/**
 * `idfz info FILE... [--json]`: what a `.idf` file's header says (geometry, padding, tiles and how each is coded,
 * the model it needs and whether that model is installed, the metadata it keeps (ICC, EXIF, XMP, IPTC and their
 * sizes), size and bits per sub-pixel), as text or one JSON object
 * per file. Reads only the header: the payloads are not decoded, so a huge file costs no more than its size. A file
 * cut short inside its payloads (an interrupted copy) still shows its header and how much is missing, then fails.
 */
import { Command } from 'commander';
import type { CommandFactory } from '../command.js';
import type { CliContext } from '../context.js';
import { exitStatusHelp, inputName, isVerbose, readBatchInput, runBatch } from './batch-output.js';
import { readIdfHeader, type IdfHeader } from '../../container/index.js';
import { CorruptStreamError } from '../../core/errors.js';
import { METADATA_NAMES } from './stored-metadata.js';
import { findModelByNumericId, NO_MODEL_NUMERIC_ID, type ModelRecord } from '../../zoo/index.js';

interface InfoFlags {
  json?: boolean;
}

const LAYOUTS = ['grey', 'grey + alpha', 'RGB', 'RGBA'];

function describe(name: string, size: number, header: IdfHeader, installed: ModelRecord | null) {
  const learnedTiles = header.tiles.filter((tile) => !tile.fallback).length;
  const model = header.modelId === NO_MODEL_NUMERIC_ID ? null : {
    numericId: header.modelId,
    sha256Prefix: Buffer.from(header.modelSha256Prefix).toString('hex'),
    id: installed?.id ?? null,
  };
  return {
    file: name,
    bytes: size,
    formatVersion: header.fileVersion,
    width: header.width,
    height: header.height,
    channels: header.channels,
    bitDepth: header.bitDepth,
    paddedWidth: header.paddedWidth,
    paddedHeight: header.paddedHeight,
    tileWidth: header.tileWidth,
    tileHeight: header.tileHeight,
    tiles: header.tiles.length,
    learnedTiles,
    fallbackTiles: header.tiles.length - learnedTiles,
    model,
    pixelChecksum: `0x${header.pixelChecksum.toString(16).padStart(8, '0')}`,
    headerBytes: header.headerBytes,
    metadata: header.metadata.map((entry) => ({ type: entry.type, bytes: entry.bytes.length })),
    bitsPerDim: (size * 8) / (header.width * header.height * header.channels),
    missingBytes: header.missingBytes,
    // Payloads lie in table order, so a truncated file keeps a prefix of whole tiles.
    completeTiles: header.tiles.filter((tile) => tile.offset + tile.length <= size).length,
  };
}

function asText(info: ReturnType<typeof describe>): string {
  const model = info.model === null
    ? 'none (every tile is coded with the fallback coder)'
    : `${info.model.id ?? 'not installed'} (numeric id ${info.model.numericId}, sha256 ${info.model.sha256Prefix}...)`;
  return [
    `${info.file}: .idf format version ${info.formatVersion}`,
    `  image: ${info.width} x ${info.height}, ${LAYOUTS[info.channels - 1]}, ${info.bitDepth}-bit`,
    `  padded: ${info.paddedWidth} x ${info.paddedHeight}`,
    `  tiles: ${info.tiles} of ${info.tileWidth} x ${info.tileHeight} (${info.learnedTiles} learned, ${info.fallbackTiles} fallback)`,
    `  model: ${model}`,
    `  pixel checksum: ${info.pixelChecksum}`,
    `  metadata: ${info.metadata.length === 0 ? 'none' : info.metadata.map((entry) => `${METADATA_NAMES[entry.type]} ${entry.bytes} bytes`).join(', ')}`,
    `  size: ${info.bytes} bytes (header ${info.headerBytes}), ${info.bitsPerDim.toFixed(4)} bits per sub-pixel`,
    ...(info.missingBytes > 0
      ? [`  truncated: ${info.missingBytes} bytes missing, ${info.completeTiles} of ${info.tiles} tiles complete`]
      : []),
  ].join('\n');
}

async function infoOne(ctx: CliContext, input: string, flags: InfoFlags): Promise<void> {
  const name = inputName(input);
  const bytes = await readBatchInput(ctx, input, 'an .idf file');
  const header = readIdfHeader(bytes, { source: name, maxPixels: Number.MAX_SAFE_INTEGER, allowTruncatedPayloads: true });
  const installed = header.modelId === NO_MODEL_NUMERIC_ID ? null : await findModelByNumericId(header.modelId);
  const info = describe(name, bytes.length, header, installed);
  ctx.stdout.write(`${flags.json ? JSON.stringify(info) : asText(info)}\n`);
  if (info.missingBytes > 0) {
    throw new CorruptStreamError(`truncated: ${info.missingBytes} of its ${bytes.length + info.missingBytes} bytes are ` +
      'missing, so it cannot be decompressed; copy it again from its source');
  }
}

/** The `info` command. */
export const infoCommand: CommandFactory = (ctx, state) =>
  new Command('info')
    .description('show what .idf files hold: geometry, tiles, model, size (header only, nothing is decoded)')
    .argument('<files...>', '.idf files, or "-" for standard input')
    .option('--json', 'print one JSON object per file')
    .addHelpText('after', exitStatusHelp('file was read'))
    .action(async function (this: Command, files: string[], flags: InfoFlags) {
      await runBatch(ctx, state, files, isVerbose(this), (input) => infoOne(ctx, input, flags));
    });
