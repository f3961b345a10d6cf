/**
 * A test double for the learned model: a LearnedTileCoder that "knows" one pseudo-random texture (a hash of each
 * sample's position in its tile) and codes every sample under a logistic centred on it. Texture tiles cost it
 * almost nothing while the fallback coder sees noise; anything else costs it far more than the fallback. So codec
 * tests can make the learned path win on chosen tiles and lose on others, before a trained model exists. Its model
 * file is JSON: { channels, sizeMultiple, scaleIndex }.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelError } from '../../src/core/errors.js';
import { sha256Hex } from '../../src/core/sha256.js';
import type { Engine } from '../../src/engine/index.js';
import { RansDecoder, RansEncoder, intervalCodeLengthBits, logisticInterval } from '../../src/entropy/index.js';
import type { LearnedCoderFactoryRef, LearnedTileCoder } from '../../src/codec/index.js';

/** The texture sample at (x, y, c) of a tile: 0..255. */
export function texture(x: number, y: number, c: number): number {
  let h = (Math.imul(x, 73856093) ^ Math.imul(y, 19349663) ^ Math.imul(c + 1, 83492791)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 24;
}

/** What the double's model file holds. */
export interface TextureModel {
  channels: 1 | 3;
  sizeMultiple: number;
  scaleIndex: number;
}

/** Where workers find the double. */
export const TEXTURE_CODER: LearnedCoderFactoryRef = { moduleUrl: import.meta.url, exportName: 'createTextureTileCoder' };

/** The LearnedCoderFactory of the double (the engine is not needed). */
export function createTextureTileCoder(modelBytes: Uint8Array, source: string, _engine: Engine): LearnedTileCoder {
  let model: TextureModel;
  try {
    model = JSON.parse(new TextDecoder().decode(modelBytes)) as TextureModel;
  } catch {
    throw new ModelError(`${source}: not a texture test model`);
  }
  const { channels, sizeMultiple, scaleIndex } = model;
  const params = (width: number, height: number): { mus: Int32Array; scales: Uint16Array } => {
    const mus = new Int32Array(width * height * channels);
    for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) mus[i++] = texture(x, y, c) * 256;
    return { mus, scales: new Uint16Array(mus.length).fill(scaleIndex) };
  };
  return {
    channels,
    sizeMultiple,
    encodeTile(pixels, width, height) {
      const { mus, scales } = params(width, height);
      const encoder = new RansEncoder();
      encoder.encodeLogistic(Int32Array.from(pixels), mus, scales);
      return encoder.finish();
    },
    decodeTile(stream, width, height) {
      const { mus, scales } = params(width, height);
      const values = new Int32Array(mus.length);
      const decoder = new RansDecoder(stream);
      decoder.decodeLogistic(values, mus, scales);
      decoder.finish();
      return Uint8Array.from(values, (v) => v & 0xff);
    },
    estimateBits(pixels, width, height) {
      const { mus, scales } = params(width, height);
      let bits = 0;
      for (let i = 0; i < pixels.length; i++) bits += intervalCodeLengthBits(logisticInterval(pixels[i]!, mus[i]!, scales[i]!));
      return bits;
    },
  };
}

/** An image whose tiles (of `tile` pixels) alternate: texture tiles (even tile index) and smooth gradients. */
export function textureCheckerboard(width: number, height: number, channels: number, tile: number): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  const across = Math.ceil(width / tile);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const index = Math.floor(y / tile) * across + Math.floor(x / tile);
      for (let c = 0; c < channels; c++) {
        data[(y * width + x) * channels + c] = index % 2 === 0 ? texture(x % tile, y % tile, c) : (x + 2 * y + 40 * c) & 0xff;
      }
    }
  }
  return data;
}

/** Writes a model folder `root/id` for the double and returns its path. */
export function writeTextureModel(root: string, id: string, numericId: number, model: TextureModel): string {
  const folder = path.join(root, id);
  mkdirSync(folder, { recursive: true });
  const bytes = new TextEncoder().encode(JSON.stringify(model));
  writeFileSync(path.join(folder, 'texture.json'), bytes);
  const manifest = { id, numericId, file: 'texture.json', sha256: sha256Hex(bytes), channels: model.channels, description: 'texture test double' };
  writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify(manifest));
  return folder;
}
