/**
 * Small real images for the bench tests: crops of a Kodak photograph (RGB) and of a USC-SIPI texture (grey) from
 * the shared data beside the checkout, plus the 1x1 edge case. Crops keep the tests fast while the pixels stay real.
 */
import path from 'node:path';
import { readImageFile } from '../../src/data/image-files.js';
import type { BenchImage } from '../../src/bench/bench-codec.js';
import { SHARED_DATA } from '../helpers/paths.js';

/** The window (x0, y0, width, height) of an image file, as a BenchImage named `<file>@x0,y0`. */
export async function cropOf(file: string, x0: number, y0: number, width: number, height: number): Promise<BenchImage> {
  const image = await readImageFile(file);
  const C = image.channels;
  const data = new Uint8Array(width * height * C);
  for (let y = 0; y < height; y++) {
    const from = ((y0 + y) * image.width + x0) * C;
    data.set(image.data.subarray(from, from + width * C), y * width * C);
  }
  return { name: `${path.basename(file)}@${x0},${y0}`, width, height, channels: C, data };
}

/** A Kodak photograph (RGB, 768x512). */
export const KODAK_FILE = path.join(SHARED_DATA, 'kodak', 'kodim23.png');
/** A grey texture (256x256). */
export const GREY_FILE = path.join(SHARED_DATA, 'usc-sipi-misc', '5.1.09.png');

/** RGB 33x17, RGB 32x32, grey 20x31 and RGB 1x1 crops of real images. */
export async function sampleImages(): Promise<BenchImage[]> {
  return [
    await cropOf(KODAK_FILE, 300, 200, 33, 17),
    await cropOf(KODAK_FILE, 100, 40, 32, 32),
    await cropOf(GREY_FILE, 60, 90, 20, 31),
    await cropOf(KODAK_FILE, 5, 7, 1, 1),
  ];
}
