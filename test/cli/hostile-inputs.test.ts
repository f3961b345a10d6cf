/**
 * Every hostile or unsupported fixture (truncated and garbled PNG / JPEG / PNM, zero width, absurd declared size, CMYK,
 * BMP, SVG, text, an empty file) through `idfz compress` in one batch: exactly one line each naming the file, exit 1,
 * nothing written, and the absurd size refused from its header (no gigabytes allocated, no long decode).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MANIFEST, fixturePath } from '../image/fixture-manifest.js';
import { runCli } from '../helpers/run-cli.js';

const root = mkdtempSync(path.join(tmpdir(), 'idfz-hostile-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const INVALID = MANIFEST.filter((entry) => !entry.valid).map((entry) => entry.file);

test('each invalid fixture fails with one line naming it; the batch ends with exit 1 and no output', async () => {
  assert.ok(INVALID.length >= 10);
  for (const file of INVALID) copyFileSync(fixturePath(file), path.join(root, file));
  const before = readdirSync(root).sort();
  const started = performance.now();
  const result = await runCli(['-q', 'compress', ...INVALID, '--threads', '1'], { cwd: root });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(result.code, 1);
  const lines = result.stderr.trimEnd().split('\n');
  assert.deepEqual(lines.map((line) => line.match(/^idfz: ([^:]+): /)?.[1]), INVALID, result.stderr);
  for (const line of lines) assert.ok(line.length < 300 && !/internal error|\bat .*\.js:\d+/.test(line), line);
  assert.match(lines[INVALID.indexOf('huge-1000000x1000000.png')]!, /1000000 x 1000000|1000000x1000000|pixels/);
  assert.deepEqual(readdirSync(root).sort(), before, 'nothing written');
  assert.ok(seconds < 30, `${seconds} s`);
});
