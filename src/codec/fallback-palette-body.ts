/**
 * Fallback mode 9 ("palette"), for groups of at most 256 colours (quantised and dithered images, GIFs, flat
 * graphics): the body is one rANS stream of adaptive bits holding the palette (fallback-palette-table.ts) and then
 * every pixel's index (fallback-palette-model.ts). Layout in src/codec/PAYLOAD.md. Invariant: a decoder given the
 * same geometry rebuilds the samples exactly, or throws CorruptStreamError (the stream's final state and bit hash
 * catch damage).
 */
import { AdaptiveBitCoder } from '../entropy/index.js';
import { codePaletteIndices } from './fallback-palette-model.js';
import { PALETTE_CONTEXTS, codePaletteKeys, findPalette, paletteSamples } from './fallback-palette-table.js';

/**
 * A mode 9 body (without the mode byte), or null when the group holds more than 256 colours or its colours do not
 * fit a palette key (channels x value bits > 48).
 * @param samples width * height * channels values in 0..maxValue
 * @param channels 1..4
 * @param maxValue 1..65535
 */
export function encodePaletteBody(samples: ArrayLike<number>, width: number, height: number, channels: number, maxValue: number): Uint8Array | null {
  const palette = findPalette(samples, width * height, channels, maxValue);
  if (!palette) return null;
  const coder = AdaptiveBitCoder.encoder(PALETTE_CONTEXTS);
  codePaletteKeys(coder, palette.keys, channels, maxValue);
  codePaletteIndices(coder, palette.indices, width, height, palette.keys.length);
  return coder.finish();
}

/**
 * Decodes a mode 9 body into `out` (width * height * channels values).
 * @throws CorruptStreamError when the body is damaged, cut short or does not fit the geometry
 */
export function decodePaletteBody(body: Uint8Array, out: { [i: number]: number }, width: number, height: number, channels: number, maxValue: number): void {
  const coder = AdaptiveBitCoder.decoder(PALETTE_CONTEXTS, body);
  const keys = codePaletteKeys(coder, [], channels, maxValue);
  const indices = new Uint8Array(width * height);
  codePaletteIndices(coder, indices, width, height, keys.length);
  coder.finish();
  paletteSamples(keys, indices, channels, maxValue, out);
}
