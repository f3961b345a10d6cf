/**
 * Measures 16-bit coding (issue: 16-bit images compress worse than PNG): bits per sample of idfz (default model, or
 * the fallback coder alone with --no-model), PNG (sharp, compressionLevel 9) and JPEG-XL (cjxl -d 0 -e 7, when
 * installed) on Kodak images widened to 16 bits (x257, x256, x257 with 4 noisy low bits) and on 16-bit photos made
 * by 4x downscaling photos-train images with a tent filter (float sums, scaled to 0..65535), also cut to 12-bit zero
 * fill and 10-bit replication; every idfz
 * file is checked to decode exactly. --split also codes each 128x128 tile of the genuine photos both as whole 16-bit
 * fallback samples and as high bytes (8-bit fallback) plus low bytes given them, and reports both totals.
 * Usage: node dist/scripts/measure-sixteen.js [--kodak kodim23,kodim05] [--photos wiki-004,...] [--no-model] [--split]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress, decompress } from '../src/codec/index.js';
import { encodeFallback, encodeLowBytes } from '../src/codec/fallback-coder.js';
import { createPixelBuffer, type PixelBuffer } from '../src/image/pixel-buffer.js';
import { readImage } from '../src/image/read-image.js';
import { writeImage } from '../src/image/write-image.js';
import { defaultModel, loadModel, type LoadedModel } from '../src/zoo/index.js';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function load(file: string): Promise<PixelBuffer> {
  return readImage(readFileSync(file));
}

function sixteen(width: number, height: number, f: (i: number) => number): PixelBuffer {
  return createPixelBuffer({ width, height, channels: 3, bitDepth: 16, data: Uint16Array.from({ length: width * height * 3 }, (_, i) => f(i)) });
}

/** The audit's variants of an 8-bit RGB image. */
function kodakVariants(image: PixelBuffer): [string, PixelBuffer][] {
  const data = image.data as Uint8Array;
  let seed = 12345;
  const noise = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 16) & 15;
  };
  const { width, height } = image;
  return [
    ['x257', sixteen(width, height, (i) => data[i]! * 257)],
    ['x256', sixteen(width, height, (i) => data[i]! * 256)],
    ['x257+4 noisy low bits', sixteen(width, height, (i) => (data[i]! * 257) ^ noise())],
  ];
}

/** Weights of the 8-tap tent filter of a 4x downscale (sum 32). */
const TENT = [1, 3, 5, 7, 7, 5, 3, 1];

/**
 * A 4x downscale of an 8-bit RGB image into 16-bit samples with a separable 8-tap tent filter (edges clamped): the
 * weighted sum (0..255 * 1024) scaled to 0..65535, so the values are dense (a box filter's 4081 levels are not).
 */
function downscale16(image: PixelBuffer): PixelBuffer {
  const data = image.data as Uint8Array;
  const width = Math.floor(image.width / 4);
  const height = Math.floor(image.height / 4);
  const at = (v: number, size: number): number => Math.min(size - 1, Math.max(0, v));
  return sixteen(width, height, (i) => {
    const c = i % 3;
    const x = Math.floor(i / 3) % width;
    const y = Math.floor(i / 3 / width);
    let sum = 0;
    for (let dy = 0; dy < 8; dy++) {
      const row = at(4 * y + dy - 2, image.height) * image.width;
      for (let dx = 0; dx < 8; dx++) sum += TENT[dy]! * TENT[dx]! * data[(row + at(4 * x + dx - 2, image.width)) * 3 + c]!;
    }
    return Math.round((sum * 65535) / (255 * 1024));
  });
}

/** The downscaled photo as 16-bit, as 12-bit zero fill and as 10-bit bit replication. */
function photoVariants(pixels: PixelBuffer): [string, PixelBuffer][] {
  const data = pixels.data as Uint16Array;
  const { width, height } = pixels;
  return [
    ['16-bit', pixels],
    ['12-bit zero fill', sixteen(width, height, (i) => data[i]! & 0xfff0)],
    ['10-bit replicated', sixteen(width, height, (i) => {
      const v = data[i]! >>> 6;
      return (v << 6) | (v >> 4);
    })],
  ];
}

function cjxlBits(png: Uint8Array, folder: string, samples: number): number | null {
  const input = path.join(folder, 'in.png');
  const output = path.join(folder, 'out.jxl');
  writeFileSync(input, png);
  const run = spawnSync('cjxl', [input, output, '-d', '0', '-e', '7', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (run.error || run.status !== 0) return null;
  return (readFileSync(output).length * 8) / samples;
}

async function measure(name: string, pixels: PixelBuffer, model: LoadedModel | null, folder: string): Promise<Record<string, unknown>> {
  const samples = pixels.width * pixels.height * pixels.channels;
  const started = performance.now();
  const result = await compress(pixels, { model, threads: 1 });
  const seconds = (performance.now() - started) / 1000;
  const back = await decompress(result.bytes, { resolveModel: async () => model! });
  if (!Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength).equals(Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength))) {
    throw new Error(`${name}: idfz round trip is not exact`);
  }
  const png = await writeImage(pixels, 'png', 'max');
  const r = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
  return {
    name, size: `${pixels.width}x${pixels.height}`, idfz: r((result.bytes.length * 8) / samples), learnedTiles: result.learnedTiles,
    tiles: result.tiles, seconds: r(seconds), png: r((png.length * 8) / samples), jxl: r(cjxlBits(png, folder, samples)),
  };
}

/** Whole-16-bit fallback against high bytes (8-bit fallback) + low bytes given them, over 128x128 tiles. */
function splitExperiment(pixels: PixelBuffer): { whole: number; split: number } {
  const data = pixels.data as Uint16Array;
  let whole = 0;
  let split = 0;
  for (let top = 0; top < pixels.height; top += 128) {
    for (let left = 0; left < pixels.width; left += 128) {
      const w = Math.min(128, pixels.width - left);
      const h = Math.min(128, pixels.height - top);
      const tile = new Uint16Array(w * h * 3);
      for (let y = 0; y < h; y++) tile.set(data.subarray(((top + y) * pixels.width + left) * 3, ((top + y) * pixels.width + left + w) * 3), y * w * 3);
      whole += encodeFallback(tile, w, h, 3).length;
      split += encodeFallback(Uint8Array.from(tile, (v) => v >>> 8), w, h, 3).length + encodeLowBytes(tile, w, h, 3).length;
    }
  }
  return { whole, split };
}

const folder = mkdtempSync(path.join(tmpdir(), 'idfz-sixteen-'));
try {
  const record = process.argv.includes('--no-model') ? null : await defaultModel(3);
  const model = record ? await loadModel(record) : null;
  const print = (row: Record<string, unknown>): void => console.log(JSON.stringify(row));
  for (const name of (arg('--kodak') ?? 'kodim23').split(',').filter(Boolean)) {
    const image = await load(path.join(DATA, 'kodak', `${name}.png`));
    print(await measure(`${name} 8-bit`, image, model, folder));
    for (const [variant, pixels] of kodakVariants(image)) print(await measure(`${name} ${variant}`, pixels, model, folder));
  }
  for (const name of (arg('--photos') ?? '').split(',').filter(Boolean)) {
    for (const [variant, pixels] of photoVariants(downscale16(await load(path.join(DATA, 'photos-train', `${name}.png`))))) {
      const row = await measure(`${name} /4 ${variant}`, pixels, model, folder);
      if (process.argv.includes('--split') && variant === '16-bit') {
        const { whole, split } = splitExperiment(pixels);
        const samples = pixels.width * pixels.height * 3;
        row.fallbackWhole16 = Math.round((whole * 8000) / samples) / 1000;
        row.fallbackHighThenLow = Math.round((split * 8000) / samples) / 1000;
      }
      print(row);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
