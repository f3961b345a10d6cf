/**
 * The contract between the codec (tiles, planes, container, fallback) and a learned model: a LearnedTileCoder turns
 * one tile of 8-bit pixels into a self-contained byte stream and back, bit-exactly on every machine. The IDF
 * implementation (idf-tile-coder.ts) runs the integer engine and the rANS coder; the codec never sees the model's
 * internals and a tile's bytes depend only on its pixels and the model.
 */

/** A learned coder for tiles of one model, ready to use (weights loaded). Not shared between threads. */
export interface LearnedTileCoder {
  /** Channels per pixel the model codes: 1 (grey) or 3 (RGB). */
  readonly channels: number;
  /** Tile width and height must be positive multiples of this. */
  readonly sizeMultiple: number;
  /**
   * Codes one tile.
   * @param pixels width * height * channels bytes, HWC
   * @returns the tile's stream (decoded by decodeTile with the same width and height)
   */
  encodeTile(pixels: Uint8Array, width: number, height: number): Uint8Array;
  /**
   * Decodes one tile.
   * @throws CorruptStreamError when the stream is damaged (rANS final-state or escape check)
   */
  decodeTile(stream: Uint8Array, width: number, height: number): Uint8Array;
  /** Model bits for a tile without coding it (the model's ideal code length, for estimates and tests). */
  estimateBits(pixels: Uint8Array, width: number, height: number): number;
}
