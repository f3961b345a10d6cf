/**
 * The command-line baselines (cjxl, opj_compress, avifenc): real crops round-trip exactly through each tool's own
 * decoder, in the container the report names, grey as one plane; a missing tool is reported unavailable with what to
 * install. Tests of a tool that is not installed here are skipped with that reason (CI does not install them).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchCodec } from '../../src/bench/bench-codec.js';
import { avifCodec, jp2Codec, jp2Resolutions, jxlCodec } from '../../src/bench/tool-codecs.js';
import { BadInputError } from '../../src/core/errors.js';
import { sampleImages } from './sample-images.js';

/** Round-trips every sample image, or skips the test with the codec's reason when its tools are missing. */
async function roundTrip(t: TestContext, codec: BenchCodec, checkFile: (bytes: Uint8Array) => void): Promise<Uint8Array[]> {
  const availability = await codec.available();
  if (!availability.available) {
    t.skip(availability.reason);
    return [];
  }
  const files: Uint8Array[] = [];
  try {
    for (const image of await sampleImages()) {
      const bytes = await codec.encode(image);
      checkFile(bytes);
      assert.deepEqual(await codec.decode(bytes, image), image.data, `${codec.name}: ${image.name}`);
      files.push(bytes);
    }
  } finally {
    await codec.close?.();
  }
  return files;
}

test('jxl: exact round trip; cjxl writes a bare codestream (FF 0A)', async (t) => {
  await roundTrip(t, jxlCodec(), (bytes) => assert.deepEqual([bytes[0], bytes[1]], [0xff, 0x0a]));
});

test('jp2: exact round trip as a bare .j2k codestream (SOC, SIZ markers)', async (t) => {
  const files = await roundTrip(t, jp2Codec(), (bytes) => assert.deepEqual([...bytes.subarray(0, 4)], [0xff, 0x4f, 0xff, 0x51]));
  // Components in the SIZ marker (offset 40): 3 for RGB, 1 for the grey crop.
  if (files.length > 0) assert.deepEqual(files.map((bytes) => (bytes[40]! << 8) | bytes[41]!), [3, 3, 1, 3]);
});

test('avif: exact round trip (lossless 4:4:4 RGB, YUV400 grey) as an ISOBMFF file', async (t) => {
  const files = await roundTrip(t, avifCodec(), (bytes) => assert.equal(Buffer.from(bytes.subarray(4, 12)).toString('latin1'), 'ftypavif'));
  // The av1C box's mono_chrome flag (bit 0x10 of its third byte): set for the grey crop only, so grey is one plane.
  const monochrome = (bytes: Uint8Array): boolean => {
    const at = Buffer.from(bytes).indexOf('av1C', 0, 'latin1');
    assert.ok(at > 0, 'an av1C box');
    return (bytes[at + 4 + 2]! & 0x10) !== 0;
  };
  if (files.length > 0) assert.deepEqual(files.map(monochrome), [false, false, true, false]);
});

test('a missing encoder or decoder makes the codec unavailable, naming the tool and the package', async () => {
  const noEncoder = await jxlCodec({ encoder: 'idfz-test-no-such-cjxl' }).available();
  assert.equal(noEncoder.available, false);
  assert.match(noEncoder.available ? '' : noEncoder.reason, /^idfz-test-no-such-cjxl is not installed \(not on PATH\); install the Debian package libjxl-tools/);
  const noDecoder = await jp2Codec({ decoder: 'idfz-test-no-such-opj' }).available();
  assert.match(noDecoder.available ? '' : noDecoder.reason, /idfz-test-no-such-opj is not installed .*libopenjp2-tools/);
  const none = await avifCodec({ encoder: 'idfz-test-no-avifenc', decoder: 'idfz-test-no-avifdec' }).available();
  assert.match(none.available ? '' : none.reason, /idfz-test-no-avifenc is not installed.*; idfz-test-no-avifdec is not installed/);
});

test('a tool that fails on an image is a one-line BadInputError naming codec, image and tool', async (t) => {
  // `false` ignores its arguments and exits 1: a stand-in for an encoder that rejects the image.
  const codec = jxlCodec({ encoder: 'false', decoder: 'false' });
  if (!(await codec.available()).available) return t.skip('no `false` command on this machine');
  const [image] = await sampleImages();
  await assert.rejects(codec.encode(image!), (error: Error) => {
    assert.ok(error instanceof BadInputError);
    assert.match(error.message, /^jxl: kodim23\.png@300,200: false exited with code 1$/);
    return true;
  });
  await codec.close?.();
});

test('jp2 resolution levels: the default 6, fewer for small images', () => {
  assert.equal(jp2Resolutions(768, 512), 6);
  assert.equal(jp2Resolutions(32, 32), 6);
  assert.equal(jp2Resolutions(33, 17), 5);
  assert.equal(jp2Resolutions(1, 1), 1);
  assert.equal(jp2Resolutions(2, 300), 2);
});

test('command-line codecs are timed per process', () => {
  for (const codec of [jxlCodec(), jp2Codec(), avifCodec()]) assert.equal(codec.timing, 'per-process');
});
