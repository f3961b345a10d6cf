import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPixelBuffer, describePixels, isChannels, pixelBytes } from '../../src/image/pixel-buffer.js';
import { InternalError } from '../../src/core/errors.js';

test('createPixelBuffer keeps geometry, samples and metadata', () => {
  const data = Uint8Array.from([1, 2, 3, 4, 5, 6]);
  const pixels = createPixelBuffer({ width: 1, height: 2, channels: 3, bitDepth: 8, data, metadata: { format: 'png', orientation: 6 } });
  assert.deepEqual([pixels.width, pixels.height, pixels.channels, pixels.bitDepth], [1, 2, 3, 8]);
  assert.equal(pixels.data, data);
  assert.deepEqual(pixels.metadata, { format: 'png', orientation: 6 });
  assert.equal('metadata' in createPixelBuffer({ width: 1, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(1) }), false);
});

test('createPixelBuffer refuses a broken invariant with InternalError', () => {
  const cases = [
    { width: 0, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(0) },
    { width: 1.5, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(1) },
    { width: 1, height: -1, channels: 1, bitDepth: 8, data: new Uint8Array(1) },
    { width: 1, height: 1, channels: 5, bitDepth: 8, data: new Uint8Array(5) },
    { width: 1, height: 1, channels: 0, bitDepth: 8, data: new Uint8Array(0) },
    { width: 2, height: 1, channels: 1, bitDepth: 8, data: new Uint8Array(3) },
    { width: 1, height: 1, channels: 1, bitDepth: 16, data: new Uint8Array(1) },
    { width: 1, height: 1, channels: 1, bitDepth: 8, data: new Uint16Array(1) },
  ] as const;
  for (const init of cases) {
    assert.throws(() => createPixelBuffer(init as never), InternalError, JSON.stringify({ ...init, data: init.data.length }));
  }
});

test('isChannels accepts 1..4 only', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 2.5].map(isChannels), [false, true, true, true, true, false, false]);
});

test('pixelBytes gives 16-bit samples little-endian and 8-bit samples as they are', () => {
  const wide = createPixelBuffer({ width: 2, height: 1, channels: 1, bitDepth: 16, data: Uint16Array.from([0x0102, 0xfffe]) });
  assert.deepEqual([...pixelBytes(wide)], [0x02, 0x01, 0xfe, 0xff]);
  const narrow = createPixelBuffer({ width: 2, height: 1, channels: 1, bitDepth: 8, data: Uint8Array.from([7, 9]) });
  assert.deepEqual([...pixelBytes(narrow)], [7, 9]);
});

test('describePixels names geometry, layout and depth', () => {
  assert.equal(describePixels(createPixelBuffer({ width: 33, height: 17, channels: 4, bitDepth: 8, data: new Uint8Array(33 * 17 * 4) })), '33x17 RGBA 8-bit');
  assert.equal(describePixels(createPixelBuffer({ width: 1, height: 1, channels: 2, bitDepth: 16, data: new Uint16Array(2) })), '1x1 grey+alpha 16-bit');
});
