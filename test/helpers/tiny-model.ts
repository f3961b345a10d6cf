/**
 * A small exported integer IDF for tests: the `tiny` preset with every float weight perturbed (so couplings
 * translate and priors vary, unlike a fresh initialisation), calibrated on smooth synthetic images.
 */
import { idfPreset } from '../../src/arch/idf-presets.js';
import { idfParams } from '../../src/arch/idf-params.js';
import { initialParams } from '../../src/train/param-init.js';
import { exportIdf } from '../../src/train/export-idf.js';
import { startBackend } from '../../src/train/backend.js';
import { Random } from '../../src/core/random.js';
import type { IntegerIdfModel } from '../../src/engine/integer-idf-model.js';

/** `count` smooth, textured RGB images of size x size (HWC, image after image). */
export function syntheticImages(count: number, size: number, seed: number): Uint8Array {
  const random = new Random(seed);
  const data = new Uint8Array(count * size * size * 3);
  for (let n = 0; n < count; n++) {
    const base = random.nextInt(256);
    for (let i = 0; i < size * size; i++) {
      for (let c = 0; c < 3; c++) {
        const value = base + ((i % size) - Math.floor(i / size)) * 2 + c * 9 + random.nextInt(30) - 15;
        data[(n * size * size + i) * 3 + c] = Math.max(0, Math.min(255, value));
      }
    }
  }
  return data;
}

/** The tiny test model for `seed` (2 levels, so tiles must be multiples of 4). */
export async function tinyIntegerModel(seed: number): Promise<IntegerIdfModel> {
  await startBackend('wasm');
  const spec = idfPreset('tiny', 3, seed);
  const params = initialParams(idfParams(spec), seed);
  const random = new Random(seed + 1);
  for (let i = 0; i < params.length; i++) params[i]! += random.nextNormal() * 0.05;
  return exportIdf(spec, params, { count: 8, height: 16, width: 16, channels: 3, images: syntheticImages(8, 16, 9) });
}
