/**
 * The contract between the codec (tiles, planes, container, fallback) and a learned model: a LearnedTileCoder turns
 * one tile of 8-bit pixels into a self-contained byte stream and back, bit-exactly on every machine. The IDF
 * implementation (idf-tile-coder.ts) runs the integer engine and the rANS coder; the codec never sees the model's
 * internals and a tile's bytes depend only on its pixels, the model and the format version.
 */
import type { IdfFormatVersion } from '../container/index.js';

/** A learned coder for tiles of one model, ready to use (weights loaded). Not shared between threads. */
export interface LearnedTileCoder {
  /** Channels per pixel the model codes: 1 (grey) or 3 (RGB). */
  readonly channels: number;
  /** Tile width and height must be positive multiples of this. */
  readonly sizeMultiple: number;
  /**
   * Codes one tile.
   * @param pixels width * height * channels bytes, HWC
   * @param formatVersion the .idf format version to code it in (default the container's IDF_FORMAT_VERSION)
   * @returns the tile's stream (decoded by decodeTile with the same width, height and version)
   */
  encodeTile(pixels: Uint8Array, width: number, height: number, formatVersion?: IdfFormatVersion): Uint8Array;
  /**
   * Decodes one tile.
   * @param formatVersion the .idf format version it was coded in (default the container's IDF_FORMAT_VERSION)
   * @throws CorruptStreamError when the stream is damaged (rANS final-state or escape check)
   */
  decodeTile(stream: Uint8Array, width: number, height: number, formatVersion?: IdfFormatVersion): Uint8Array;
  /** Model bits for a tile without coding it (the model's ideal code length, for estimates and tests). */
  estimateBits(pixels: Uint8Array, width: number, height: number): number;
}
