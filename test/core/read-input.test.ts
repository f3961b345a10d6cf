import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DEFAULT_MAX_INPUT_BYTES, readInput } from '../../src/core/read-input.js';
import { BadInputError, LimitError, UsageError } from '../../src/core/errors.js';

const folder = mkdtempSync(path.join(tmpdir(), 'idfz-read-input-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) & 0xff));
const file = path.join(folder, 'data.bin');
writeFileSync(file, bytes);

test('reads a whole file, larger than one read chunk', async () => {
  assert.deepEqual(await readInput(file), bytes);
});

test('reads an empty file as zero bytes', async () => {
  const empty = path.join(folder, 'empty');
  writeFileSync(empty, '');
  assert.equal((await readInput(empty)).length, 0);
});

test('"-" reads the whole stdin stream, in chunks', async () => {
  const stdin = Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
  assert.deepEqual(await readInput('-', { stdin }), bytes);
});

test('"-" without a stdin stream is a usage error', async () => {
  await assert.rejects(readInput('-'), UsageError);
});

test('byte limit: exactly at the limit passes, one byte over fails, for files and streams', async () => {
  assert.equal((await readInput(file, { maxBytes: bytes.length })).length, bytes.length);
  await assert.rejects(readInput(file, { maxBytes: bytes.length - 1, name: 'd.bin' }), (error: Error) => error instanceof LimitError && error.message === `d.bin: input of ${bytes.length} bytes is above the limit of ${bytes.length - 1} bytes`);
  await assert.rejects(readInput('-', { stdin: Readable.from([bytes]), maxBytes: 10 }), (error: Error) => error instanceof LimitError && error.message.startsWith('stdin: input of more than 10 bytes'));
  assert.equal(DEFAULT_MAX_INPUT_BYTES, 2 ** 31);
});

test('missing files, folders and paths through a file are one-line BadInputErrors naming the input', async () => {
  const cases: [string, RegExp][] = [
    [path.join(folder, 'nothing.png'), /nothing\.png: no such file; check the path$/],
    [folder, /: is a folder, expected an image file$/],
    [path.join(file, 'below'), /below: no such file \(a part of the path is not a folder\)$/],
  ];
  for (const [source, message] of cases) {
    await assert.rejects(readInput(source), (error: Error) => error instanceof BadInputError && message.test(error.message) && !error.message.includes('\n'), source);
  }
  await assert.rejects(readInput(folder, { name: 'shown' }), /^BadInputError: shown: is a folder/);
  await assert.rejects(readInput(folder, { name: 'shown', expected: 'an .idf file' }), /^BadInputError: shown: is a folder, expected an \.idf file$/);
});
