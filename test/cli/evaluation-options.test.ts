/**
 * The options the evaluating commands share (src/cli/evaluation-options.ts): --split, --limit and --json with their
 * defaults and ranges, and the slice of a dataset that --limit asks for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { jsonOption, limitedDataset, limitOption, splitOption } from '../../src/cli/evaluation-options.js';
import type { ImageDataset } from '../../src/data/dataset.js';

function parse(args: string[], limitDescription?: string) {
  return new Command('t').exitOverride().configureOutput({ writeErr: () => undefined })
    .addOption(splitOption()).addOption(limitOption(limitDescription)).addOption(jsonOption())
    .parse(args, { from: 'user' }).opts();
}

test('--split defaults to test, --limit is an integer 1..1e9, --json a flag', () => {
  assert.deepEqual(parse([]), { split: 'test' });
  assert.deepEqual(parse(['--split', 'train', '--limit', '5', '--json']), { split: 'train', limit: 5, json: true });
  assert.throws(() => parse(['--split', 'valid']), /Allowed choices are train, test/);
  assert.throws(() => parse(['--limit', '0']), /Expected an integer 1\.\.1000000000 for --limit but received "0"/);
  assert.equal(limitOption().description, 'evaluate only the first n images');
  assert.equal(limitOption('code only the first n images').description, 'code only the first n images');
  assert.equal(jsonOption().description, 'print one JSON object on stdout');
});

test('limitedDataset: the first n images, or the dataset itself without a smaller limit', () => {
  const images = Uint8Array.from({ length: 5 * 4 }, (_, i) => i);
  const data: ImageDataset = { name: 'five', count: 5, height: 2, width: 2, channels: 1, images, labels: Uint16Array.of(0, 1, 2, 3, 4) };
  assert.equal(limitedDataset(data, undefined), data);
  assert.equal(limitedDataset(data, 5), data);
  assert.equal(limitedDataset(data, 9), data);
  const two = limitedDataset(data, 2);
  assert.equal(two.count, 2);
  assert.deepEqual([...two.images], [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual([...two.labels!], [0, 1]);
});
