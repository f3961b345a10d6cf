/**
 * What the CLI batch tests (compress, convert, decompress) share: a temporary root per test file, removed when its
 * tests end, with fresh numbered work folders holding copies of fixtures; a sorted listing of a folder; and the
 * check that a failure is exactly one `idfz: ` line on stderr with no stack trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliResult } from '../helpers/run-cli.js';
import { fixturePath } from '../image/fixture-manifest.js';

/** Work folders under one temporary root; call at a test file's top level (it registers the clean-up). */
export class CliWorkspaces {
  /** The temporary root. */
  readonly root: string;
  private folders = 0;

  /** @param prefix the root's name prefix in the system temporary folder, e.g. `idfz-convert-` */
  constructor(prefix: string) {
    const root = mkdtempSync(path.join(tmpdir(), prefix));
    this.root = root;
    test.after(() => rmSync(root, { recursive: true, force: true }));
  }

  /** A fresh folder holding copies of the named fixtures. */
  folder(...fixtures: string[]): string {
    const folder = path.join(this.root, `w${this.folders++}`);
    mkdirSync(folder);
    for (const file of fixtures) copyFileSync(fixturePath(file), path.join(folder, file));
    return folder;
  }
}

/** Every path below `folder` (relative, sorted), to check what a command wrote or left behind. */
export function listing(folder: string): string[] {
  return readdirSync(folder, { recursive: true }).map(String).sort();
}

/** Exactly one line on stderr, starting `idfz: ` and matching `pattern`, with no stack trace. */
export function assertOneLine(result: CliResult, pattern: RegExp): void {
  const lines = result.stderr.split('\n');
  assert.equal(lines.length, 2, `one line on stderr, got: ${result.stderr}`);
  assert.equal(lines[1], '');
  assert.match(lines[0]!, /^idfz: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\bat .*\(.*:\d+:\d+\)/);
}
