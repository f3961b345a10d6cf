/**
 * Tile payloads with the texture test double as the learned model: the smaller of learned and fallback coding is
 * kept and flagged, alpha and 16-bit low bytes ride in their own sections (a constant alpha costs three bytes), a
 * coder with the wrong channel count is never used, constant colour planes never run the learned coder, and damaged
 * sections are corrupt-stream errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptStreamError } from '../../src/core/errors.js';
import { createEngine } from '../../src/engine/index.js';
import { decodeTilePayload, encodeTilePayload, type TileFormat } from '../../src/codec/tile-payload.js';
import { cropTile, type TileShape } from '../../src/codec/tile-layout.js';
import { encodeFallback } from '../../src/codec/fallback-coder.js';
import type { LearnedTileCoder } from '../../src/codec/learned-tile-coder.js';
import { createTextureTileCoder, texture } from './texture-tile-coder.js';

const engine = createEngine({ kernel: 'reference' });
const rgbCoder = createTextureTileCoder(new TextEncoder().encode(JSON.stringify({ channels: 3, sizeMultiple: 4, scaleIndex: 0 })), 'rgb.json', engine);
const greyCoder = createTextureTileCoder(new TextEncoder().encode(JSON.stringify({ channels: 1, sizeMultiple: 4, scaleIndex: 0 })), 'grey.json', engine);

/** A tile of `channels` where colour channels follow `colour(x, y, c)` and an alpha channel (if any) is `alpha`. */
function tile(width: number, height: number, channels: number, colour: (x: number, y: number, c: number) => number, alpha: (x: number, y: number) => number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  const cc = channels >= 3 ? 3 : 1;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < cc; c++) out[i++] = colour(x, y, c);
      if (channels === 2 || channels === 4) out[i++] = alpha(x, y);
    }
  }
  return out;
}

const smooth = (x: number, y: number, c: number): number => (20 + x + y + 30 * c) & 0xff;

const whole = (width: number, height: number): TileShape => ({ width, height, insideWidth: width, insideHeight: height });

function roundTrip(samples: Uint8Array | Uint16Array, width: number, height: number, format: TileFormat, learned = rgbCoder): ReturnType<typeof encodeTilePayload> {
  const coded = encodeTilePayload(samples, whole(width, height), format, learned);
  assert.deepEqual(decodeTilePayload(coded.payload, coded.fallback, whole(width, height), format, learned), samples);
  return coded;
}

test('the learned coder wins on its texture, the fallback on smooth content; the flag says which', () => {
  const format: TileFormat = { channels: 3, bitDepth: 8 };
  const learned = roundTrip(tile(32, 32, 3, texture, () => 0), 32, 32, format);
  assert.equal(learned.fallback, false);
  assert.ok(learned.payload.length < 200, `${learned.payload.length} bytes for a texture tile the model knows`);
  const fallback = roundTrip(tile(32, 32, 3, smooth, () => 0), 32, 32, format);
  assert.equal(fallback.fallback, true);
  assert.deepEqual(fallback.payload, encodeFallback(tile(32, 32, 3, smooth, () => 0), 32, 32, 3), 'one section, no prefix');
});

test('8-bit RGB learned tiles are exactly the learned stream (no framing cost)', () => {
  const samples = tile(16, 8, 3, texture, () => 0);
  const coded = roundTrip(samples, 16, 8, { channels: 3, bitDepth: 8 });
  assert.deepEqual(coded.payload, rgbCoder.encodeTile(samples, 16, 8));
});

test('alpha is its own fallback section: constant alpha costs 3 bytes (prefix, mode, value)', () => {
  const rgb = roundTrip(tile(32, 32, 3, texture, () => 0), 32, 32, { channels: 3, bitDepth: 8 });
  const rgba = roundTrip(tile(32, 32, 4, texture, () => 255), 32, 32, { channels: 4, bitDepth: 8 });
  assert.equal(rgba.fallback, false);
  assert.equal(rgba.payload.length, rgb.payload.length + 3);
  const varying = roundTrip(tile(32, 32, 4, smooth, (x, y) => (x * y) & 0xff), 32, 32, { channels: 4, bitDepth: 8 });
  assert.equal(varying.fallback, true);
  roundTrip(tile(8, 4, 2, texture, (x) => x * 30), 8, 4, { channels: 2, bitDepth: 8 }, greyCoder);
});

test('16-bit: high bytes through the learned coder, low bytes in their own section; or all through the fallback', () => {
  const format: TileFormat = { channels: 4, bitDepth: 16 };
  const high = tile(16, 16, 4, texture, () => 0xff);
  const samples = Uint16Array.from(high, (v, i) => v * 256 + (i % 4 === 3 ? 0xff : 0x42));
  const coded = roundTrip(samples, 16, 16, format);
  assert.equal(coded.fallback, false);
  assert.ok(coded.payload.length < 300, `${coded.payload.length} bytes`);
  const smooth16 = Uint16Array.from(tile(16, 16, 4, smooth, () => 9), (v) => v * 257);
  assert.equal(roundTrip(smooth16, 16, 16, format).fallback, true);
});

test('a learned coder with another channel count is never used', () => {
  const grey = tile(32, 32, 1, texture, () => 0);
  assert.equal(roundTrip(grey, 32, 32, { channels: 1, bitDepth: 8 }, rgbCoder).fallback, true);
  assert.equal(roundTrip(grey, 32, 32, { channels: 1, bitDepth: 8 }, greyCoder).fallback, false);
  assert.equal(encodeTilePayload(grey, whole(32, 32), { channels: 1, bitDepth: 8 }, null).fallback, true);
});

test('constant colour planes are never given to the learned coder (it cannot beat 1 byte + one value per channel)', () => {
  // Regression: a flat 8192 x 8192 image took 57 s to compress with a model and 7 s with --no-model, all of it
  // spent probing the model on 4096 constant tiles (rANS streams are at least 16 bytes, so it never won).
  const calls: string[] = [];
  const spy: LearnedTileCoder = {
    ...rgbCoder,
    encodeTile(pixels, width, height, version) {
      calls.push(`${width}x${height}`);
      return rgbCoder.encodeTile(pixels, width, height, version);
    },
  };
  const cases: [Uint8Array | Uint16Array, number, TileFormat][] = [
    [tile(128, 128, 3, (_x, _y, c) => 10 + c, () => 0), 128, { channels: 3, bitDepth: 8 }],
    [tile(32, 32, 4, () => 7, (x, y) => (x * y) & 0xff), 32, { channels: 4, bitDepth: 8 }],
    [Uint16Array.from(tile(16, 16, 3, (_x, _y, c) => 200 + c, () => 0), (v) => v * 257), 16, { channels: 3, bitDepth: 16 }],
  ];
  for (const [samples, side, format] of cases) {
    const coded = encodeTilePayload(samples, whole(side, side), format, spy);
    assert.equal(coded.fallback, true);
    assert.deepEqual(coded.payload, encodeTilePayload(samples, whole(side, side), format, null).payload);
    assert.deepEqual(decodeTilePayload(coded.payload, true, whole(side, side), format, spy), samples);
  }
  assert.deepEqual(calls, []);
  // One sample off: the tile is no longer constant and the learned coder is tried again.
  const almost = tile(32, 32, 3, (x, y, c) => (x === 5 && y === 9 ? 11 : 10) + c, () => 0);
  encodeTilePayload(almost, whole(32, 32), { channels: 3, bitDepth: 8 }, spy);
  assert.deepEqual(calls, ['32x32']);
});

test('padding: the learned coder sees the whole tile, the rest only the inside part, which is what decodes', () => {
  for (const [channels, bitDepth] of [[4, 8], [4, 16], [3, 8]] as const) {
    const format: TileFormat = { channels, bitDepth };
    const shape: TileShape = { width: 16, height: 12, insideWidth: 13, insideHeight: 9 };
    const eight = tile(16, 12, channels, texture, (x, y) => x + y);
    const samples = bitDepth === 8 ? eight : Uint16Array.from(eight, (v) => v * 256 + 3);
    const inside = cropTile(samples, 16, channels, 13, 9);
    const learned = encodeTilePayload(samples, shape, format, rgbCoder);
    assert.equal(learned.fallback, false);
    assert.deepEqual(decodeTilePayload(learned.payload, false, shape, format, rgbCoder), inside);
    const coded = encodeTilePayload(samples, shape, format, null);
    assert.deepEqual(decodeTilePayload(coded.payload, true, shape, format, null), inside);
    assert.deepEqual(coded.payload, encodeTilePayload(inside, whole(13, 9), format, null).payload, 'padding costs nothing');
  }
});

test('damaged payloads: learned flag without a fitting coder, broken section prefixes, sections cut short', () => {
  const format: TileFormat = { channels: 4, bitDepth: 8 };
  const samples = tile(8, 8, 4, texture, (x) => x);
  const coded = encodeTilePayload(samples, whole(8, 8), format, rgbCoder);
  assert.equal(coded.fallback, false);
  assert.throws(() => decodeTilePayload(coded.payload, false, whole(8, 8), format, null), /learned model, but the file names no model/);
  assert.throws(() => decodeTilePayload(coded.payload, false, whole(8, 8), format, greyCoder), CorruptStreamError);
  assert.throws(() => decodeTilePayload(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01), false, whole(8, 8), format, rgbCoder), /length prefix/);
  assert.throws(() => decodeTilePayload(Uint8Array.of(0x80, 0x00, 1), false, whole(8, 8), format, rgbCoder), /overlong/);
  assert.throws(() => decodeTilePayload(Uint8Array.of(200, 1, 2), false, whole(8, 8), format, rgbCoder), /runs past the payload end/);
  assert.throws(() => decodeTilePayload(coded.payload.subarray(0, coded.payload.length - 1), false, whole(8, 8), format, rgbCoder), CorruptStreamError);
  assert.throws(() => decodeTilePayload(coded.payload, true, whole(8, 8), format, rgbCoder), CorruptStreamError);
});
