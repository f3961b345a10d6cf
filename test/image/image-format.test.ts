import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extensionFor, OUTPUT_FORMATS, outputFormatOfPath } from '../../src/image/image-format.js';

test('png is the default (first) output format', () => {
  assert.deepEqual(OUTPUT_FORMATS, ['png', 'webp', 'tiff', 'pnm']);
});

test('outputFormatOfPath maps extensions case-insensitively', () => {
  const cases: [string, string | undefined][] = [
    ['a.png', 'png'],
    ['dir.v2/A.PNG', 'png'],
    ['x.webp', 'webp'],
    ['x.tif', 'tiff'],
    ['x.TIFF', 'tiff'],
    ['x.pgm', 'pnm'],
    ['x.ppm', 'pnm'],
    ['x.pam', 'pnm'],
    ['x.pnm', 'pnm'],
    ['x.jpg', 'read-only'],
    ['x.JPEG', 'read-only'],
    ['x.gif', 'read-only'],
    ['x.avif', 'read-only'],
    ['x.bin', undefined],
    ['noextension', undefined],
    ['dir.png/noextension', undefined],
  ];
  for (const [name, expected] of cases) assert.equal(outputFormatOfPath(name), expected, name);
});

test('extensionFor names PNM files by what they hold', () => {
  assert.deepEqual([1, 2, 3, 4].map((channels) => extensionFor('pnm', channels as 1 | 2 | 3 | 4)), ['.pgm', '.pam', '.ppm', '.pam']);
  assert.deepEqual(['png', 'webp', 'tiff'].map((format) => extensionFor(format as 'png', 3)), ['.png', '.webp', '.tif']);
});
