/**
 * batchTarget and the batch commands (src/cli/commands/batch-output.ts) seen from a terminal: binary output (an .idf
 * file, an image) is refused when stdout is a terminal, before any input is read, with one line and exit 2, as gzip
 * and zstd do; the same commands write to stdout when it is a pipe or a file, and text commands (info) still print.
 * An -o that ends with a slash names a folder: one that does not exist is an error, never a file of that name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { batchTarget } from '../../../src/cli/commands/batch-output.js';
import type { CliContext } from '../../../src/cli/context.js';
import { main } from '../../../src/cli/main.js';
import { UsageError } from '../../../src/core/errors.js';
import { FIXTURES, SHARED_DATA } from '../../helpers/paths.js';

interface Run {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs idfz in-process with stdout a terminal or not; stdin holds `stdin`. */
async function run(args: readonly string[], stdoutIsTTY: boolean, cwd: string, stdin?: Buffer): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const ctx: CliContext = { stdout, stderr, stdin: Readable.from(stdin ? [stdin] : []), stderrIsTTY: false, stdoutIsTTY, cwd };
  const code = await main(['node', 'idfz', ...args], ctx);
  return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
}

const TERMINAL = /^idfz: stdout is a terminal, which cannot take binary output; redirect it \(> file or \| program\) or give -o a file name\n$/;

test('batchTarget: stdout targets are refused on a terminal; files, folders and beside-the-input targets are not', async () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'idfz-batch-'));
  try {
    const base = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), stderrIsTTY: false, cwd };
    const tty: CliContext = { ...base, stdoutIsTTY: true };
    await assert.rejects(batchTarget(tty, ['-'], undefined), (error) => error instanceof UsageError && /stdout is a terminal/.test(error.message));
    await assert.rejects(batchTarget(tty, ['a.png'], '-'), UsageError);
    assert.deepEqual(await batchTarget(tty, ['a.png'], undefined), { kind: 'beside' });
    assert.deepEqual(await batchTarget(tty, ['-'], 'out.idf'), { kind: 'file', path: path.join(cwd, 'out.idf') });
    assert.deepEqual(await batchTarget(tty, ['a.png', 'b.png'], '.'), { kind: 'folder', path: cwd });
    assert.deepEqual(await batchTarget({ ...base, stdoutIsTTY: false }, ['-'], undefined), { kind: 'stdout' });
    assert.deepEqual(await batchTarget(base, ['a.png'], '-'), { kind: 'stdout' }, 'a context without stdoutIsTTY is not a terminal');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('compress, decompress and convert refuse to write binary to a terminal (exit 2, nothing written); info still prints', async () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'idfz-batch-'));
  try {
    const png = readFileSync(path.join(SHARED_DATA, 'usc-sipi-misc', 'ruler.512.png'));
    const idf = path.join(FIXTURES, 'golden', 'none-0-rgb-40x24.idf');
    for (const args of [['compress', '-', '--no-model'], ['compress', '-', '-o', '-', '--no-model'], ['convert', '-', '--format', 'pnm']]) {
      const result = await run(args, true, cwd, png);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, TERMINAL);
      assert.equal(result.stdout.length, 0);
    }
    const decompressed = await run(['decompress', idf, '-o', '-'], true, cwd);
    assert.equal(decompressed.code, 2);
    assert.match(decompressed.stderr, TERMINAL);
    assert.deepEqual(readdirSync(cwd), [], 'no file was written');
    // Not a terminal: the same pipelines work.
    const piped = await run(['compress', '-', '--no-model'], false, cwd, png);
    assert.equal(piped.code, 0, piped.stderr);
    assert.deepEqual(piped.stdout.subarray(0, 4), Buffer.from('\x89IDF', 'latin1'));
    const back = await run(['decompress', '-', '--format', 'pnm'], false, cwd, piped.stdout);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout.subarray(0, 16).toString('latin1'), /^P5\n512 512\n255\n/);
    const info = await run(['info', idf], true, cwd);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout.toString(), /image: 40 x 24, RGB, 8-bit/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('-o ending with a slash is a folder: an existing one receives the outputs, a missing one is a usage error (no file "out")', async () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'idfz-batch-'));
  try {
    const ctx: CliContext = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), stderrIsTTY: false, cwd };
    await assert.rejects(batchTarget(ctx, ['a.png'], 'out/'), (error) => error instanceof UsageError && error.message === '-o out/: no such folder; create it first, or give a file name without the trailing slash');
    assert.deepEqual(await batchTarget(ctx, ['a.png'], `.${path.sep}`), { kind: 'folder', path: cwd });
    const idf = path.join(FIXTURES, 'golden', 'none-0-rgb-40x24.idf');
    const result = await run(['decompress', idf, '-o', 'out/'], false, cwd);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^idfz: -o out\/: no such folder; create it first, or give a file name without the trailing slash\n$/);
    assert.deepEqual(readdirSync(cwd), []);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
