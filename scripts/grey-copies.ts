/**
 * Writes a greyscale PNG copy of every PNG in a folder (sharp's greyscale: Rec. 709 luma of the sRGB samples,
 * rounded to 8 bits), for benchmarking grey images on the same scenes as the colour ones:
 * `node dist/scripts/grey-copies.js ../shared/data/kodak /tmp/kodak-grey` then
 * `npx idfz bench --dataset folder --data /tmp/kodak-grey ...`. Deterministic for a given sharp/libvips version.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

async function main(): Promise<void> {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    process.stderr.write('usage: node dist/scripts/grey-copies.js FROM_FOLDER TO_FOLDER\n');
    process.exit(2);
  }
  const names = readdirSync(from).filter((name) => name.toLowerCase().endsWith('.png')).sort();
  if (names.length === 0) {
    process.stderr.write(`grey-copies: ${from} holds no .png files\n`);
    process.exit(1);
  }
  mkdirSync(to, { recursive: true });
  for (const name of names) {
    await sharp(path.join(from, name)).removeAlpha().greyscale().toColourspace('b-w').png().toFile(path.join(to, name));
  }
  process.stderr.write(`grey-copies: ${names.length} grey images in ${to}\n`);
}

await main();
