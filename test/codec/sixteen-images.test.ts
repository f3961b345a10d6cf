/**
 * Widened 16-bit images end to end, on Kodak crops: 8-bit content widened by x257, 10-bit content by replication,
 * 12-bit by zero fill and by rounded scaling, with and without alpha, round-trip exactly through compress and
 * decompress and cost what their real depth costs (x257 within 2% of the 8-bit crop's file; v * 256 + 4 noisy bits
 * about 4 bits a sample more); an image with one sample off its widening still round-trips; and a learned 16-bit tile
 * of widened 8-bit content is the learned stream plus a 2-byte low section.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compress, decompress } from '../../src/codec/index.js';
import { encodeTilePayload, decodeTilePayload, type TileFormat } from '../../src/codec/tile-payload.js';
import { FALLBACK_MODE } from '../../src/codec/fallback-coder.js';
import { widenValue, type Widening } from '../../src/codec/sixteen-widening.js';
import { Random } from '../../src/core/random.js';
import { createEngine } from '../../src/engine/index.js';
import { createPixelBuffer, type Channels, type PixelBuffer } from '../../src/image/pixel-buffer.js';
import { readImage } from '../../src/image/read-image.js';
import { SHARED_DATA } from '../helpers/paths.js';
import { createTextureTileCoder, texture } from './texture-tile-coder.js';

const WIDTH = 96;
const HEIGHT = 64;

/** A WIDTH x HEIGHT RGB crop of a Kodak image, 8-bit. */
async function kodakCrop(name: string, left: number, top: number): Promise<Uint8Array> {
  const image = await readImage(readFileSync(path.join(SHARED_DATA, 'kodak', name)));
  const data = image.data as Uint8Array;
  const out = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    const from = ((top + y) * image.width + left) * 3;
    out.set(data.subarray(from, from + WIDTH * 3), y * WIDTH * 3);
  }
  return out;
}

/**
 * A 16-bit image of the crop: each colour sample v (8-bit) becomes the `bits`-bit value v << (bits - 8) plus a
 * deterministic dither in the new low bits, widened; alpha (when `alpha` is given) is a radial ramp, widened alike.
 */
function widened(rgb: Uint8Array, widening: Widening, alpha: Widening | null): PixelBuffer {
  const channels = (alpha ? 4 : 3) as Channels;
  const data = new Uint16Array(WIDTH * HEIGHT * channels);
  const extra = widening.bits - 8;
  for (let p = 0; p < WIDTH * HEIGHT; p++) {
    for (let c = 0; c < 3; c++) {
      const dither = extra > 0 ? (p * 7 + c * 3 + (p >> 5)) % (1 << extra) : 0;
      data[p * channels + c] = widenValue((rgb[p * 3 + c]! << extra) | dither, widening);
    }
    if (alpha) {
      const x = p % WIDTH - WIDTH / 2;
      const y = Math.floor(p / WIDTH) - HEIGHT / 2;
      const max = 2 ** alpha.bits - 1;
      data[p * channels + 3] = widenValue(Math.max(0, max - Math.round(Math.hypot(x, y) * max / 60)), alpha);
    }
  }
  return createPixelBuffer({ width: WIDTH, height: HEIGHT, channels, bitDepth: 16, data });
}

async function roundTrip(pixels: PixelBuffer): Promise<number> {
  const { bytes } = await compress(pixels, { tileSize: 64 });
  assert.deepEqual((await decompress(bytes)).data, pixels.data);
  return bytes.length;
}

let crop: Uint8Array;
test.before(async () => {
  crop = await kodakCrop('kodim23.png', 300, 200);
});

test('x257, 10-bit replication, zero fill and scaling, with and without alpha: exact round trips of Kodak crops', async () => {
  const cases: [Widening, Widening | null][] = [
    [{ bits: 8, fill: 'replicate' }, null],
    [{ bits: 8, fill: 'replicate' }, { bits: 8, fill: 'replicate' }],
    [{ bits: 10, fill: 'replicate' }, { bits: 10, fill: 'replicate' }],
    [{ bits: 12, fill: 'zero' }, { bits: 8, fill: 'zero' }],
    [{ bits: 8, fill: 'zero' }, { bits: 10, fill: 'replicate' }],
    [{ bits: 12, fill: 'scale' }, { bits: 10, fill: 'scale' }],
  ];
  for (const [colour, alpha] of cases) await roundTrip(widened(crop, colour, alpha));
});

test('widened 8-bit content costs what 8 bits cost: x257 within 2% of the 8-bit crop, 10-bit well under 16-bit', async () => {
  const eight = (await compress(createPixelBuffer({ width: WIDTH, height: HEIGHT, channels: 3, bitDepth: 8, data: crop }), { tileSize: 64 })).bytes.length;
  const x257 = await roundTrip(widened(crop, { bits: 8, fill: 'replicate' }, null));
  const x256 = await roundTrip(widened(crop, { bits: 8, fill: 'zero' }, null));
  assert.ok(x257 <= eight * 1.02 && x256 <= eight * 1.02, `8-bit ${eight} bytes, x257 ${x257}, x256 ${x256}`);
  // The same 10-bit image with one sample off its widening falls back to whole 16-bit samples.
  const tenBit = widened(crop, { bits: 10, fill: 'replicate' }, null);
  const size10 = await roundTrip(tenBit);
  const off = Uint16Array.from(tenBit.data);
  off[WIDTH * 20 + 40] = off[WIDTH * 20 + 40]! ^ 1;
  const sizeOff = await roundTrip(createPixelBuffer({ width: WIDTH, height: HEIGHT, channels: 3, bitDepth: 16, data: off }));
  // The two dither bits are near noise: at most about their raw size on top of the 8-bit file.
  const ditherBytes = (WIDTH * HEIGHT * 3 * 2) / 8;
  assert.ok(size10 < (eight + ditherBytes) * 1.05 && size10 * 1.3 < sizeOff, `8-bit ${eight}, 10-bit ${size10}, 10-bit with one sample off ${sizeOff}`);
});

test('8-bit content plus 4 noisy low bits (v * 256 + n): about the 8-bit file plus 4 bits a sample, exact', async () => {
  const eight = (await compress(createPixelBuffer({ width: WIDTH, height: HEIGHT, channels: 3, bitDepth: 8, data: crop }), { tileSize: 64 })).bytes.length;
  const random = new Random(23);
  const data = Uint16Array.from(crop, (v) => v * 256 + random.nextInt(16));
  const bytes = await roundTrip(createPixelBuffer({ width: WIDTH, height: HEIGHT, channels: 3, bitDepth: 16, data }));
  const noiseBytes = (WIDTH * HEIGHT * 3 * 4) / 8;
  assert.ok(bytes < (eight + noiseBytes) * 1.05, `8-bit ${eight} bytes, with 4 noisy low bits ${bytes}`);
});

test('one sample off its widening (colour or alpha) still round-trips exactly', async () => {
  for (const at of [0, 3, WIDTH * HEIGHT * 4 - 1, 1234 * 4 + 3]) {
    const pixels = widened(crop, { bits: 8, fill: 'replicate' }, { bits: 8, fill: 'replicate' });
    (pixels.data as Uint16Array)[at] = pixels.data[at]! ^ 0x0100;
    await roundTrip(pixels);
  }
});

test('learned 16-bit tile of widened 8-bit content: the learned stream of the values and a 2-byte low section', () => {
  const coder = createTextureTileCoder(new TextEncoder().encode(JSON.stringify({ channels: 3, sizeMultiple: 4, scaleIndex: 0 })), 'rgb.json', createEngine({ kernel: 'reference' }));
  const eight = new Uint8Array(32 * 32 * 3);
  for (let i = 0; i < eight.length; i++) eight[i] = texture(Math.floor(i / 3) % 32, Math.floor(i / 96), i % 3);
  const shape = { width: 32, height: 32, insideWidth: 32, insideHeight: 32 };
  const format: TileFormat = { channels: 3, bitDepth: 16 };
  const samples = Uint16Array.from(eight, (v) => v * 257);
  const coded = encodeTilePayload(samples, shape, format, coder);
  assert.equal(coded.fallback, false);
  const learned = coder.encodeTile(eight, 32, 32);
  assert.ok(learned.length < 128, 'one prefix byte');
  assert.deepEqual([...coded.payload], [learned.length, ...learned, FALLBACK_MODE.widened, 0x08]);
  assert.deepEqual(decodeTilePayload(coded.payload, false, shape, format, coder), samples);
});
