/**
 * The baselines the bench runs as command-line tools, one process per image and direction, on files in a scratch
 * folder: lossless JPEG-XL (cjxl/djxl), lossless JPEG 2000 (opj_compress/opj_decompress) and lossless AVIF
 * (avifenc/avifdec). Invariant: the measured bytes are the whole file the encoder wrote, and decoding goes through
 * the tool's own decoder, so the exact-decode check tests the real round trip. Grey images are coded as one plane.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { BadInputError, CorruptStreamError } from '../core/errors.js';
import { writeImage } from '../image/write-image.js';
import { writePnm } from '../image/pnm.js';
import type { Availability, BenchCodec, BenchImage, ImageGeometry } from './bench-codec.js';
import { decodeImageFile, toPixelBuffer } from './decoded-samples.js';
import { probeTool, runTool, ScratchFolder } from './external-tool.js';

/** A tool and how to ask it for its version. */
interface ToolSpec {
  readonly tool: string;
  readonly versionArgs: readonly string[];
  readonly versionPattern: RegExp;
  /** What to install when it is missing. */
  readonly install: string;
}

/** Everything that differs between the command-line baselines. */
interface ToolCodecSpec {
  readonly name: string;
  readonly settings: string;
  readonly encoder: ToolSpec;
  readonly decoder: ToolSpec;
  /** Format of the file handed to the encoder. */
  readonly input: 'pnm' | 'png';
  /** Extension of the coded file (the tools pick the container from it). */
  readonly codedExtension: string;
  /** Extension the decoder writes, for an image of `channels`. */
  decodedExtension(channels: 1 | 3): string;
  encodeArgs(input: string, output: string, image: BenchImage): string[];
  decodeArgs(input: string, output: string): string[];
}

/** Tool names to use instead of the defaults (tests name a missing tool to see it skipped). */
export interface ToolNames {
  readonly encoder?: string;
  readonly decoder?: string;
}

const pnmExtension = (channels: 1 | 3): string => (channels === 1 ? '.pgm' : '.ppm');

function toolCodec(spec: ToolCodecSpec, names: ToolNames): BenchCodec {
  const encoder = names.encoder ?? spec.encoder.tool;
  const decoder = names.decoder ?? spec.decoder.tool;
  const scratch = new ScratchFolder();
  let availability: Promise<Availability> | undefined;
  const probe = async (): Promise<Availability> => {
    const found = await Promise.all([
      probeTool(encoder, spec.encoder.versionArgs, spec.encoder.versionPattern, spec.encoder.install),
      probeTool(decoder, spec.decoder.versionArgs, spec.decoder.versionPattern, spec.decoder.install),
    ]);
    const missing = found.filter((entry) => !entry.available).map((entry) => (entry.available ? '' : entry.reason));
    if (missing.length > 0) return { available: false, reason: missing.join('; ') };
    const versions = [...new Set(found.map((entry) => (entry.available ? entry.version : '')))];
    return { available: true, version: versions.join(', ') };
  };
  return {
    name: spec.name,
    settings: spec.settings,
    timing: 'per-process',
    available: () => (availability ??= probe()),
    async encode(image) {
      const input = await scratch.file(`input${spec.input === 'png' ? '.png' : pnmExtension(image.channels)}`);
      const output = await scratch.file(`coded${spec.codedExtension}`);
      const pixels = toPixelBuffer(image);
      await writeFile(input, spec.input === 'png' ? await writeImage(pixels, 'png') : writePnm(pixels));
      await rm(output, { force: true });
      await runTool(encoder, spec.encodeArgs(input, output, image), (message) => new BadInputError(`${spec.name}: ${image.name}: ${message}`));
      return new Uint8Array(await readFile(output));
    },
    async decode(bytes: Uint8Array, geometry: ImageGeometry) {
      const input = await scratch.file(`coded${spec.codedExtension}`);
      const output = await scratch.file(`decoded${spec.decodedExtension(geometry.channels)}`);
      await writeFile(input, bytes);
      await rm(output, { force: true });
      await runTool(decoder, spec.decodeArgs(input, output), (message) => new CorruptStreamError(`${spec.name}: cannot decode its own file: ${message}`));
      return decodeImageFile(new Uint8Array(await readFile(output)), geometry, `${spec.name} decoder output`);
    },
    close: () => scratch.remove(),
  };
}

/**
 * Lossless JPEG-XL: `cjxl -d 0 -e 9` (modular, maximum effort), decoded by djxl. cjxl writes a bare codestream
 * (no ISOBMFF box container) when there is no metadata; that file is measured. Debian package `libjxl-tools`.
 */
export function jxlCodec(names: ToolNames = {}): BenchCodec {
  const version = { versionArgs: ['--version'], versionPattern: /v\d+\.\d+(\.\d+)?/, install: 'the Debian package libjxl-tools (apt-get install libjxl-tools)' };
  return toolCodec(
    {
      name: 'jxl',
      settings: 'JPEG-XL file as cjxl writes it: bare codestream (cjxl -d 0 -e 9, lossless modular); decoded by djxl',
      encoder: { tool: 'cjxl', ...version },
      decoder: { tool: 'djxl', ...version },
      input: 'pnm',
      codedExtension: '.jxl',
      decodedExtension: pnmExtension,
      encodeArgs: (input, output) => [input, output, '-d', '0', '-e', '9'],
      decodeArgs: (input, output) => [input, output],
    },
    names,
  );
}

/**
 * Resolution levels for opj_compress: its default 6, fewer for images too small to halve 5 times (the encoder
 * refuses more levels than the smaller side allows).
 */
export function jp2Resolutions(width: number, height: number): number {
  return Math.min(6, 1 + Math.floor(Math.log2(Math.min(width, height))));
}

/**
 * Lossless JPEG 2000: opj_compress defaults (reversible 5/3 wavelet, reversible colour transform for RGB, 6
 * resolution levels where the image allows), decoded by opj_decompress. Measured as the bare `.j2k` codestream, as
 * for cjxl: a `.jp2` file adds about 85 bytes of boxes. Debian package `libopenjp2-tools`.
 */
export function jp2Codec(names: ToolNames = {}): BenchCodec {
  const version = { versionArgs: ['-h'], versionPattern: /v\d+\.\d+(\.\d+)?/, install: 'the Debian package libopenjp2-tools (apt-get install libopenjp2-tools)' };
  return toolCodec(
    {
      name: 'jp2',
      settings: 'JPEG 2000 bare codestream, .j2k (opj_compress defaults: lossless 5/3, reversible colour transform); decoded by opj_decompress',
      encoder: { tool: 'opj_compress', ...version },
      decoder: { tool: 'opj_decompress', ...version },
      input: 'pnm',
      codedExtension: '.j2k',
      decodedExtension: pnmExtension,
      encodeArgs: (input, output, image) => ['-i', input, '-o', output, '-n', String(jp2Resolutions(image.width, image.height))],
      decodeArgs: (input, output) => ['-i', input, '-o', output],
    },
    names,
  );
}

/**
 * Lossless AVIF: `avifenc --lossless --speed 0` (aom, 4:4:4 with the identity matrix for RGB, `-y 400` for grey so
 * grey is one plane, not three), decoded by avifdec. The whole .avif file (ISOBMFF, about 280 bytes of boxes) is
 * measured. Debian package `libavif-bin`.
 */
export function avifCodec(names: ToolNames = {}): BenchCodec {
  const version = { versionArgs: ['--version'], versionPattern: /\d+\.\d+\.\d+/, install: 'the Debian package libavif-bin (apt-get install libavif-bin)' };
  return toolCodec(
    {
      name: 'avif',
      settings: 'AVIF file as avifenc writes it, ISOBMFF container (avifenc --lossless --speed 0, aom, one thread; grey as YUV400); decoded by avifdec',
      encoder: { tool: 'avifenc', ...version },
      decoder: { tool: 'avifdec', ...version },
      input: 'png',
      codedExtension: '.avif',
      decodedExtension: () => '.png',
      encodeArgs: (input, output, image) => ['--lossless', '--speed', '0', '--jobs', '1', ...(image.channels === 1 ? ['--yuv', '400'] : []), input, output],
      decodeArgs: (input, output) => ['--png-compress', '0', input, output],
    },
    names,
  );
}
