/**
 * readFileInto (src/core/read-file-into.ts): fills a buffer from the start of a file, stops at the file's end, and
 * never reads past the buffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileInto } from '../../src/core/read-file-into.js';

test('readFileInto: the whole file, a shorter file, a longer file, an empty buffer', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'idfz-read-into-'));
  try {
    const file = path.join(dir, 'f.bin');
    const content = Uint8Array.from({ length: 70000 }, (_, i) => (i * 7) & 255);
    writeFileSync(file, content);
    const handle = await open(file, 'r');
    try {
      const exact = new Uint8Array(70000);
      assert.equal(await readFileInto(handle, exact), 70000);
      assert.deepEqual(exact, content);
      const larger = new Uint8Array(70010).fill(9);
      assert.equal(await readFileInto(handle, larger), 70000);
      assert.deepEqual(larger.subarray(0, 70000), content);
      assert.deepEqual([...larger.subarray(70000)], new Array(10).fill(9));
      const smaller = new Uint8Array(100);
      assert.equal(await readFileInto(handle, smaller), 100);
      assert.deepEqual(smaller, content.subarray(0, 100));
      assert.equal(await readFileInto(handle, new Uint8Array(0)), 0);
    } finally {
      await handle.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
