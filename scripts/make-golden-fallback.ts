/**
 * Adds model-free golden streams in fixtures/golden/ for the newest fallback mode (GOLDEN_MODE, 5):
 * `none-0-mode<M>-<layout>.idf` for grey, RGB (16 x 16 tiles of real photo crops, as scripts/make-golden.ts cuts
 * them) and 16-bit RGB (noisy low bytes), every tile a fallback tile in that mode (built here as the codec builds
 * fallback tiles, PAYLOAD.md, so that it need not be the encoder's mode yet) and checked by decompress, each appended
 * to golden.json (re-read just before it is written, so that other additions survive). Add-only: a mode that already
 * has goldens gets none, no file is rewritten.
 * Usage: npm run build && node dist/scripts/make-golden-fallback.js [--golden DIR] (default fixtures/golden)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decompress } from '../src/codec/index.js';
import { FALLBACK_MODE, encodeFallback } from '../src/codec/fallback-coder.js';
import { IDF_FORMAT_VERSION, pixelChecksum, writeIdf, type IdfTileInput } from '../src/container/index.js';
import { sha256Hex } from '../src/core/sha256.js';
import { createPixelBuffer, pixelBytes, type PixelBuffer } from '../src/image/pixel-buffer.js';
import { readImage } from '../src/image/read-image.js';
import { NO_MODEL_NUMERIC_ID } from '../src/zoo/index.js';
import type { GoldenEntry } from './golden-entry.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const goldenAt = process.argv.indexOf('--golden');
const GOLDEN = goldenAt >= 0 ? path.resolve(process.argv[goldenAt + 1]!) : path.join(ROOT, 'fixtures', 'golden');
const SHARED = path.resolve(ROOT, '../shared/data');
const TILE_SIZE = 16;

/** A width x height crop at (x, y) of an 8-bit image. */
async function crop(file: string, x: number, y: number, width: number, height: number): Promise<PixelBuffer> {
  const image = await readImage(readFileSync(path.join(SHARED, file)), { name: file });
  if (image.bitDepth !== 8) throw new Error(`${file}: expected an 8-bit image`);
  const c = image.channels;
  const data = new Uint8Array(width * height * c);
  for (let row = 0; row < height; row++) data.set(image.data.subarray(((y + row) * image.width + x) * c, ((y + row) * image.width + x + width) * c), row * width * c);
  return createPixelBuffer({ width, height, channels: c, bitDepth: 8, data });
}

/** 16-bit samples: the 8-bit value as the high byte and a deterministic noisy low byte (as make-golden.ts). */
function to16Bit(image: PixelBuffer): PixelBuffer {
  const data = new Uint16Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i]! * 256 + ((image.data[i]! * 37 + i * 11) & 0xff);
  return createPixelBuffer({ width: image.width, height: image.height, channels: image.channels, bitDepth: 16, data });
}

const GOLDEN_MODE = FALLBACK_MODE.cascade;

/** The .idf of an image without alpha whose every tile (TILE_SIZE, no padding) is a fallback stream in GOLDEN_MODE. */
function fallbackIdf(pixels: PixelBuffer): { bytes: Uint8Array; tiles: number } {
  const { width, height, channels, bitDepth } = pixels;
  const tiles: IdfTileInput[] = [];
  for (let top = 0; top < height; top += TILE_SIZE) {
    for (let left = 0; left < width; left += TILE_SIZE) {
      const w = Math.min(TILE_SIZE, width - left);
      const h = Math.min(TILE_SIZE, height - top);
      const samples = bitDepth === 8 ? new Uint8Array(w * h * channels) : new Uint16Array(w * h * channels);
      for (let y = 0; y < h; y++) samples.set(pixels.data.subarray(((top + y) * width + left) * channels, ((top + y) * width + left + w) * channels), y * w * channels);
      tiles.push({ payload: encodeFallback(samples, w, h, channels, GOLDEN_MODE), fallback: true });
    }
  }
  const bytes = writeIdf({
    channels, bitDepth, width, height, paddedWidth: width, paddedHeight: height, tileWidth: TILE_SIZE,
    tileHeight: TILE_SIZE, modelId: NO_MODEL_NUMERIC_ID, modelSha256: new Uint8Array(32),
    pixelChecksum: pixelChecksum(pixels.data),
  }, tiles, IDF_FORMAT_VERSION);
  return { bytes, tiles: tiles.length };
}

const prefix = `none-0-mode${GOLDEN_MODE}-`;
const listPath = path.join(GOLDEN, 'golden.json');
if ((JSON.parse(readFileSync(listPath, 'utf8')) as GoldenEntry[]).some((e) => e.file.startsWith(prefix))) {
  console.log(`${listPath}: mode ${GOLDEN_MODE} already has goldens, nothing added`);
} else {
  const rgb = await crop('kodak/kodim23.png', 300, 120, 40, 24);
  const images: [string, PixelBuffer][] = [
    ['grey-33x17', await crop('usc-sipi-misc/boat.512.png', 200, 200, 33, 17)],
    ['rgb-40x24', rgb],
    ['rgb16-40x24', to16Bit(rgb)],
  ];
  const added: GoldenEntry[] = [];
  for (const [name, pixels] of images) {
    const result = fallbackIdf(pixels);
    const back = await decompress(result.bytes, { resolveModel: async () => { throw new Error('no model expected'); } });
    if (sha256Hex(pixelBytes(back)) !== sha256Hex(pixelBytes(pixels))) throw new Error(`${name}: the golden does not decode to its pixels`);
    const file = `${prefix}${name}.idf`;
    if (existsSync(path.join(GOLDEN, file))) throw new Error(`${file} exists but golden.json does not list it`);
    writeFileSync(path.join(GOLDEN, file), result.bytes);
    console.log(`${file}: ${result.bytes.length} bytes, ${result.tiles} tiles`);
    added.push({
      file, formatVersion: IDF_FORMAT_VERSION, modelNumericId: NO_MODEL_NUMERIC_ID, modelId: null, width: pixels.width,
      height: pixels.height, channels: pixels.channels, bitDepth: pixels.bitDepth, tiles: result.tiles,
      learnedTiles: 0, pixelsSha256: sha256Hex(pixelBytes(pixels)),
    });
  }
  const entries = [...(JSON.parse(readFileSync(listPath, 'utf8')) as GoldenEntry[]), ...added];
  entries.sort((a, b) => a.modelNumericId - b.modelNumericId || (a.file < b.file ? -1 : 1));
  writeFileSync(listPath, `${JSON.stringify(entries, null, 2)}\n`);
  console.log(`${listPath}: ${entries.length} golden streams (${added.length} new)`);
}
