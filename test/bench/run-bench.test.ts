/**
 * The bench loop: bits per dimension is exactly 8 x file bytes / samples, the exact-decode check catches a single
 * wrong sample, an unavailable codec is reported as skipped with its reason, a failing codec with its error, and
 * progress counts every codec's share of images.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchCodec, BenchImage } from '../../src/bench/bench-codec.js';
import { runBench } from '../../src/bench/run-bench.js';
import { pngCodec } from '../../src/bench/sharp-codecs.js';
import { CorruptStreamError } from '../../src/core/errors.js';
import { sampleImages } from './sample-images.js';

/** A codec that stores the raw samples, optionally damaging one sample of one image on decode. */
function rawCodec(name: string, damage?: { image: string }): BenchCodec {
  return {
    name,
    settings: 'raw samples',
    timing: 'in-process',
    available: async () => ({ available: true, version: 'test' }),
    encode: async (image) => image.data.slice(),
    decode: async (bytes) => {
      const out = bytes.slice();
      if (damage && bytes === lastEncoded.get(damage.image)) out[0] ^= 1;
      return out;
    },
  };
}
const lastEncoded = new Map<string, Uint8Array>();

test('bits per dimension is 8 x the sum of file sizes over the sum of samples; exact when every image is', async () => {
  const images = await sampleImages();
  const png = pngCodec();
  let bytes = 0;
  for (const image of images) bytes += (await png.encode(image)).length;
  const samples = images.reduce((n, image) => n + image.width * image.height * image.channels, 0);
  assert.equal(samples, 33 * 17 * 3 + 32 * 32 * 3 + 20 * 31 + 3);
  const result = await runBench('samples', images, [pngCodec(), rawCodec('raw')]);
  assert.deepEqual([result.dataset, result.images, result.subPixels], ['samples', 4, samples]);
  const [measured, raw] = result.codecs;
  assert.equal(measured!.bytes, bytes);
  assert.equal(measured!.bpd, (8 * bytes) / samples);
  assert.equal(raw!.bpd, 8, 'raw samples are 8 bits per dimension exactly');
  for (const codec of result.codecs) {
    assert.equal(codec.exact, true);
    assert.equal(codec.inexactImages, 0);
    assert.ok(codec.encodeMBps! > 0 && codec.decodeMBps! > 0);
    assert.deepEqual([codec.skipped, codec.error], [null, null]);
  }
  assert.equal(measured!.version, 'sharp (libvips), through src/image');
});

test('one wrong sample in one image makes the codec inexact, counted per image', async () => {
  const images = await sampleImages();
  const codec = rawCodec('lossy', { image: images[1]!.name });
  const encode = codec.encode;
  codec.encode = async (image: BenchImage) => {
    const bytes = await encode(image);
    lastEncoded.set(image.name, bytes);
    return bytes;
  };
  const [result] = (await runBench('samples', images, [codec])).codecs;
  assert.deepEqual([result!.exact, result!.inexactImages, result!.bpd], [false, 1, 8]);
});

test('an unavailable codec is skipped with its reason; a failing one reports its error; the others still run', async () => {
  const images = await sampleImages();
  let closed = 0;
  const missing: BenchCodec = { ...rawCodec('missing'), available: async () => ({ available: false, reason: 'tool-x is not installed' }) };
  const failing: BenchCodec = {
    ...rawCodec('failing'),
    decode: async () => {
      throw new CorruptStreamError('failing: cannot decode its own file');
    },
    close: async () => {
      closed++;
    },
  };
  const progress: [number, string][] = [];
  const result = await runBench('samples', images, [missing, failing, rawCodec('raw')], { onProgress: (done, total, codec) => {
    assert.equal(total, 12);
    progress.push([done, codec]);
  } });
  const [skipped, failed, raw] = result.codecs;
  assert.deepEqual([skipped!.skipped, skipped!.bpd, skipped!.exact, skipped!.version], ['tool-x is not installed', null, null, null]);
  assert.deepEqual([failed!.error, failed!.bpd, failed!.exact, failed!.skipped], ['failing: cannot decode its own file', null, null, null]);
  assert.equal(closed, 1, 'a failing codec is still closed');
  assert.equal(raw!.bpd, 8);
  assert.deepEqual(progress.map(([done]) => done), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(progress.map(([, codec]) => codec), [...Array(4).fill('missing'), ...Array(4).fill('failing'), ...Array(4).fill('raw')]);
});

test('a learned codec\'s estimates are reported, even when it cannot code yet', async () => {
  const images = await sampleImages();
  const estimates = { float: { bpd: 3.25, note: 'checkpoint' }, integer: { bpd: null, note: 'no model file' } };
  const seen: number[] = [];
  const learned: BenchCodec = {
    ...rawCodec('idfz'),
    available: async () => ({ available: false, reason: 'no codec' }),
    estimate: async (given) => {
      seen.push(given.length);
      return estimates;
    },
  };
  const [result] = (await runBench('samples', images, [learned])).codecs;
  assert.deepEqual(result!.estimated, estimates);
  assert.equal(result!.skipped, 'no codec');
  assert.deepEqual(seen, [4]);
  assert.equal((await runBench('samples', images, [rawCodec('raw')])).codecs[0]!.estimated, undefined);
});

test('a bug (not an IdfzError) in a codec is not swallowed', async () => {
  const broken: BenchCodec = { ...rawCodec('broken'), encode: async () => { throw new TypeError('boom'); } };
  await assert.rejects(runBench('samples', await sampleImages(), [broken]), TypeError);
});
