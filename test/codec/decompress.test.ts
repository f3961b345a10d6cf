/**
 * decompress refuses what it cannot decode exactly, with one clean error and never a hang or a wrong image: every
 * single-byte flip and every truncation of a file, a checksum that does not match, geometry a model cannot code,
 * the wrong model (named), a missing model, and files over the pixel limit; on one thread or several.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CorruptStreamError, LimitError, ModelError } from '../../src/core/errors.js';
import { readIdfHeader, readTilePayload, writeIdf, type IdfImageInfo } from '../../src/container/index.js';
import { compress, decompress } from '../../src/codec/index.js';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';
import { loadModel, readModelFolder, type LoadedModel } from '../../src/zoo/index.js';
import { TEXTURE_CODER, textureCheckerboard, writeTextureModel } from './texture-tile-coder.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-decompress-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let model: LoadedModel;
let impostor: LoadedModel;
let file: Uint8Array;
const width = 40;
const height = 24;
const pixels = createPixelBuffer({ width, height, channels: 4, bitDepth: 8, data: textureCheckerboard(width, height, 4, 16) });

test.before(async () => {
  model = await loadModel(await readModelFolder(writeTextureModel(root, 'texture', 101, { channels: 3, sizeMultiple: 4, scaleIndex: 0 })));
  impostor = await loadModel(await readModelFolder(writeTextureModel(path.join(root, 'other'), 'texture', 101, { channels: 3, sizeMultiple: 4, scaleIndex: 1 })));
  const result = await compress(pixels, { model, learnedCoder: TEXTURE_CODER, tileSize: 16 });
  assert.ok(result.learnedTiles > 0 && result.learnedTiles < result.tiles);
  file = result.bytes;
});

const options = { learnedCoder: TEXTURE_CODER, resolveModel: async (): Promise<LoadedModel> => model, source: 'photo.idf' };

/** The header fields of `file`, for rewriting it with writeIdf. */
function infoOf(bytes: Uint8Array): { info: IdfImageInfo; tiles: { payload: Uint8Array; fallback: boolean }[] } {
  const header = readIdfHeader(bytes);
  const info: IdfImageInfo = {
    channels: header.channels, bitDepth: header.bitDepth, width: header.width, height: header.height,
    paddedWidth: header.paddedWidth, paddedHeight: header.paddedHeight, tileWidth: header.tileWidth,
    tileHeight: header.tileHeight, modelId: header.modelId, modelSha256: model.sha256, pixelChecksum: header.pixelChecksum,
  };
  const tiles = header.tiles.map((tile, i) => ({ payload: readTilePayload(bytes, header, i).slice(), fallback: tile.fallback }));
  return { info, tiles };
}

test('the file decodes (the baseline the damage tests start from), also from a Buffer on two threads', async () => {
  assert.deepEqual((await decompress(file, options)).data, pixels.data);
  const buffer = Buffer.from(file);
  assert.deepEqual((await decompress(buffer, { ...options, threads: 2 })).data, pixels.data);
  assert.deepEqual(new Uint8Array(buffer), file, 'the input is not detached or changed by handing tiles to workers');
});

test('every single-byte change and every truncation is a corrupt-stream error', async () => {
  for (let at = 0; at < file.length; at++) {
    const damaged = file.slice();
    damaged[at]! ^= at % 2 === 0 ? 0x01 : 0x80;
    await assert.rejects(decompress(damaged, options), CorruptStreamError, `byte ${at}`);
  }
  for (let length = 0; length < file.length; length++) {
    await assert.rejects(decompress(file.subarray(0, length), options), CorruptStreamError, `truncated to ${length}`);
  }
});

test('damage inside a payload with a matching CRC: named by tile, on one thread and on two', async () => {
  const { info, tiles } = infoOf(file);
  const learned = tiles.findIndex((tile) => !tile.fallback);
  tiles[learned]!.payload[3]! ^= 0x40; // after the section prefix: inside the learned rANS stream's states
  const damaged = writeIdf(info, tiles);
  for (const threads of [1, 2]) {
    await assert.rejects(decompress(damaged, { ...options, threads }), (error: unknown) => error instanceof CorruptStreamError &&
      new RegExp(`^photo\\.idf: corrupt stream: tile ${learned} \\(payload at byte \\d+\\): `).test(error.message));
  }
});

test('a pixel checksum that does not match the decoded pixels is refused', async () => {
  const { info, tiles } = infoOf(file);
  await assert.rejects(decompress(writeIdf({ ...info, pixelChecksum: (info.pixelChecksum + 1) >>> 0 }, tiles), options),
    (error: unknown) => error instanceof CorruptStreamError && /^photo\.idf: corrupt stream: the decoded pixels do not match the stored checksum/.test(error.message));
});

test('geometry the model cannot code, and learned tiles in a file that names no model, are corrupt', async () => {
  const { info, tiles } = infoOf(file);
  await assert.rejects(decompress(writeIdf({ ...info, tileWidth: 18, paddedWidth: 42 }, tiles.slice(0, 9)), options),
    /corrupt stream: padded width 42 is not a multiple of the model's 4/);
  await assert.rejects(decompress(writeIdf({ ...info, modelId: 0, modelSha256: new Uint8Array(32) }, tiles), options),
    /tile \d+ \(payload at byte \d+\): the tile is marked as coded by the learned model, but the file names no model/);
  await assert.rejects(decompress(writeIdf({ ...info, modelId: 0 }, tiles), options), /model id 0 \(no model\) with a model sha256/);
});

test('the wrong model is refused and the needed one named; without a resolver the file says what it needs', async () => {
  await assert.rejects(decompress(file, { ...options, resolveModel: async () => impostor }), (error: unknown) => error instanceof ModelError &&
    /^photo\.idf: was compressed with the model with numeric id 101, sha256 [0-9a-f]{8}\.\.\., not with "texture" \(numeric id 101, sha256 [0-9a-f]{8}\.\.\.\); install that model or pass --model$/.test(error.message));
  await assert.rejects(decompress(file, { learnedCoder: TEXTURE_CODER, source: 'photo.idf' }), (error: unknown) => error instanceof ModelError &&
    /^photo\.idf: needs the model with numeric id 101, sha256 [0-9a-f]{8}\.\.\.; none was given$/.test(error.message));
});

test('maxPixels bounds the padded image before anything is decoded', async () => {
  await assert.rejects(decompress(file, { ...options, maxPixels: 40 * 24 - 1 }), LimitError);
  assert.deepEqual((await decompress(file, { ...options, maxPixels: 40 * 24 })).data, pixels.data);
});
