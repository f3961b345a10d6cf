/**
 * Developer measurement (a test set: report it, never tune on it): codes each Kodak image (../shared/data/kodak)
 * in the product's 128 x 128 tiles with each fallback mode asked for, checks every decode, and prints bits per
 * sub-pixel (fallback streams only, no container) and encode / decode seconds per image on one thread.
 * Usage: node dist/scripts/fallback-kodak.js [--modes 5,8] [--images N] [--repeat N] [--cpu]
 * (--repeat N: the fastest of N passes; --cpu: process CPU seconds instead of wall-clock ones, steadier on a loaded
 * machine)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readImage } from '../src/image/read-image.js';
import { decodeFallback, encodeFallback, type PredictiveMode } from '../src/codec/fallback-coder.js';

const TILE = 128;
const KODAK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data/kodak');

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const modes = option('--modes', '5,8').split(',').map(Number) as PredictiveMode[];
const count = Number(option('--images', '24'));
const repeat = Number(option('--repeat', '1'));
const cpu = args.includes('--cpu');
/** Seconds now: process CPU time with --cpu, else wall-clock time. */
const now = (): number => {
  if (!cpu) return Number(process.hrtime.bigint()) / 1e9;
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};
const images: Awaited<ReturnType<typeof readImage>>[] = [];
for (let k = 1; k <= count; k++) images.push(await readImage(readFileSync(path.join(KODAK, `kodim${String(k).padStart(2, '0')}.png`))));
/** One pass of `mode` over every tile: bytes, samples and encode / decode seconds (all images). */
function codeAll(mode: PredictiveMode): { bytes: number; samples: number; encode: number; decode: number } {
  const total = { bytes: 0, samples: 0, encode: 0, decode: 0 };
  for (const image of images) {
    const data = image.data as Uint8Array;
    for (let top = 0; top < image.height; top += TILE) {
      for (let left = 0; left < image.width; left += TILE) {
        const w = Math.min(TILE, image.width - left);
        const h = Math.min(TILE, image.height - top);
        const tile = new Uint8Array(w * h * 3);
        for (let y = 0; y < h; y++) tile.set(data.subarray(((top + y) * image.width + left) * 3, ((top + y) * image.width + left + w) * 3), y * w * 3);
        const t0 = now();
        const stream = encodeFallback(tile, w, h, 3, mode);
        const t1 = now();
        const back = decodeFallback(stream, w, h, 3, 8);
        const t2 = now();
        if (!Buffer.from(back).equals(tile)) throw new Error(`mode ${mode}: tile at (${left}, ${top}) did not round trip`);
        total.encode += t1 - t0;
        total.decode += t2 - t1;
        total.bytes += stream.length;
        total.samples += tile.length;
      }
    }
  }
  return total;
}

for (const mode of modes) {
  const first = codeAll(mode);
  let { encode, decode } = first;
  for (let pass = 1; pass < repeat; pass++) {
    const next = codeAll(mode);
    encode = Math.min(encode, next.encode);
    decode = Math.min(decode, next.decode);
  }
  const bps = (8 * first.bytes) / first.samples;
  const how = `one thread${cpu ? ', CPU time' : ''}${repeat > 1 ? `, fastest of ${repeat}` : ''}`;
  console.log(`mode ${mode}: Kodak (${images.length} images) ${bps.toFixed(4)} bits/sub-pixel, per image encode ${(encode / images.length).toFixed(3)} s, decode ${(decode / images.length).toFixed(3)} s (${how})`);
}
