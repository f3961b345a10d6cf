import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { IntegerIdf } from '../../src/engine/integer-idf.js';
import { readIntegerIdf, writeIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { syntheticImages, tinyIntegerModel } from '../helpers/tiny-model.js';
import { MU_Q_LIMIT } from '../../src/engine/integer-idf-model.js';
import { MU_Q_MAX } from '../../src/entropy/index.js';

const images = syntheticImages;
const exportedTiny = tinyIntegerModel;

test('integer IDF: inverse(forward(x)) === x exactly, on both kernels, at several tile sizes', async () => {
  const model = await exportedTiny(3);
  for (const kernel of ['wasm', 'reference'] as const) {
    const idf = new IntegerIdf(createEngine({ kernel }), model);
    for (const [height, width] of [[4, 4], [16, 12], [32, 32]] as const) {
      const pixels = images(1, 32, height * 100 + width).subarray(0, height * width * 3);
      const terms = idf.forward(pixels, height, width);
      assert.equal(terms.reduce((n, t) => n + t.values.length, 0), height * width * 3, 'latents cover every sub-pixel');
      let next = 0;
      const decoded = idf.inverse(height, width, (params) => {
        const term = terms[next++]!;
        assert.deepEqual(params.muQ, term.muQ, 'decoder recomputes the same prior parameters');
        assert.deepEqual(params.scaleIndex, term.scaleIndex);
        return term.values;
      });
      assert.deepEqual(decoded, pixels);
    }
  }
});

test('integer IDF: wasm and reference kernels give identical latents and parameters', async () => {
  const model = await exportedTiny(4);
  const pixels = images(1, 32, 77);
  const [a, b] = (['wasm', 'reference'] as const).map((kernel) => new IntegerIdf(createEngine({ kernel }), model).forward(pixels, 32, 32));
  assert.deepEqual(a, b);
  assert.ok(a!.some((term) => term.values.some((v, i) => v !== 0 && i > 0)), 'latents are not trivially zero');
});

test('integer model file: write then read gives the same model, and damage is refused', async () => {
  const model = await exportedTiny(5);
  const bytes = writeIntegerIdf(model);
  const again = readIntegerIdf(bytes, 'tiny.idfm');
  assert.deepEqual(writeIntegerIdf(again), bytes);
  const pixels = images(1, 16, 5);
  const engine = createEngine({ kernel: 'wasm' });
  assert.deepEqual(new IntegerIdf(engine, again).forward(pixels, 16, 16), new IntegerIdf(engine, model).forward(pixels, 16, 16));
  assert.throws(() => readIntegerIdf(bytes.subarray(0, bytes.length - 1), 'cut.idfm'), /runs past the end/);
  // A view into a larger buffer (as fs.readFileSync's Buffer of a small file, or a file inside an archive) reads the same.
  const padded = new Uint8Array(bytes.length + 11);
  padded.set(bytes, 7);
  assert.deepEqual(writeIntegerIdf(readIntegerIdf(padded.subarray(7, 7 + bytes.length), 'view.idfm')), bytes);
  assert.deepEqual(writeIntegerIdf(readIntegerIdf(Buffer.from(bytes), 'buffer.idfm')), bytes);
  const extended = new Uint8Array(bytes.length + 1);
  extended.set(bytes);
  assert.throws(() => readIntegerIdf(extended, 'long.idfm'), /unexpected bytes after the last layer/);
  const wrongMagic = bytes.slice();
  wrongMagic[0] = 0x58;
  assert.throws(() => readIntegerIdf(wrongMagic, 'x.idfm'), /no IDFM magic/);
});

test('the engine\'s mu limit is the entropy layer\'s MU_Q_MAX', () => {
  assert.equal(MU_Q_LIMIT, MU_Q_MAX);
});
