/**
 * How an image is cut into tiles: the padded size (the image grown to the learned model's size multiple by
 * replicating its last column and row), the tile size (a multiple of that multiple), and the row-major grid the
 * container's tile table follows. Tiles are cut out of, and put back into, the unpadded image directly, so no
 * padded copy of the image is ever held. Invariant: every tile's width and height are multiples of the layout's
 * size multiple, and the tiles cover the padded image exactly once.
 */
import { InternalError } from '../core/errors.js';
import { MAX_TILE_SIDE } from '../container/index.js';
import type { Samples } from './fallback-coder.js';
import { neighbourRepeats } from './fallback-copy-model.js';
import { fewColours } from './fallback-palette-table.js';

/** Default tile width and height in pixels (rounded up to the model's size multiple). */
export const DEFAULT_TILE_SIZE = 128;
/**
 * Default tile side for synthetic images (screenshots, diagrams: see defaultTileSize). Their tiles go to the copy
 * model (mode 6), whose adaptive contexts and colour memory learn from the whole tile: on eight Rust-doc screenshots
 * and diagrams 128-pixel tiles take 443,086 bytes, 512 323,263, 1024 292,256 and 2048 276,869; 1024 keeps four or more
 * tiles (threads) for screen-sized images.
 */
export const SYNTHETIC_TILE_SIZE = 1024;
/** Largest tile width or height accepted from an option: the container's largest tile side. */
export const MAX_TILE_SIZE = MAX_TILE_SIDE;

/** An image's padding and tile grid. */
export interface TileLayout {
  /** Image width and height in pixels. */
  readonly width: number;
  readonly height: number;
  /** Width and height after padding (multiples of the size multiple, >= width / height). */
  readonly paddedWidth: number;
  readonly paddedHeight: number;
  /** Tile width and height (the last column and row of tiles may be smaller). */
  readonly tileWidth: number;
  readonly tileHeight: number;
  /** Tiles per row and rows of tiles. */
  readonly tilesAcross: number;
  readonly tilesDown: number;
}

/** A tile's size, and the size of its part inside the image (the rest is padding). */
export interface TileShape {
  readonly width: number;
  readonly height: number;
  /** Columns of the tile inside the image, 1..width. */
  readonly insideWidth: number;
  /** Rows of the tile inside the image, 1..height. */
  readonly insideHeight: number;
}

/** A tile's place in the padded image. */
export interface TileRect extends TileShape {
  readonly x: number;
  readonly y: number;
}

/**
 * Plans the padding and tiles of a width x height image.
 * @param sizeMultiple the learned model's size multiple (1 when no learned model codes the image)
 * @param tileSize requested tile side, 1..MAX_TILE_SIZE (rounded up to a multiple of sizeMultiple)
 * @throws InternalError for sizes out of range (callers validate user options first)
 */
export function planTileLayout(width: number, height: number, sizeMultiple: number, tileSize = DEFAULT_TILE_SIZE): TileLayout {
  for (const [name, value, max] of [['width', width, 2 ** 24], ['height', height, 2 ** 24], ['size multiple', sizeMultiple, 4096], ['tile size', tileSize, MAX_TILE_SIZE]] as const) {
    if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new InternalError(`tile layout: ${name} ${value} not in 1..${max}`);
  }
  const paddedWidth = Math.ceil(width / sizeMultiple) * sizeMultiple;
  const paddedHeight = Math.ceil(height / sizeMultiple) * sizeMultiple;
  const side = Math.ceil(tileSize / sizeMultiple) * sizeMultiple;
  if (side > MAX_TILE_SIDE) throw new InternalError(`tile layout: tiles of ${side} pixels exceed ${MAX_TILE_SIDE} (size multiple ${sizeMultiple})`);
  const tileWidth = Math.min(side, paddedWidth);
  const tileHeight = Math.min(side, paddedHeight);
  return {
    width, height, paddedWidth, paddedHeight, tileWidth, tileHeight,
    tilesAcross: Math.ceil(paddedWidth / tileWidth),
    tilesDown: Math.ceil(paddedHeight / tileHeight),
  };
}

/** The rectangle of tile `index` (row-major) in the padded image. */
export function tileRect(layout: TileLayout, index: number): TileRect {
  const x = (index % layout.tilesAcross) * layout.tileWidth;
  const y = Math.floor(index / layout.tilesAcross) * layout.tileHeight;
  const width = Math.min(layout.tileWidth, layout.paddedWidth - x);
  const height = Math.min(layout.tileHeight, layout.paddedHeight - y);
  return { x, y, width, height, insideWidth: Math.min(width, layout.width - x), insideHeight: Math.min(height, layout.height - y) };
}

/**
 * Copies tile `rect` out of an image (interleaved, `channels` per pixel), replicating the last column and row of
 * the image into the padding.
 * @returns a new array of rect.width * rect.height * channels samples, of the image's array type
 */
export function extractTile(data: Samples, width: number, height: number, channels: number, rect: TileRect): Samples {
  const out: Samples = data instanceof Uint8Array ? new Uint8Array(rect.width * rect.height * channels) : new Uint16Array(rect.width * rect.height * channels);
  const inside = Math.max(0, Math.min(rect.width, width - rect.x));
  for (let ty = 0; ty < rect.height; ty++) {
    const sy = Math.min(rect.y + ty, height - 1);
    const row = ty * rect.width * channels;
    const source = (sy * width + rect.x) * channels;
    out.set(data.subarray(source, source + inside * channels), row);
    const last = (sy * width + width - 1) * channels;
    for (let tx = inside; tx < rect.width; tx++) {
      for (let c = 0; c < channels; c++) out[row + tx * channels + c] = data[last + c]!;
    }
  }
  return out;
}

/**
 * The top-left `insideWidth` x `insideHeight` part of a tile of `width` columns.
 * @returns `tile` itself when that is the whole tile, else a new array
 */
export function cropTile(tile: Samples, width: number, channels: number, insideWidth: number, insideHeight: number): Samples {
  if (insideWidth === width && insideHeight * width * channels === tile.length) return tile;
  const out: Samples = tile instanceof Uint8Array ? new Uint8Array(insideWidth * insideHeight * channels) : new Uint16Array(insideWidth * insideHeight * channels);
  for (let y = 0; y < insideHeight; y++) out.set(tile.subarray(y * width * channels, (y * width + insideWidth) * channels), y * insideWidth * channels);
  return out;
}

/**
 * Copies a tile's inside part (rect.insideWidth x rect.insideHeight samples, as decodeTilePayload returns it) to
 * its place in `data`, an image of `width` columns.
 */
export function placeTile(data: Samples, width: number, channels: number, rect: TileRect, inside: Samples): void {
  const row = rect.insideWidth * channels;
  for (let ty = 0; ty < rect.insideHeight; ty++) data.set(inside.subarray(ty * row, (ty + 1) * row), ((rect.y + ty) * width + rect.x) * channels);
}

/**
 * The tile side compress uses when none is asked for: SYNTHETIC_TILE_SIZE when at least 23/32 of the image's pixels
 * (all channels) repeat their W or N neighbour, as in screenshots and diagrams (every tile of the synthetic set is
 * at 0.73 or more; no Kodak photo tile reaches 0.70, and whole photos sit far lower), or when the image holds at most
 * 256 colours (whole pixels, all channels: quantised and dithered images, GIFs), whose tiles go to the palette model
 * (mode 9), which then pays for its palette and learns its contexts once per large tile; else DEFAULT_TILE_SIZE.
 */
export function defaultTileSize(samples: Samples, width: number, height: number, channels: number): number {
  const pixels = width * height;
  const synthetic = neighbourRepeats(samples, width, height, channels) * 32 >= pixels * 23;
  return synthetic || fewColours(samples, pixels, channels) ? SYNTHETIC_TILE_SIZE : DEFAULT_TILE_SIZE;
}
