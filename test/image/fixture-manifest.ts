/**
 * The fixtures' manifest (fixtures/manifest.json, written by scripts/make-fixtures.ts): what reading each fixture
 * must give. Shared by the image and CLI tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../helpers/paths.js';

/** A fixture that reads as an image. */
export interface ValidFixture {
  file: string;
  sha256: string;
  how: string;
  valid: true;
  format: string;
  width: number;
  height: number;
  channels: number;
  bitDepth: number;
  /** sha256 of the decoded samples (16-bit little-endian); null for lossy files. */
  pixelsSha256: string | null;
  orientation?: number;
  icc?: boolean;
}

/** A fixture that must be refused. */
export interface InvalidFixture {
  file: string;
  sha256: string;
  how: string;
  valid: false;
  error: 'BadInputError' | 'LimitError';
}

export type FixtureEntry = ValidFixture | InvalidFixture;

/** Every manifest entry, in manifest order. */
export const MANIFEST: readonly FixtureEntry[] = JSON.parse(readFileSync(path.join(FIXTURES, 'manifest.json'), 'utf8')) as FixtureEntry[];

/** Absolute path of a fixture file. */
export function fixturePath(file: string): string {
  return path.join(FIXTURES, file);
}

/** The manifest entry for `file`. */
export function fixture(file: string): FixtureEntry {
  const entry = MANIFEST.find((candidate) => candidate.file === file);
  if (!entry) throw new Error(`fixture ${file} is not in fixtures/manifest.json`);
  return entry;
}
