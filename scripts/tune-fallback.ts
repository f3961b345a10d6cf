/**
 * Developer harness for tuning the fallback coder on TRAINING photos only (never Kodak): codes a fixed set of
 * 128x128 RGB tiles (the product's tile size) cut from ../shared/data/photos-train (every third image) and the
 * colour images of ../shared/data/usc-sipi-misc, with each mode asked for, and prints bits per sub-pixel and encode
 * time. The tile set is fixed (same positions every run), so runs compare; it is cached in /tmp after the first run.
 * Usage: node dist/scripts/tune-fallback.js [--modes 4,5] [--every N] [--verify] (--every N: every Nth tile only, a
 * cheaper subset for exploring; confirm on the full set)
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../src/image/read-image.js';
import { decodeFallback, encodeFallback, type PredictiveMode } from '../src/codec/fallback-coder.js';

const TILE = 128;
const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const CACHE = '/tmp/idfz-tune-fallback-tiles-v1.bin';
/** Tile corners per image, as fractions of the free width and height. */
const SPOTS = [[0.15, 0.2], [0.7, 0.3], [0.35, 0.75], [0.9, 0.85]] as const;

async function sourceFiles(): Promise<string[]> {
  const photos = readdirSync(path.join(DATA, 'photos-train')).filter((f) => f.endsWith('.png')).sort()
    .filter((_, i) => i % 3 === 0).map((f) => path.join(DATA, 'photos-train', f));
  const misc = readdirSync(path.join(DATA, 'usc-sipi-misc')).filter((f) => /^4\.[12]\.\d+\.png$/.test(f)).sort()
    .map((f) => path.join(DATA, 'usc-sipi-misc', f));
  return [...photos, ...misc];
}

async function tiles(): Promise<Uint8Array[]> {
  const size = TILE * TILE * 3;
  if (existsSync(CACHE)) {
    const all = readFileSync(CACHE);
    return Array.from({ length: all.length / size }, (_, k) => new Uint8Array(all.subarray(k * size, (k + 1) * size)));
  }
  const out: Uint8Array[] = [];
  for (const file of await sourceFiles()) {
    const image = await readImage(readFileSync(file));
    if (image.channels !== 3 || image.bitDepth !== 8) continue;
    for (const [fx, fy] of SPOTS) {
      const left = Math.floor(fx * (image.width - TILE));
      const top = Math.floor(fy * (image.height - TILE));
      const tile = new Uint8Array(size);
      for (let y = 0; y < TILE; y++) {
        const from = ((top + y) * image.width + left) * 3;
        tile.set(image.data.subarray(from, from + TILE * 3), y * TILE * 3);
      }
      out.push(tile);
    }
  }
  writeFileSync(CACHE, Buffer.concat(out));
  return out;
}

const args = process.argv.slice(2);
const modesAt = args.indexOf('--modes');
const modes = (modesAt >= 0 ? args[modesAt + 1]! : '4').split(',').map(Number) as PredictiveMode[];
const verify = args.includes('--verify');
const everyAt = args.indexOf('--every');
const every = everyAt >= 0 ? Number(args[everyAt + 1]) : 1;
if (!Number.isInteger(every) || every < 1) throw new Error(`--every takes a whole number >= 1, not ${args[everyAt + 1]}`);
const set = (await tiles()).filter((_, k) => k % every === 0);
for (const mode of modes) {
  let bytes = 0;
  const started = process.hrtime.bigint();
  for (const tile of set) {
    const stream = encodeFallback(tile, TILE, TILE, 3, mode);
    bytes += stream.length;
    if (verify && !Buffer.from(decodeFallback(stream, TILE, TILE, 3, 8)).equals(tile)) throw new Error(`mode ${mode}: round trip failed`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const bps = (8 * bytes) / (set.length * TILE * TILE * 3);
  console.log(`mode ${mode}: ${bps.toFixed(4)} bits/sub-pixel on ${set.length} training tiles, ${seconds.toFixed(2)} s`);
}
