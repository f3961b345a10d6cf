/**
 * Developer measurement (a test set: report it, never tune on it): codes each Kodak image (../shared/data/kodak)
 * in the product's 128 x 128 tiles with each fallback mode asked for, checks every decode, and prints bits per
 * sub-pixel (fallback streams only, no container) and encode / decode seconds per image on one thread.
 * Usage: node dist/scripts/fallback-kodak.js [--modes 4,5] [--images N]
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
const modes = option('--modes', '4,5').split(',').map(Number) as PredictiveMode[];
const count = Number(option('--images', '24'));
const images = [];
for (let k = 1; k <= count; k++) images.push(await readImage(readFileSync(path.join(KODAK, `kodim${String(k).padStart(2, '0')}.png`))));
for (const mode of modes) {
  let bytes = 0;
  let samples = 0;
  let encodeSeconds = 0;
  let decodeSeconds = 0;
  for (const image of images) {
    const data = image.data as Uint8Array;
    for (let top = 0; top < image.height; top += TILE) {
      for (let left = 0; left < image.width; left += TILE) {
        const w = Math.min(TILE, image.width - left);
        const h = Math.min(TILE, image.height - top);
        const tile = new Uint8Array(w * h * 3);
        for (let y = 0; y < h; y++) tile.set(data.subarray(((top + y) * image.width + left) * 3, ((top + y) * image.width + left + w) * 3), y * w * 3);
        const t0 = process.hrtime.bigint();
        const stream = encodeFallback(tile, w, h, 3, mode);
        const t1 = process.hrtime.bigint();
        const back = decodeFallback(stream, w, h, 3, 8);
        const t2 = process.hrtime.bigint();
        if (!Buffer.from(back).equals(tile)) throw new Error(`mode ${mode}: tile at (${left}, ${top}) did not round trip`);
        encodeSeconds += Number(t1 - t0) / 1e9;
        decodeSeconds += Number(t2 - t1) / 1e9;
        bytes += stream.length;
        samples += tile.length;
      }
    }
  }
  const bps = (8 * bytes) / samples;
  console.log(`mode ${mode}: Kodak (${images.length} images) ${bps.toFixed(4)} bits/sub-pixel, per image encode ${(encodeSeconds / images.length).toFixed(3)} s, decode ${(decodeSeconds / images.length).toFixed(3)} s (one thread)`);
}
