import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { atomicWrite, removePendingTemporaryFiles, writeToStream } from '../../src/core/atomic-write.js';
import { OutputClosedError, UsageError } from '../../src/core/errors.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-atomic-write-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

function freshFolder(name: string): string {
  const folder = path.join(root, name);
  mkdirSync(folder);
  return folder;
}

test('writes the bytes and leaves no temporary file', async () => {
  const folder = freshFolder('plain');
  const target = path.join(folder, 'out.png');
  await atomicWrite(target, Uint8Array.from([1, 2, 3]));
  assert.deepEqual([...readFileSync(target)], [1, 2, 3]);
  assert.deepEqual(readdirSync(folder), ['out.png']);
});

test('refuses to replace an existing file without force, leaving it untouched', async () => {
  const folder = freshFolder('exists');
  const target = path.join(folder, 'out.png');
  writeFileSync(target, 'old');
  await assert.rejects(atomicWrite(target, Uint8Array.from([9]), { name: 'out.png' }), (error: Error) => error instanceof UsageError && error.message === 'out.png: already exists; use -f (--force) to overwrite it');
  assert.equal(readFileSync(target, 'utf8'), 'old');
  assert.deepEqual(readdirSync(folder), ['out.png']);
});

test('force replaces an existing file', async () => {
  const folder = freshFolder('force');
  const target = path.join(folder, 'out.png');
  writeFileSync(target, 'old');
  await atomicWrite(target, Uint8Array.from([7, 7]), { force: true });
  assert.deepEqual([...readFileSync(target)], [7, 7]);
  assert.deepEqual(readdirSync(folder), ['out.png']);
});

test('a folder that exists but takes no new files (Linux /proc) is not called missing', { skip: !existsSync('/proc/self') }, async () => {
  // Regression: `idfz decompress photo.idf -o /proc/out.png` said "folder /proc does not exist".
  await assert.rejects(atomicWrite('/proc/idfz-atomic-write-test.png', Uint8Array.from([1])), (error: Error) =>
    error instanceof UsageError && /^\/proc\/idfz-atomic-write-test\.png: cannot write: folder \/proc takes no new files \(ENOENT\)$/.test(error.message));
});

test('a missing folder or a folder as destination fails cleanly, creating nothing', async () => {
  const folder = freshFolder('missing');
  await assert.rejects(atomicWrite(path.join(folder, 'no', 'out.png'), Uint8Array.from([1])), (error: Error) => error instanceof UsageError && /cannot write: folder .*no does not exist$/.test(error.message));
  const sub = path.join(folder, 'sub');
  mkdirSync(sub);
  await assert.rejects(atomicWrite(sub, Uint8Array.from([1])), /already exists/);
  await assert.rejects(atomicWrite(sub, Uint8Array.from([1]), { force: true }), (error: Error) => error instanceof UsageError && /it is a folder$/.test(error.message));
  assert.deepEqual(readdirSync(folder), ['sub']);
  assert.deepEqual(readdirSync(sub), []);
});

test('writeToStream hands the bytes to the stream without ending it', async () => {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeToStream(stream, Uint8Array.from([1, 2]));
  await writeToStream(stream, Uint8Array.from([3]));
  assert.deepEqual([...Buffer.concat(chunks)], [1, 2, 3]);
  assert.equal(stream.writableEnded, false);
});

test('writeToStream rejects with the stream\'s error; EPIPE (reader gone) is an OutputClosedError (exit 141)', async () => {
  const failing = (code: string): Writable => new Writable({ write: (_chunk, _encoding, callback) => callback(Object.assign(new Error(`write ${code}`), { code })) });
  await assert.rejects(writeToStream(failing('EIO'), Uint8Array.from([1])), /write EIO/);
  const pipe = failing('EPIPE');
  await assert.rejects(writeToStream(pipe, Uint8Array.from([1])), (error: Error) => error instanceof OutputClosedError && error.exitCode === 141 && /^stdout: the reading end of the pipe closed/.test(error.message));
  // The 'error' event the stream emits after the callback must not be unhandled.
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(pipe.listenerCount('error') > 0);
});

test('removePendingTemporaryFiles removes the temporary file of a write in flight (what a signal handler calls)', async () => {
  const folder = freshFolder('interrupted');
  const destination = path.join(folder, 'big.idf');
  let seen = false;
  // Large enough that the write is still in flight while the folder is polled.
  const writing = atomicWrite(destination, new Uint8Array(256 * 2 ** 20)).catch((error: unknown) => error);
  for (let i = 0; i < 10000 && !seen; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    seen = readdirSync(folder).some((name) => name.endsWith('.tmp'));
  }
  assert.ok(seen, 'the temporary file was never seen');
  assert.equal(removePendingTemporaryFiles(), 1);
  assert.deepEqual(readdirSync(folder).filter((name) => name.endsWith('.tmp')), []);
  await writing;
  assert.equal(removePendingTemporaryFiles(), 0, 'nothing is left pending after the write ended');
  assert.deepEqual(readdirSync(folder).filter((name) => name.endsWith('.tmp')), []);
});
