import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { writeIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { createIdfTileCoder } from '../../src/codec/idf-tile-coder.js';
import { CorruptStreamError } from '../../src/core/errors.js';
import { syntheticImages, tinyIntegerModel } from '../helpers/tiny-model.js';

test('IDF tile coder: decode(encode(tile)) is the tile, the stream matches the model bits, kernels agree', async () => {
  const bytes = writeIntegerIdf(await tinyIntegerModel(21));
  const wasm = createIdfTileCoder(bytes, 'tiny.idfm', createEngine({ kernel: 'wasm' }));
  const reference = createIdfTileCoder(bytes, 'tiny.idfm', createEngine({ kernel: 'reference' }));
  assert.equal(wasm.channels, 3);
  assert.equal(wasm.sizeMultiple, 4);
  for (const [width, height] of [[4, 4], [32, 16], [24, 40]] as const) {
    const pixels = syntheticImages(1, 64, width + height).subarray(0, width * height * 3);
    const stream = wasm.encodeTile(pixels, width, height);
    assert.deepEqual(reference.encodeTile(pixels, width, height), stream, 'wasm and reference kernels write the same stream');
    assert.deepEqual(wasm.decodeTile(stream, width, height), pixels);
    const bits = wasm.estimateBits(pixels, width, height);
    // Two 64-bit final states (16 bytes) and the last word's rounding are the coder's only overhead.
    assert.ok(stream.length * 8 >= bits && stream.length * 8 <= bits * 1.001 + 16 * 8 + 16, `${stream.length * 8} coded vs ${bits} ideal bits`);
  }
});

test('IDF tile coder: a damaged stream is refused with a corrupt-stream error', async () => {
  const coder = createIdfTileCoder(writeIntegerIdf(await tinyIntegerModel(22)), 'tiny.idfm', createEngine({ kernel: 'wasm' }));
  const pixels = syntheticImages(1, 32, 5);
  const stream = coder.encodeTile(pixels, 32, 32);
  const flipped = stream.slice();
  flipped[Math.floor(stream.length / 2)]! ^= 0x10;
  assert.throws(() => coder.decodeTile(flipped, 32, 32), CorruptStreamError);
  assert.throws(() => coder.decodeTile(stream.subarray(0, stream.length - 2), 32, 32), CorruptStreamError);
});
