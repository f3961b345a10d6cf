import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPnm, readPnm, writePnm } from '../../src/image/pnm.js';
import { createPixelBuffer, type PixelBuffer } from '../../src/image/pixel-buffer.js';
import { BadInputError, LimitError } from '../../src/core/errors.js';

const LIMIT = { maxPixels: 1 << 20, name: 'x.pnm' };
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const bytes = (header: string, raster: number[]): Uint8Array => new Uint8Array([...text(header), ...raster]);

function samples(count: number, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  // Spans the whole range, with high and low bytes that differ (a byte swap would show).
  return bitDepth === 8 ? Uint8Array.from({ length: count }, (_, i) => (i * 37 + 255) & 0xff) : Uint16Array.from({ length: count }, (_, i) => (i * 4099 + 0x0102) & 0xffff);
}

function image(width: number, height: number, channels: number, bitDepth: 8 | 16): PixelBuffer {
  const data = samples(width * height * channels, bitDepth);
  return data instanceof Uint16Array ? createPixelBuffer({ width, height, channels, bitDepth: 16, data }) : createPixelBuffer({ width, height, channels, bitDepth: 8, data });
}

test('writePnm then readPnm gives back every layout and depth exactly', () => {
  for (const bitDepth of [8, 16] as const) {
    for (const channels of [1, 2, 3, 4]) {
      const original = image(5, 3, channels, bitDepth);
      const back = readPnm(writePnm(original), LIMIT);
      assert.deepEqual([back.width, back.height, back.channels, back.bitDepth], [5, 3, channels, bitDepth]);
      assert.deepEqual(back.data, original.data);
      assert.equal(back.metadata?.format, 'pnm');
    }
  }
});

test('writePnm writes P5, P6 and P7 headers and big-endian 16-bit samples', () => {
  const grey = createPixelBuffer({ width: 2, height: 1, channels: 1, bitDepth: 16, data: Uint16Array.from([0x0102, 0xfffe]) });
  assert.deepEqual(writePnm(grey), bytes('P5\n2 1\n65535\n', [1, 2, 0xff, 0xfe]));
  const rgb = createPixelBuffer({ width: 1, height: 1, channels: 3, bitDepth: 8, data: Uint8Array.from([1, 2, 3]) });
  assert.deepEqual(writePnm(rgb), bytes('P6\n1 1\n255\n', [1, 2, 3]));
  const greyAlpha = createPixelBuffer({ width: 1, height: 1, channels: 2, bitDepth: 8, data: Uint8Array.from([9, 8]) });
  assert.deepEqual(writePnm(greyAlpha), bytes('P7\nWIDTH 1\nHEIGHT 1\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n', [9, 8]));
});

test('isPnm recognises P1..P7 followed by whitespace only', () => {
  for (let kind = 1; kind <= 7; kind++) assert.equal(isPnm(text(`P${kind}\n`)), true);
  assert.equal(isPnm(text('P8\n')), false);
  assert.equal(isPnm(text('P6x')), false);
  assert.equal(isPnm(text('P6')), false);
  assert.equal(isPnm(text('\x89PNG')), false);
});

test('header comments and any whitespace are accepted', () => {
  const pixels = readPnm(bytes('P5 # comment\n#another\r\n 2\t1 # w h\n255\n', [7, 200]), LIMIT);
  assert.deepEqual([pixels.width, pixels.height, pixels.channels, pixels.bitDepth, ...pixels.data], [2, 1, 1, 8, 7, 200]);
});

test('plain P1, P2 and P3 rasters read like their binary forms', () => {
  assert.deepEqual(readPnm(text('P1\n3 2\n1 0 1\n001'), LIMIT).data, Uint8Array.from([0, 255, 0, 255, 255, 0]));
  assert.deepEqual(readPnm(text('P2 2 2 65535\n0 65535\n258 # c\n7'), LIMIT).data, Uint16Array.from([0, 65535, 258, 7]));
  assert.deepEqual(readPnm(text('P3 1 2 255 1 2 3 4 5 6'), LIMIT).data, Uint8Array.from([1, 2, 3, 4, 5, 6]));
});

test('P4 bitmaps: 1 is black (0), rows are padded to whole bytes', () => {
  // 10 pixels per row: two bytes per row, the last 6 bits padding.
  const pixels = readPnm(bytes('P4\n10 2\n', [0b10100000, 0b11000000, 0xff, 0xff]), LIMIT);
  assert.deepEqual([...pixels.data], [0, 255, 0, 255, 255, 255, 255, 255, 0, 0, ...new Array(10).fill(0)]);
});

test('maxvals 1, 3 and 15 scale exactly to 8 bits; PAM BLACKANDWHITE keeps 1 = white', () => {
  assert.deepEqual([...readPnm(bytes('P5 4 1 3\n', [0, 1, 2, 3]), LIMIT).data], [0, 85, 170, 255]);
  assert.deepEqual([...readPnm(text('P2 2 1 15\n0 15'), LIMIT).data], [0, 255]);
  const pam = readPnm(bytes('P7\nWIDTH 2\nHEIGHT 1\nDEPTH 1\nMAXVAL 1\nTUPLTYPE BLACKANDWHITE\nENDHDR\n', [0, 1]), LIMIT);
  assert.deepEqual([...pam.data], [0, 255]);
});

test('PAM without TUPLTYPE takes its layout from DEPTH; TUPLTYPE may be repeated lines joined', () => {
  const pixels = readPnm(bytes('P7\n# c\nWIDTH 1\nHEIGHT 1\nDEPTH 4\nMAXVAL 65535\nENDHDR\n', [0, 1, 0, 2, 0, 3, 0xff, 0xff]), LIMIT);
  assert.deepEqual([pixels.channels, pixels.bitDepth, ...pixels.data], [4, 16, 1, 2, 3, 65535]);
  assert.equal(readPnm(bytes('P7\nWIDTH 1\nHEIGHT 1\nDEPTH 2\nMAXVAL 255\nTUPLTYPE GRAYSCALE_ALPHA\nENDHDR\n', [1, 2]), LIMIT).channels, 2);
});

const BAD: [string, Uint8Array, RegExp][] = [
  ['zero width', bytes('P5 0 1 255\n', []), /0x1, it has no pixels/],
  ['zero height', bytes('P6 1 0 255\n', []), /1x0, it has no pixels/],
  ['maxval 100', bytes('P5 1 1 100\n', [5]), /maxval 100/],
  ['maxval 0', bytes('P5 1 1 0\n', [0]), /maxval 0/],
  ['maxval 4095', bytes('P5 1 1 4095\n', [0, 5]), /maxval 4095/],
  ['maxval above 65535', bytes('P5 1 1 65536\n', [0]), /maxval 65536 is above 65535/],
  ['sample above maxval', bytes('P5 2 1 15\n', [3, 16]), /sample value 16 above maxval 15/],
  ['plain sample above maxval', text('P2 2 1 255 1 256'), /sample value 256 above maxval 255/],
  ['truncated raster', bytes('P6 2 2 255\n', [1, 2, 3]), /truncated PNM: the pixel data needs 12 bytes, the file has 3/],
  ['truncated plain raster', text('P2 2 2 255 1 2 3 4'.slice(0, -2)), /at least 4 bytes|expected a sample/],
  ['header cut short', text('P6 12'), /expected the height at byte 5, found the end of the file/],
  ['garbage in the header', text('P6 12 x 255\n'), /expected the height at byte 6, found byte 0x78/],
  ['no whitespace after the header', bytes('P5 1 1 255', [42]), /no whitespace after the header/],
  ['width above 2^31', text('P5 99999999999 1 255\n'), /width 9999999999 is above/],
  ['plain P1 digit 2', text('P1 2 1 0 2'), /a pixel 2 is above 1/],
  ['PAM without ENDHDR', text('P7\nWIDTH 1\n'), /no ENDHDR/],
  ['PAM missing DEPTH', text('P7\nWIDTH 1\nHEIGHT 1\nMAXVAL 255\nENDHDR\n'), /no DEPTH line/],
  ['PAM DEPTH 5', text('P7\nWIDTH 1\nHEIGHT 1\nDEPTH 5\nMAXVAL 255\nENDHDR\n'), /DEPTH 5/],
  ['PAM TUPLTYPE against DEPTH', text('P7\nWIDTH 1\nHEIGHT 1\nDEPTH 3\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n'), /needs DEPTH 4, not 3/],
  ['PAM unknown TUPLTYPE', text('P7\nWIDTH 1\nHEIGHT 1\nDEPTH 4\nMAXVAL 255\nTUPLTYPE CMYK\nENDHDR\n'), /TUPLTYPE "CMYK"/],
  ['PAM bad number', text('P7\nWIDTH -1\nHEIGHT 1\nDEPTH 1\nMAXVAL 255\nENDHDR\n'), /WIDTH "-1" is not a number/],
  ['PAM unknown line', text('P7\nSIZE 1\nENDHDR\n'), /unknown line "SIZE 1"/],
  ['not PNM at all', text('GIF89a'), /not a PNM image/],
];

for (const [what, input, message] of BAD) {
  test(`refused with one BadInputError line: ${what}`, () => {
    assert.throws(
      () => readPnm(input, LIMIT),
      (error: Error) => error instanceof BadInputError && message.test(error.message) && error.message.startsWith('x.pnm: ') && !error.message.includes('\n'),
    );
  });
}

test('the pixel limit is checked from the header, before the raster is needed', () => {
  // The raster is absent: only the header says 5000x5000.
  assert.throws(() => readPnm(text('P6 5000 5000 255\n'), { maxPixels: 1_000_000, name: 'big.ppm' }), (error: Error) => error instanceof LimitError && /big\.ppm: 5000x5000 image has 25000000 pixels, above the limit of 1000000/.test(error.message));
  assert.equal(readPnm(bytes('P5 2 2 255\n', [1, 2, 3, 4]), { maxPixels: 4 }).width, 2);
  assert.throws(() => readPnm(bytes('P5 2 2 255\n', [1, 2, 3, 4]), { maxPixels: 3 }), LimitError);
});

test('only the first image of a multi-image file is read', () => {
  const pixels = readPnm(bytes('P5 1 1 255\n', [42, ...text('P5 1 1 255\n'), 43]), LIMIT);
  assert.deepEqual([...pixels.data], [42]);
});
