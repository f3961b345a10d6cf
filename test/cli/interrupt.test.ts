/**
 * The idfz process stopped from outside: Ctrl-C (SIGINT) or SIGTERM during a batch exits 130 / 143 with one line
 * and leaves only complete outputs (no temporary file, no half-written .idf); a closed stdout (`... -o - | head`)
 * ends silently with 141 (decompress, convert, --json); Ctrl-C in training ends with a checkpoint. These run
 * bin/idfz as a child process, since they are about the process itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compress } from '../../src/codec/index.js';
import { readIdfHeader, readTilePayload } from '../../src/container/index.js';
import { createPixelBuffer } from '../../src/image/pixel-buffer.js';
import { REPO_ROOT, SHARED_DATA } from '../helpers/paths.js';
import { writeTinyCifar10 } from '../helpers/tiny-cifar.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-interrupt-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const BIN = path.join(REPO_ROOT, 'bin', 'idfz');
const KODAK = ['01', '02', '03', '04', '05', '06', '07', '08'].map((n) => path.join(SHARED_DATA, 'kodak', `kodim${n}.png`));

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs idfz, sends `signal` once `when` holds (polled), and waits for the end. */
function runAndSignal(args: string[], signal: NodeJS.Signals, when: () => boolean): Promise<Ended> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const poll = setInterval(() => {
    if (when()) {
      clearInterval(poll);
      child.kill(signal);
    }
  }, 5);
  return new Promise((resolve) => child.on('close', (code, sig) => {
    clearInterval(poll);
    resolve({ code, signal: sig, stderr });
  }));
}

/** Every file in `folder` is a complete, intact .idf (header, table and every tile CRC). */
function assertOnlyCompleteOutputs(folder: string): string[] {
  const names = readdirSync(folder);
  assert.deepEqual(names.filter((name) => !name.endsWith('.idf')), [], 'no temporary or other files');
  for (const name of names) {
    const bytes = readFileSync(path.join(folder, name));
    const header = readIdfHeader(bytes, { source: name });
    header.tiles.forEach((_, i) => readTilePayload(bytes, header, i, name));
  }
  return names;
}

test('Ctrl-C in the middle of a batch: exit 130, one line, only complete outputs', async () => {
  const out = path.join(root, 'sigint');
  mkdirSync(out);
  const ended = await runAndSignal(['compress', ...KODAK, '-o', out, '--no-model', '--threads', '1', '-q'], 'SIGINT',
    () => readdirSync(out).some((name) => name.endsWith('.idf')));
  assert.deepEqual([ended.code, ended.signal], [130, null], ended.stderr);
  assert.equal(ended.stderr, 'idfz: stopped by SIGINT; no partial output was left\n');
  const written = assertOnlyCompleteOutputs(out);
  assert.ok(written.length >= 1 && written.length < KODAK.length, `${written.length} outputs`);
});

test('SIGTERM while an output is being written: exit 143, its temporary file removed', async () => {
  const out = path.join(root, 'sigterm');
  // The signal races the batch: a run that ended before it landed (exit 0, every output written) proves nothing,
  // so it is run again, in a fresh folder, a few times at most.
  let ended: Ended | null = null;
  for (let attempt = 0; attempt < 4 && (ended === null || ended.code === 0); attempt++) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out);
    ended = await runAndSignal(['compress', ...KODAK, '-o', out, '--no-model', '--threads', '1', '-q'], 'SIGTERM',
      () => readdirSync(out).some((name) => name.endsWith('.tmp')));
  }
  assert.ok(ended);
  assert.deepEqual([ended.code, ended.signal], [143, null], ended.stderr);
  assert.match(ended.stderr, /^idfz: stopped by SIGTERM; no partial output was left\n$/);
  assertOnlyCompleteOutputs(out);
});

const TRAINING_COMMANDS: readonly [string, (data: string, out: string) => string[]][] = [
  ['train', (data, out) => ['train', '--preset', 'tiny', '--dataset', 'cifar10', '--data', data, '--out', out, '--workers', '1', '--batch-size', '8', '--validation', '8']],
  ['hexaconv train', (data, out) => ['hexaconv', 'train', '--group', 'z2', '--widths', '2,2,2', '--blocks', '1', '--dataset', 'cifar10', '--data', data, '--out', out, '--workers', '1', '--batch-size', '8', '--validation', '8']],
];

for (const [name, argsFor] of TRAINING_COMMANDS) {
  test(`Ctrl-C during idfz ${name}: the run stops after its step with a final checkpoint and exit 0, not main's exit 130`, async () => {
    const data = writeTinyCifar10(root, 40);
    const out = path.join(root, `${name.replace(' ', '-')}-run`);
    const args = [...argsFor(data, out), '--epochs', '1000', '--checkpoint-minutes', '60'];
    let stderr = '';
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/(starting|resuming) training/.test(stderr) && child.signalCode === null && !stderr.includes('stopping')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.match(stderr, /stopping after the current step/);
    assert.doesNotMatch(stderr, /stopped by SIGINT/);
    assert.equal(code, 0, stderr);
    const state = JSON.parse(readFileSync(path.join(out, 'state.json'), 'utf8')) as { imagesSeen: number };
    assert.ok(Number.isInteger(state.imagesSeen) && state.imagesSeen < 1000 * 160, `${state.imagesSeen} images in the final checkpoint`);
  });
}

test('decompress -o - into a reader that stops early (| head -c 10): silent, exit 141', async () => {
  const file = path.join(root, 'grey.idf');
  // 3 MB as PNM, far more than a pipe holds, so the writer is still writing when the reader goes away.
  const pixels = createPixelBuffer({ width: 2048, height: 1536, channels: 1, bitDepth: 8, data: new Uint8Array(2048 * 1536).fill(77) });
  writeFileSync(file, (await compress(pixels)).bytes);
  const child = spawn(process.execPath, [BIN, 'decompress', file, '-o', '-', '--format', 'pnm'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let received = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    received += chunk.length;
    child.stdout.destroy(); // like head -c 10: read a little, then close the pipe
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.ok(received > 0);
  assert.equal(stderr, '');
  assert.equal(code, 141);
});

test('convert -o - into a reader that stops early: silent, exit 141 (as decompress)', async () => {
  const file = path.join(root, 'big.pgm');
  // A 3 MB PNM (far more than a pipe holds) converted to PNM on stdout.
  writeFileSync(file, Buffer.concat([Buffer.from('P5\n2048 1536\n255\n'), Buffer.alloc(2048 * 1536, 77)]));
  const child = spawn(process.execPath, [BIN, 'convert', file, '-o', '-', '--format', 'pnm'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  child.stdout.on('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(stderr, '');
  assert.equal(code, 141);
});

test('--json into a closed stdout: the output file is complete, the run ends silently with 141 (no crash)', async () => {
  const input = path.join(REPO_ROOT, 'fixtures', 'rgb-33x17.png');
  const output = path.join(root, 'json.idf');
  const child = spawn(process.execPath, [BIN, 'compress', input, '-o', output, '--no-model', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // the reader is gone before anything is printed
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(stderr, '');
  assert.equal(code, 141);
  assert.equal(readIdfHeader(readFileSync(output)).width, 33);
});
