/**
 * The output-format rule convert and decompress share (src/cli/commands/image-output-format.ts): --format and -o's
 * extension must agree, either alone decides, PNG otherwise; and the batch helpers' help paragraph.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitStatusHelp } from '../../../src/cli/commands/batch-output.js';
import { imageFormatOption, imageOutputFormat } from '../../../src/cli/commands/image-output-format.js';

const usage = (pattern: RegExp) => (error: Error) => error.name === 'UsageError' && pattern.test(error.message);

test('imageOutputFormat: --format or -o decides, PNG by default, a disagreement or a read-only format is refused', () => {
  assert.equal(imageOutputFormat(undefined, undefined), 'png');
  assert.equal(imageOutputFormat('webp', undefined), 'webp');
  assert.equal(imageOutputFormat(undefined, 'out/a.tiff'), 'tiff');
  assert.equal(imageOutputFormat('pnm', 'a.ppm'), 'pnm');
  assert.throws(() => imageOutputFormat('png', 'a.webp'), usage(/^-o a\.webp names a webp file but --format is png; make them agree$/));
  assert.throws(() => imageOutputFormat(undefined, 'a.jpg'), usage(/^-o a\.jpg: idfz writes only lossless formats \(png, webp, tiff, pnm\); choose one/));
  assert.throws(() => imageOutputFormat('png', 'a.jpg'), usage(/^-o a\.jpg: idfz writes only lossless formats/));
});

test('imageFormatOption offers exactly the lossless formats; exitStatusHelp says the batch rule', () => {
  const option = imageFormatOption();
  assert.equal(option.flags, '--format <format>');
  assert.deepEqual(option.argChoices, ['png', 'webp', 'tiff', 'pnm']);
  assert.equal(option.defaultValue, undefined);
  assert.equal(exitStatusHelp('input was converted'), '\nExit status: 0 when every input was converted, 1 when any failed (each failure is one line on stderr).');
});
