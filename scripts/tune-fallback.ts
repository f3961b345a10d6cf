/**
 * Developer harness for tuning the fallback coder on TRAINING photos only (never Kodak): codes a fixed set of
 * 128x128 RGB tiles (the product's tile size) cut from ../shared/data/photos-train (every third image) and the
 * colour images of ../shared/data/usc-sipi-misc, with each mode asked for, and prints bits per sub-pixel and encode
 * time. The tile set is fixed (same positions every run), so runs compare; it is cached in /tmp after the first run.
 * --photocd passes each source image through a PhotoCD-like pipeline first (see photoCd below), meant as a proxy for
 * Kodak's scanned look built without Kodak; that set is cached separately. It did not reproduce Kodak's loss to
 * JPEG-XL (mode 5 beats cjxl -d 0 -e 9 on it by more than on the plain set), so it is not a Kodak stand-in.
 * Usage: node dist/scripts/tune-fallback.js [--modes 5,8] [--every N] [--photocd] [--verify] (--every N: every Nth
 * tile only, a cheaper subset for exploring; confirm on the full set)
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../src/image/read-image.js';
import { decodeFallback, encodeFallback, type PredictiveMode } from '../src/codec/fallback-coder.js';

const TILE = 128;
const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const PLAIN_CACHE = '/tmp/idfz-tune-fallback-tiles-v1.bin';
const PHOTOCD_CACHE = '/tmp/idfz-tune-fallback-tiles-photocd-v1.bin';
/** Tile corners per image, as fractions of the free width and height. */
const SPOTS = [[0.15, 0.2], [0.7, 0.3], [0.35, 0.75], [0.9, 0.85]] as const;

async function sourceFiles(): Promise<string[]> {
  const photos = readdirSync(path.join(DATA, 'photos-train')).filter((f) => f.endsWith('.png')).sort()
    .filter((_, i) => i % 3 === 0).map((f) => path.join(DATA, 'photos-train', f));
  const misc = readdirSync(path.join(DATA, 'usc-sipi-misc')).filter((f) => /^4\.[12]\.\d+\.png$/.test(f)).sort()
    .map((f) => path.join(DATA, 'usc-sipi-misc', f));
  return [...photos, ...misc];
}

/**
 * Returns a PhotoCD-like copy of an 8-bit RGB image: PhotoCD keeps luma at full resolution and its two chroma planes
 * subsampled 2:1 both ways, so decoded RGB has interpolated chroma (as Kodak's images do). Here: RGB to BT.601 YCbCr
 * (doubles), each chroma plane averaged over 2x2 boxes (a lone last row or column over what it has), upsampled
 * bilinearly (box centres at odd half-pixels, edges clamped), back to RGB, rounded and clamped to 0..255. Luma is
 * kept exactly, so only the chroma detail goes.
 */
function photoCd(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  const luma = new Float64Array(n);
  const cb = new Float64Array(n);
  const cr = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    const r = rgb[3 * p]!;
    const g = rgb[3 * p + 1]!;
    const b = rgb[3 * p + 2]!;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    luma[p] = y;
    cb[p] = (b - y) / 1.772;
    cr[p] = (r - y) / 1.402;
  }
  const hw = Math.ceil(width / 2);
  const hh = Math.ceil(height / 2);
  /** 2x2 box means of a chroma plane. */
  const down = (plane: Float64Array): Float64Array => {
    const out = new Float64Array(hw * hh);
    for (let j = 0; j < hh; j++) {
      for (let i = 0; i < hw; i++) {
        let sum = 0;
        let count = 0;
        for (let y = 2 * j; y < Math.min(2 * j + 2, height); y++) {
          for (let x = 2 * i; x < Math.min(2 * i + 2, width); x++) {
            sum += plane[y * width + x]!;
            count++;
          }
        }
        out[j * hw + i] = sum / count;
      }
    }
    return out;
  };
  /** Bilinear value of a half-size plane at full-resolution pixel (x, y): box (i, j) is centred at (2i + 0.5, 2j + 0.5). */
  const up = (half: Float64Array, x: number, y: number): number => {
    const fx = Math.min(Math.max((x - 0.5) / 2, 0), hw - 1);
    const fy = Math.min(Math.max((y - 0.5) / 2, 0), hh - 1);
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const x1 = Math.min(x0 + 1, hw - 1);
    const y1 = Math.min(y0 + 1, hh - 1);
    const tx = fx - x0;
    const ty = fy - y0;
    const top = half[y0 * hw + x0]! * (1 - tx) + half[y0 * hw + x1]! * tx;
    const bottom = half[y1 * hw + x0]! * (1 - tx) + half[y1 * hw + x1]! * tx;
    return top * (1 - ty) + bottom * ty;
  };
  const cbHalf = down(cb);
  const crHalf = down(cr);
  const out = new Uint8Array(n * 3);
  const byte = (v: number): number => Math.min(255, Math.max(0, Math.round(v)));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const l = luma[p]!;
      const u = up(cbHalf, x, y);
      const v = up(crHalf, x, y);
      out[3 * p] = byte(l + 1.402 * v);
      out[3 * p + 1] = byte(l - 0.344136 * u - 0.714136 * v);
      out[3 * p + 2] = byte(l + 1.772 * u);
    }
  }
  return out;
}

async function tiles(photocd: boolean): Promise<Uint8Array[]> {
  const size = TILE * TILE * 3;
  const cache = photocd ? PHOTOCD_CACHE : PLAIN_CACHE;
  if (existsSync(cache)) {
    const all = readFileSync(cache);
    return Array.from({ length: all.length / size }, (_, k) => new Uint8Array(all.subarray(k * size, (k + 1) * size)));
  }
  const out: Uint8Array[] = [];
  for (const file of await sourceFiles()) {
    const image = await readImage(readFileSync(file));
    if (image.channels !== 3 || image.bitDepth !== 8) continue;
    const data = photocd ? photoCd(image.data as Uint8Array, image.width, image.height) : image.data;
    for (const [fx, fy] of SPOTS) {
      const left = Math.floor(fx * (image.width - TILE));
      const top = Math.floor(fy * (image.height - TILE));
      const tile = new Uint8Array(size);
      for (let y = 0; y < TILE; y++) {
        const from = ((top + y) * image.width + left) * 3;
        tile.set(data.subarray(from, from + TILE * 3), y * TILE * 3);
      }
      out.push(tile);
    }
  }
  writeFileSync(cache, Buffer.concat(out));
  return out;
}

const args = process.argv.slice(2);
const modesAt = args.indexOf('--modes');
const modes = (modesAt >= 0 ? args[modesAt + 1]! : '5,8').split(',').map(Number) as PredictiveMode[];
const verify = args.includes('--verify');
const everyAt = args.indexOf('--every');
const every = everyAt >= 0 ? Number(args[everyAt + 1]) : 1;
if (!Number.isInteger(every) || every < 1) throw new Error(`--every takes a whole number >= 1, not ${args[everyAt + 1]}`);
const set = (await tiles(args.includes('--photocd'))).filter((_, k) => k % every === 0);
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
