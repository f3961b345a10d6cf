import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError, LimitError } from '../../src/core/errors.js';
import { ZipArchive } from '../../src/data/zip-archive.js';
import { zipBytes } from './formats.js';
import { withTempDir } from './temp-dir.js';

const ALPHA = Buffer.from('alpha '.repeat(100));
const BETA = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);

async function archiveOf(dir: string, bytes: Uint8Array): Promise<ZipArchive> {
  const file = path.join(dir, 'a.zip');
  await writeFile(file, bytes);
  return ZipArchive.open(file);
}

test('stored, deflated and Zip64-described entries read back exactly', async () => {
  await withTempDir(async (dir) => {
    const zip = await archiveOf(dir, zipBytes([
      { name: 'alpha.txt', data: ALPHA, deflate: true },
      { name: 'beta.bin', data: BETA },
      { name: 'gamma.bin', data: BETA, deflate: true, zip64: true },
    ]));
    try {
      assert.deepEqual(zip.entries.map((e) => [e.name, e.method, e.size]), [['alpha.txt', 8, 600], ['beta.bin', 0, 300], ['gamma.bin', 8, 300]]);
      assert.ok(zip.entry('alpha.txt')!.compressedSize < 100);
      assert.deepEqual(Buffer.from(await zip.read(zip.entry('alpha.txt')!, 1000)), ALPHA);
      assert.deepEqual([...await zip.read(zip.entry('beta.bin')!, 1000)], [...BETA]);
      assert.deepEqual([...await zip.read(zip.entry('gamma.bin')!, 1000)], [...BETA]);
      await assert.rejects(zip.read(zip.entry('beta.bin')!, 299), (error) => error instanceof LimitError && /beta\.bin holds 300 bytes/.test(error.message));
    } finally {
      await zip.close();
    }
  });
});

test('a file that is not a ZIP archive, or a truncated one, is a DataError', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(archiveOf(dir, Buffer.from('not a zip at all, just some text that is long enough')), /not a ZIP archive/);
    await assert.rejects(archiveOf(dir, new Uint8Array(5)), /too short for a ZIP archive/);
    const good = zipBytes([{ name: 'beta.bin', data: BETA }]);
    // Cut the archive in the middle of the data: the end record is gone.
    await assert.rejects(archiveOf(dir, good.subarray(0, 200)), DataError);
    await assert.rejects(ZipArchive.open(path.join(dir, 'missing.zip')), /missing\.zip: cannot open/);
  });
});

test('corrupt entries are caught: flipped data byte, bad offsets, unsupported method', async () => {
  await withTempDir(async (dir) => {
    const stored = Buffer.from(zipBytes([{ name: 'beta.bin', data: BETA }]));
    stored[30 + 8 + 5] ^= 0xff; // a data byte of beta.bin (after the 30-byte local header and its name)
    let zip = await archiveOf(dir, stored);
    await assert.rejects(zip.read(zip.entry('beta.bin')!, 1000), /beta\.bin: CRC-32 mismatch/);
    await zip.close();

    const deflated = Buffer.from(zipBytes([{ name: 'alpha.txt', data: ALPHA, deflate: true }]));
    deflated.writeUInt32LE(500, deflated.length - 22 - 9 - 46 + 24); // central directory: declared size 600 -> 500
    zip = await archiveOf(dir, deflated);
    await assert.rejects(zip.read(zip.entry('alpha.txt')!, 1000), /alpha\.txt: deflate data is corrupt or larger than its declared 500 bytes/);
    await zip.close();

    const moved = Buffer.from(zipBytes([{ name: 'beta.bin', data: BETA }]));
    moved.writeUInt32LE(10_000, moved.length - 22 - 8 - 46 + 42); // local header offset beyond the file
    await assert.rejects(archiveOf(dir, moved), /starts at byte 10000, inside or after the central directory/);

    const bzip = Buffer.from(zipBytes([{ name: 'beta.bin', data: BETA }]));
    bzip.writeUInt16LE(12, bzip.length - 22 - 8 - 46 + 10);
    zip = await archiveOf(dir, bzip);
    await assert.rejects(zip.read(zip.entry('beta.bin')!, 1000), /compressed with bzip2; re-save it/);
    await zip.close();

    const lying = Buffer.from(zipBytes([{ name: 'beta.bin', data: BETA }]));
    lying.writeUInt16LE(40, lying.length - 22 + 10); // 40 entries in a one-entry directory
    await assert.rejects(archiveOf(dir, lying), /40 entries cannot fit/);
  });
});
