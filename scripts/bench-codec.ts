/**
 * Benchmark of the codec (issue 5): on Kodak images, compress and decompress seconds and bits per sub-pixel with
 * the chosen model and with the fallback coder alone (every round trip checked exact); byte-identical files for
 * 1 vs N threads and wasm vs reference kernels on a crop; and the peak RSS of `idfz compress` on a 4096 x 4096 PNG
 * (Kodak images tiled), measured in a child process. Prints one JSON object.
 * Usage: npm run -s bench:codec -- [--model ID|PATH] [--images N] [--threads N] [--huge-size S] [--skip-huge]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compress, decompress, defaultThreads, type CompressOptions } from '../src/codec/index.js';
import { createPixelBuffer, type PixelBuffer } from '../src/image/pixel-buffer.js';
import { readImage } from '../src/image/read-image.js';
import { writeImage } from '../src/image/write-image.js';
import { defaultModel, loadModel, resolveModel, type LoadedModel } from '../src/zoo/index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KODAK = path.resolve(REPO_ROOT, '../shared/data/kodak');

interface Options {
  model?: string;
  images: number;
  threads: number;
  hugeSize: number;
  skipHuge: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { images: 4, threads: defaultThreads(), hugeSize: 4096, skipHuge: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const count = (): number => {
      const parsed = Number(argv[++i]);
      if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`Expected a positive integer after ${arg}`);
      return parsed;
    };
    if (arg === '--model') options.model = argv[++i];
    else if (arg === '--images') options.images = Math.min(24, count());
    else if (arg === '--threads') options.threads = count();
    else if (arg === '--huge-size') options.hugeSize = count();
    else if (arg === '--skip-huge') options.skipHuge = true;
    else throw new Error(`Unknown option ${arg} (expected --model ID|PATH, --images N, --threads N, --huge-size S, --skip-huge)`);
  }
  return options;
}

function round(value: number, digits = 4): number {
  return Number(value.toFixed(digits));
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Compresses and decompresses one image; throws unless the round trip is exact. */
async function roundTrip(pixels: PixelBuffer, options: CompressOptions, model: LoadedModel | null) {
  const started = performance.now();
  const result = await compress(pixels, options);
  const compressed = performance.now();
  const back = await decompress(result.bytes, { threads: options.threads, resolveModel: async () => model! });
  const decompressSeconds = (performance.now() - compressed) / 1000;
  if (Buffer.compare(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength), Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength)) !== 0) {
    throw new Error('round trip is not exact');
  }
  const measured = {
    bytes: result.bytes.length,
    bitsPerSubPixel: round((result.bytes.length * 8) / pixels.data.length),
    compressSeconds: round((compressed - started) / 1000, 3),
    decompressSeconds: round(decompressSeconds, 3),
    learnedTiles: result.learnedTiles,
    tiles: result.tiles,
  };
  return { measured, file: result.bytes };
}

/** The top-left size x size crop of an 8-bit image. */
function crop(pixels: PixelBuffer, size: number): PixelBuffer {
  const data = new Uint8Array(size * size * pixels.channels);
  for (let y = 0; y < size; y++) data.set((pixels.data as Uint8Array).subarray(y * pixels.width * pixels.channels, (y * pixels.width + size) * pixels.channels), y * size * pixels.channels);
  return createPixelBuffer({ width: size, height: size, channels: pixels.channels, bitDepth: 8, data });
}

/**
 * Writes a size x size RGB PNG made of 512 x 512 blocks cut from the Kodak images at a different place each time
 * (so that no block repeats and PNG cannot profit from copies).
 */
async function writeHugePng(file: string, size: number, kodak: readonly PixelBuffer[]): Promise<void> {
  const data = new Uint8Array(size * size * 3);
  const across = Math.ceil(size / 512);
  for (let by = 0; by * 512 < size; by++) {
    for (let bx = 0; bx < across; bx++) {
      const block = by * across + bx;
      const image = kodak[block % kodak.length]!;
      const x0 = (block * 37) % (image.width - 511);
      const y0 = (block * 23) % (image.height - 511);
      const width = Math.min(512, size - bx * 512);
      for (let row = 0; row < 512 && by * 512 + row < size; row++) {
        const from = ((y0 + row) * image.width + x0) * 3;
        data.set((image.data as Uint8Array).subarray(from, from + width * 3), ((by * 512 + row) * size + bx * 512) * 3);
      }
    }
  }
  writeFileSync(file, await writeImage(createPixelBuffer({ width: size, height: size, channels: 3, bitDepth: 8, data }), 'png'));
}

/**
 * Runs `idfz compress` on `input` in a child process (a module written to `folder`, so that worker threads start
 * with plain node flags) and returns its summary and peak resident memory.
 */
function compressInChild(folder: string, input: string, output: string, options: Options) {
  const main = pathToFileURL(path.join(REPO_ROOT, 'dist/src/cli/main.js')).href;
  const args = ['-q', 'compress', input, '-o', output, '--threads', String(options.threads), '--json', ...(options.model ? ['--model', options.model] : [])];
  const script = path.join(folder, 'compress-child.mjs');
  writeFileSync(script, `const { main } = await import(${JSON.stringify(main)});\nconst code = await main(['node', 'idfz', ...${JSON.stringify(args)}]);\n` +
    'process.stderr.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }) + "\\n");\nprocess.exitCode = code;\n');
  const child = spawnSync(process.execPath, [script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(`idfz compress failed in the child process: ${child.stderr}`);
  const summary = JSON.parse(child.stdout.trim()) as { bytes: number; bitsPerDim: number; seconds: number; model: string | null; tiles: number; learnedTiles: number };
  const rss = JSON.parse(child.stderr.trim().split('\n').pop()!) as { maxRssKiB: number };
  const { bytes, bitsPerDim, seconds, model, tiles, learnedTiles } = summary;
  return { bytes, bitsPerSubPixel: round(bitsPerDim), seconds, model, tiles, learnedTiles, peakRssMiB: round(rss.maxRssKiB / 1024, 1) };
}

async function run(options: Options): Promise<Record<string, unknown>> {
  const names = Array.from({ length: options.images }, (_, i) => `kodim${String(i + 1).padStart(2, '0')}.png`);
  const kodak = await Promise.all(names.map(async (name) => readImage(readFileSync(path.join(KODAK, name)))));
  const record = options.model ? await resolveModel(options.model) : await defaultModel(3);
  const model = record ? await loadModel(record) : null;
  const base: CompressOptions = { model, threads: options.threads };
  type Row = { image: string } & Awaited<ReturnType<typeof roundTrip>>['measured'];
  const withModel: Row[] = [];
  const fallbackOnly: Row[] = [];
  for (let i = 0; i < kodak.length; i++) {
    withModel.push({ image: names[i]!, ...(await roundTrip(kodak[i]!, base, model)).measured });
    if (model) fallbackOnly.push({ image: names[i]!, ...(await roundTrip(kodak[i]!, { threads: options.threads }, null)).measured });
  }
  const sample = crop(kodak[0]!, 256);
  const one = await roundTrip(sample, { ...base, threads: 1 }, model);
  const many = await roundTrip(sample, { ...base, threads: Math.max(2, options.threads) }, model);
  const reference = await roundTrip(sample, { ...base, threads: 1, kernel: 'reference' }, model);
  const summarise = (rows: readonly Row[]) => ({
    bitsPerSubPixel: round(mean(rows.map((r) => r.bitsPerSubPixel))),
    compressSeconds: round(mean(rows.map((r) => r.compressSeconds)), 3),
    decompressSeconds: round(mean(rows.map((r) => r.decompressSeconds)), 3),
  });
  let huge: Record<string, unknown> | null = null;
  if (!options.skipHuge) {
    const folder = mkdtempSync(path.join(tmpdir(), 'idfz-bench-codec-'));
    try {
      const input = path.join(folder, 'huge.png');
      await writeHugePng(input, options.hugeSize, kodak);
      huge = { width: options.hugeSize, height: options.hugeSize, pngBytes: statSync(input).size, ...compressInChild(folder, input, path.join(folder, 'huge.idf'), options) };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
  return {
    model: model ? { id: model.record.id, numericId: model.record.numericId } : null,
    threads: options.threads,
    kodak: { images: withModel, mean: summarise(withModel) },
    ...(model ? { fallbackOnly: { images: fallbackOnly, mean: summarise(fallbackOnly) } } : {}),
    identicalFiles: {
      crop: '256 x 256 of kodim01',
      threads: Buffer.compare(Buffer.from(one.file), Buffer.from(many.file)) === 0,
      kernels: Buffer.compare(Buffer.from(one.file), Buffer.from(reference.file)) === 0,
    },
    huge,
  };
}

const options = parseOptions(process.argv.slice(2));
process.stdout.write(`${JSON.stringify(await run(options), null, 2)}\n`);
