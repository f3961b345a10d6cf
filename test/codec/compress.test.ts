/**
 * compress / decompress end to end in the library: every valid fixture round-trips to identical pixels with and
 * without a learned model; learned and fallback tiles mix; 1, 2 and 3 threads and both engine kernels give the
 * same bytes; padding and the model identity land in the header; constant alpha costs three bytes a tile.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LimitError } from '../../src/core/errors.js';
import { readIdfHeader } from '../../src/container/index.js';
import { compress, decompress, type CompressOptions } from '../../src/codec/index.js';
import { createPixelBuffer, type PixelBuffer } from '../../src/image/pixel-buffer.js';
import { readImage } from '../../src/image/read-image.js';
import { loadModel, readModelFolder, type LoadedModel } from '../../src/zoo/index.js';
import { writeIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { MANIFEST, fixturePath, type ValidFixture } from '../image/fixture-manifest.js';
import { TEXTURE_CODER, textureCheckerboard, writeTextureModel } from './texture-tile-coder.js';
import { tinyIntegerModel } from '../helpers/tiny-model.js';
import { mkdirSync, writeFileSync } from 'node:fs';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-codec-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let rgbModel: LoadedModel;
let greyModel: LoadedModel;
test.before(async () => {
  rgbModel = await loadModel(await readModelFolder(writeTextureModel(root, 'texture-rgb', 101, { channels: 3, sizeMultiple: 4, scaleIndex: 0 })));
  greyModel = await loadModel(await readModelFolder(writeTextureModel(root, 'texture-grey', 102, { channels: 1, sizeMultiple: 8, scaleIndex: 0 })));
});

const resolveModel = async (numericId: number): Promise<LoadedModel> => (numericId === 101 ? rgbModel : greyModel);

function modelFor(channels: number): LoadedModel {
  return channels >= 3 ? rgbModel : greyModel;
}

async function roundTrip(pixels: PixelBuffer, options: CompressOptions): Promise<Uint8Array> {
  const result = await compress(pixels, { learnedCoder: TEXTURE_CODER, ...options });
  const back = await decompress(result.bytes, { resolveModel, learnedCoder: TEXTURE_CODER, threads: options.threads ?? 1 });
  assert.deepEqual([back.width, back.height, back.channels, back.bitDepth], [pixels.width, pixels.height, pixels.channels, pixels.bitDepth]);
  assert.deepEqual(back.data, pixels.data);
  return result.bytes;
}

const VALID = MANIFEST.filter((entry): entry is ValidFixture => entry.valid);

test('every valid fixture round-trips to identical pixels, without a model and with one', async () => {
  assert.ok(VALID.length >= 30);
  for (const entry of VALID) {
    const pixels = await readImage(readFileSync(fixturePath(entry.file)));
    const plain = await roundTrip(pixels, { tileSize: 64 });
    const header = readIdfHeader(plain);
    assert.deepEqual([header.paddedWidth, header.paddedHeight, header.modelId], [pixels.width, pixels.height, 0], entry.file);
    const bytes = await roundTrip(pixels, { model: modelFor(pixels.channels), tileSize: 64 });
    const padded = readIdfHeader(bytes);
    const multiple = pixels.channels >= 3 ? 4 : 8;
    assert.equal(padded.paddedWidth, Math.ceil(pixels.width / multiple) * multiple, entry.file);
    assert.equal(padded.paddedHeight, Math.ceil(pixels.height / multiple) * multiple, entry.file);
    // Never much beyond raw: the container's header, and per tile a mode byte and a section prefix per plane group.
    const raw = pixels.data.byteLength;
    assert.ok(bytes.length <= raw + 40 + 10 * padded.tiles.length, `${entry.file}: ${bytes.length} bytes for ${raw} raw`);
  }
});

test('learned and fallback tiles mix; the file names the model; 1 and 2 threads write the same bytes', async () => {
  for (const [channels, bitDepth] of [[3, 8], [4, 16], [1, 8]] as const) {
    const width = 150;
    const height = 70;
    const colour = textureCheckerboard(width, height, channels, 32);
    const pixels = bitDepth === 8
      ? createPixelBuffer({ width, height, channels, bitDepth, data: colour })
      : createPixelBuffer({ width, height, channels, bitDepth, data: Uint16Array.from(colour, (v) => v * 256 + 17) });
    const model = channels === 1 ? greyModel : rgbModel;
    const files = [];
    for (const threads of [1, 2]) {
      const result = await compress(pixels, { model, learnedCoder: TEXTURE_CODER, tileSize: 32, threads });
      assert.equal(result.model?.id, model.record.id);
      assert.ok(result.learnedTiles > 0 && result.learnedTiles < result.tiles, `${result.learnedTiles} of ${result.tiles} tiles learned`);
      files.push(result.bytes);
      const back = await decompress(result.bytes, { resolveModel, learnedCoder: TEXTURE_CODER, threads: 3 - threads });
      assert.deepEqual(back.data, pixels.data);
    }
    assert.deepEqual(files[1], files[0]);
    const header = readIdfHeader(files[0]!);
    assert.equal(header.modelId, model.record.numericId);
    assert.deepEqual([...header.modelSha256Prefix], [...model.sha256.subarray(0, header.modelSha256Prefix.length)]);
    assert.ok(header.tiles.some((tile) => tile.fallback) && header.tiles.some((tile) => !tile.fallback));
  }
});

test('a grey image with only an RGB model is coded by the fallback and names no model', async () => {
  const pixels = createPixelBuffer({ width: 64, height: 32, channels: 1, bitDepth: 8, data: textureCheckerboard(64, 32, 1, 32) });
  const result = await compress(pixels, { model: rgbModel, learnedCoder: TEXTURE_CODER });
  assert.equal(result.model, null);
  assert.equal(readIdfHeader(result.bytes).modelId, 0);
  assert.deepEqual((await decompress(result.bytes)).data, pixels.data, 'no model is needed to decode it');
});

test('constant alpha costs three or four bytes per tile over the same RGB image', async () => {
  const width = 96;
  const height = 64;
  const rgb = textureCheckerboard(width, height, 3, 32);
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(rgb.subarray(3 * p, 3 * p + 3), 4 * p);
    rgba[4 * p + 3] = 255;
  }
  const options = { model: rgbModel, learnedCoder: TEXTURE_CODER, tileSize: 32 };
  const a = await compress(createPixelBuffer({ width, height, channels: 3, bitDepth: 8, data: rgb }), options);
  const b = await compress(createPixelBuffer({ width, height, channels: 4, bitDepth: 8, data: rgba }), options);
  // Per tile: the colour section's length prefix (1 byte below 128 bytes, else 2), the mode byte and the value.
  const extra = b.bytes.length - a.bytes.length;
  assert.ok(extra >= 3 * a.tiles && extra <= 4 * a.tiles, `${extra} bytes for ${a.tiles} tiles`);
});

test('an integer IDF model: wasm and reference kernels, 1 and 2 threads, give identical files that decode', async () => {
  const folder = path.join(root, 'tiny-idf');
  mkdirSync(folder);
  const bytes = writeIntegerIdf(await tinyIntegerModel(21));
  writeFileSync(path.join(folder, 'model.idfm'), bytes);
  writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ id: 'tiny-idf', numericId: 7, file: 'model.idfm', sha256: sha256Hex(bytes), channels: 3 }));
  const model = await loadModel(await readModelFolder(folder));
  const pixels = await readImage(readFileSync(fixturePath('rgb-33x17.png')));
  const files = [];
  for (const [kernel, threads] of [['wasm', 1], ['wasm', 2], ['reference', 2]] as const) {
    const result = await compress(pixels, { model, kernel, threads, tileSize: 16 });
    files.push(result.bytes);
    const header = readIdfHeader(result.bytes);
    assert.equal(header.paddedWidth % 4, 0);
    const back = await decompress(result.bytes, { resolveModel: async () => model, kernel, threads });
    assert.deepEqual(back.data, pixels.data);
  }
  assert.deepEqual(files[1], files[0]);
  assert.deepEqual(files[2], files[0]);
});

test('maxPixels bounds the padded image: an image that fits only unpadded is coded without the model, one that does not fit is refused', async () => {
  const pixels = createPixelBuffer({ width: 30, height: 10, channels: 3, bitDepth: 8, data: textureCheckerboard(30, 10, 3, 32) });
  const padded = await compress(pixels, { model: rgbModel, learnedCoder: TEXTURE_CODER, maxPixels: 384 });
  assert.deepEqual([padded.layout.paddedWidth, padded.layout.paddedHeight], [32, 12], 'padded to the model\'s multiple of 4');
  // Regression: an 8100 x 8285 photo (under the default 2^26 pixels) was refused because the model pads it to
  // 8104 x 8288; it fits unpadded, so it is coded without the model and decodes within the same limit.
  const fits = await compress(pixels, { model: rgbModel, learnedCoder: TEXTURE_CODER, maxPixels: 300 });
  assert.deepEqual([fits.layout.paddedWidth, fits.layout.paddedHeight, fits.model, fits.learnedTiles], [30, 10, null, 0]);
  assert.deepEqual(fits.bytes, (await compress(pixels, { maxPixels: 300 })).bytes);
  assert.deepEqual((await decompress(fits.bytes, { resolveModel, learnedCoder: TEXTURE_CODER, maxPixels: 300 })).data, pixels.data);
  await assert.rejects(compress(pixels, { model: rgbModel, learnedCoder: TEXTURE_CODER, maxPixels: 299 }), LimitError);
  await assert.rejects(compress(pixels, { maxPixels: 299 }), LimitError);
});
