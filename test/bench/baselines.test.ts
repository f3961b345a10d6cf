/** --baselines parsing: known names in the user's order, none, and every kind of bad list. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASELINE_NAMES, createBaselines, parseBaselines } from '../../src/bench/baselines.js';
import { UsageError } from '../../src/core/errors.js';

test('names are kept in the order given; none and empty select nothing', () => {
  assert.deepEqual(parseBaselines('jxl,png'), ['jxl', 'png']);
  assert.deepEqual(parseBaselines(' webp , avif '), ['webp', 'avif']);
  assert.deepEqual(parseBaselines(BASELINE_NAMES.join(',')), [...BASELINE_NAMES]);
  assert.deepEqual(parseBaselines('none'), []);
  assert.deepEqual(parseBaselines(''), []);
});

test('unknown, repeated and empty names are UsageErrors that say what is accepted', () => {
  const cases: [string, RegExp][] = [
    ['png,gif', /^Expected a comma-separated list of png, webp, avif, jxl, jp2 \(or none\) for --baselines but received "gif" in "png,gif"$/],
    ['PNG', /received "PNG"/],
    ['png,,webp', /received an empty name in "png,,webp"/],
    ['png,webp,png', /^--baselines names png twice in "png,webp,png"; list each codec once$/],
    ['none,png', /received "none"/],
  ];
  for (const [value, message] of cases) assert.throws(() => parseBaselines(value), (error: Error) => error instanceof UsageError && message.test(error.message), value);
});

test('createBaselines builds the codecs in order, each under its own name', () => {
  assert.deepEqual(createBaselines(['jp2', 'png', 'avif']).map((codec) => codec.name), ['jp2', 'png', 'avif']);
  assert.deepEqual(createBaselines([...BASELINE_NAMES]).map((codec) => codec.name), [...BASELINE_NAMES]);
});
