/**
 * Writes the golden streams in fixtures/golden/: small `.idf` files per installed model (RGB in several tiles, RGBA,
 * 16-bit RGB, widened 16-bit RGB) and per model-free layout (grey, fallback-only RGB, 16-bit grey + alpha, widened
 * 16-bit RGB, synthetic RGB for the copy model, a palette image, a mixed-cascade RGB crop), made from crops of real
 * photos and committed PNGs (sources/), plus golden.json with the sha256 of the pixels each must decode to. Existing
 * goldens are never rewritten: a run only adds the files (per format version, model and layout) that are missing, so
 * a new model, layout or format version gets its goldens beside the old ones. Invariant: every entry of golden.json
 * names a file here that decodes to its pixels.
 */
import { sha256Hex } from '../src/core/sha256.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress, type CompressResult } from '../src/codec/index.js';
import { IDF_FORMAT_VERSION } from '../src/container/index.js';
import { createPixelBuffer, pixelBytes, type PixelBuffer } from '../src/image/pixel-buffer.js';
import { readImage } from '../src/image/read-image.js';
import { listModels, loadModel, NO_MODEL_NUMERIC_ID, type LoadedModel } from '../src/zoo/index.js';
import type { GoldenEntry } from './golden-entry.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const GOLDEN = path.join(ROOT, 'fixtures', 'golden');
const SHARED = path.resolve(ROOT, '../shared/data');
const TILE_SIZE = 16;

/** A width x height crop at (x, y) of a real photo, as 8-bit samples of its own channel count. */
async function crop(file: string, x: number, y: number, width: number, height: number): Promise<PixelBuffer> {
  const image = await readImage(readFileSync(path.join(SHARED, file)), { name: file });
  if (image.bitDepth !== 8) throw new Error(`${file}: expected an 8-bit image`);
  const c = image.channels;
  const data = new Uint8Array(width * height * c);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * c;
    data.set(image.data.subarray(from, from + width * c), row * width * c);
  }
  return createPixelBuffer({ width, height, channels: c, bitDepth: 8, data });
}

/** Adds an alpha plane: opaque with a transparent diagonal band and a few half-transparent pixels. */
function withAlpha(image: PixelBuffer): PixelBuffer {
  const { width, height, channels } = image;
  const data = new Uint8Array(width * height * (channels + 1));
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const y = Math.floor(p / width);
    for (let c = 0; c < channels; c++) data[p * (channels + 1) + c] = image.data[p * channels + c]!;
    data[p * (channels + 1) + channels] = Math.abs(x - y) < 3 ? 0 : (x * 7 + y * 3) % 29 === 0 ? 128 : 255;
  }
  return createPixelBuffer({ width, height, channels: channels + 1, bitDepth: 8, data });
}

/** 16-bit samples: the 8-bit value as the high byte and a deterministic noisy low byte. */
function to16Bit(image: PixelBuffer): PixelBuffer {
  const data = new Uint16Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i]! * 256 + ((image.data[i]! * 37 + i * 11) & 0xff);
  return createPixelBuffer({ width: image.width, height: image.height, channels: image.channels, bitDepth: 16, data });
}

/** 16-bit samples widened from the 8-bit values by bit replication (v * 257), as 8-bit images saved as 16-bit are. */
function widen257(image: PixelBuffer): PixelBuffer {
  const data = Uint16Array.from(image.data, (v) => v * 257);
  return createPixelBuffer({ width: image.width, height: image.height, channels: image.channels, bitDepth: 16, data });
}

/** 16-bit samples with 4 deterministic noisy low bits under the 8-bit value and 4 zero bits between (a mask fill). */
function withNoisyLowBits(image: PixelBuffer): PixelBuffer {
  const data = Uint16Array.from(image.data, (v, i) => v * 256 + ((v * 37 + i * 11) & 0x0f));
  return createPixelBuffer({ width: image.width, height: image.height, channels: image.channels, bitDepth: 16, data });
}

/** Crops of real photos tried in turn for a model's goldens, until the model codes tiles of all three. */
const MODEL_CROPS: readonly [file: string, x: number, y: number][] = [
  ['kodak/kodim23.png', 300, 120],
  ['usc-sipi-misc/4.2.03.png', 100, 100],
  ['usc-sipi-misc/house.png', 100, 100],
  ['photos-train/wiki-002.png', 100, 100],
];

interface Coded {
  readonly name: string;
  readonly pixels: PixelBuffer;
  readonly result: CompressResult;
}

async function code(name: string, pixels: PixelBuffer, model: LoadedModel | null, tileSize = TILE_SIZE): Promise<Coded> {
  return { name, pixels, result: await compress(pixels, { model, tileSize }) };
}

/** A golden's file name: version (from 2 on; version 1 files kept their original names), model, layout. */
function goldenFile({ name, result }: Coded): string {
  const version = IDF_FORMAT_VERSION > 1 ? `v${IDF_FORMAT_VERSION}-` : '';
  return `${version}${result.model ? `${result.model.id}-${result.model.numericId}` : 'none-0'}-${name}.idf`;
}

function writeGolden(coded: Coded): GoldenEntry {
  const { pixels, result } = coded;
  const modelNumericId = result.model?.numericId ?? NO_MODEL_NUMERIC_ID;
  const file = goldenFile(coded);
  writeFileSync(path.join(GOLDEN, file), result.bytes);
  console.log(`${file}: ${result.bytes.length} bytes, ${result.learnedTiles} of ${result.tiles} tiles learned`);
  return {
    file,
    formatVersion: IDF_FORMAT_VERSION,
    modelNumericId,
    modelId: result.model?.id ?? null,
    width: pixels.width,
    height: pixels.height,
    channels: pixels.channels,
    bitDepth: pixels.bitDepth,
    tiles: result.tiles,
    learnedTiles: result.learnedTiles,
    pixelsSha256: sha256Hex(pixelBytes(pixels)),
  };
}

/**
 * The RGB, RGBA, 16-bit RGB and widened (x257) 16-bit RGB goldens of a model, from the first crop where it codes
 * tiles of each.
 */
async function modelGoldens(model: LoadedModel): Promise<Coded[]> {
  for (const [file, x, y] of MODEL_CROPS) {
    const rgb = await crop(file, x, y, 40, 24);
    const coded = [
      await code('rgb-40x24', rgb, model),
      await code('rgba-40x24', withAlpha(rgb), model),
      await code('rgb16-40x24', to16Bit(rgb), model),
      await code('rgb16x257-40x24', widen257(rgb), model),
    ];
    if (coded.every(({ result }) => result.learnedTiles > 0)) return coded;
  }
  throw new Error(`model ${model.record.id} codes no tile of any crop better than the fallback coder; add a crop to MODEL_CROPS`);
}

/** The synthetic source image (fixtures/golden/sources, rendered from an SVG of shapes without text). */
async function synthetic(): Promise<PixelBuffer> {
  const file = path.join(GOLDEN, 'sources', 'shapes-256x192.png');
  return readImage(readFileSync(file), { name: file });
}

/** The palette source image (fixtures/golden/sources: a Kodak crop quantised by sharp to 16 colours, dithered). */
async function paletted(): Promise<PixelBuffer> {
  const file = path.join(GOLDEN, 'sources', 'kodim23-p16d-128x96.png');
  return readImage(readFileSync(file), { name: file });
}

/**
 * The model-free goldens: grey, RGB, 16-bit grey + alpha, widened 16-bit RGB (x257 and a mask fill), a synthetic
 * RGB image in 64 x 64 tiles (fallback mode 6, the copy model), a textured RGB crop (mode 8, written when the encoder
 * switched to it) and a 16-colour dithered one in one tile (mode 9, the
 * palette model).
 */
async function modelFreeGoldens(): Promise<Coded[]> {
  const grey = await crop('usc-sipi-misc/boat.512.png', 200, 200, 33, 17);
  const rgb = await crop('kodak/kodim23.png', 300, 120, 40, 24);
  const textured = await crop('kodak/kodim05.png', 100, 100, 48, 32);
  return [
    await code('shapes-256x192', await synthetic(), null, 64),
    await code('palette-128x96', await paletted(), null, 128),
    await code('grey-33x17', grey, null),
    await code('rgb-40x24', rgb, null),
    await code('grey-alpha16-33x17', to16Bit(withAlpha(grey)), null),
    await code('rgb16x257-40x24', widen257(rgb), null),
    await code('rgb16lsb4-40x24', withNoisyLowBits(rgb), null),
    await code('mixed-rgb-48x32', textured, null),
  ];
}

async function main(): Promise<void> {
  const listPath = path.join(GOLDEN, 'golden.json');
  mkdirSync(GOLDEN, { recursive: true });
  const existing: GoldenEntry[] = existsSync(listPath) ? (JSON.parse(readFileSync(listPath, 'utf8')) as GoldenEntry[]) : [];
  const present = new Set(existing.map((entry) => entry.file));
  const entries = [...existing];
  const addMissing = (coded: Coded[]): void => {
    for (const one of coded) if (!present.has(goldenFile(one))) entries.push(writeGolden(one));
  };
  addMissing(await modelFreeGoldens());
  const { models, problems } = await listModels();
  for (const problem of problems) console.warn(`skipped: ${problem}`);
  for (const record of models) {
    if (record.channels === 3) addMissing(await modelGoldens(await loadModel(record)));
  }
  entries.sort((a, b) => a.modelNumericId - b.modelNumericId || (a.file < b.file ? -1 : 1));
  writeFileSync(listPath, `${JSON.stringify(entries, null, 2)}\n`);
  console.log(`${listPath}: ${entries.length} golden streams (${entries.length - existing.length} new)`);
}

await main();
