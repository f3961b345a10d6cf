/**
 * The fallback coder's mode-5 golden streams (fixtures/golden/none-0-mode5-*.idf, written before the encoder
 * switched to mode 5): they exist (grey, RGB, 16-bit RGB), and each really holds mode-5 streams (every
 * tile's colour stream starts with its mode byte, constant or raw slivers aside); likewise the mode-8 golden
 * (v2-none-0-mixed-rgb-48x32, written when the encoder switched to mode 8) holds mode-8 streams and the widened 16-bit
 * goldens (v2-none-0-rgb16x257, -rgb16lsb4) hold mode-7 streams. golden.test.ts decodes every golden bit-exactly;
 * this test keeps these from silently being some other mode's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FALLBACK_MODE } from '../../src/codec/fallback-coder.js';
import { readIdfHeader } from '../../src/container/index.js';
import { FIXTURES } from '../helpers/paths.js';
import type { GoldenEntry } from '../../scripts/golden-entry.js';

const GOLDEN = path.join(FIXTURES, 'golden');
const entries = JSON.parse(readFileSync(path.join(GOLDEN, 'golden.json'), 'utf8')) as GoldenEntry[];

const CASCADE = FALLBACK_MODE.cascade;

test('mode 5 has goldens (grey, RGB, 16-bit RGB), and their tiles are mode-5 streams', () => {
  const own = entries.filter((e) => e.file.startsWith(`none-0-mode${CASCADE}-`));
  assert.deepEqual(own.map((e) => `${e.channels}/${e.bitDepth}`).sort(), ['1/8', '3/16', '3/8']);
  for (const entry of own) {
    const bytes = readFileSync(path.join(GOLDEN, entry.file));
    const header = readIdfHeader(bytes, { source: entry.file });
    assert.ok(header.tiles.length > 1 && header.tiles.every((tile) => tile.fallback), entry.file);
    // A fallback tile without alpha is one section: the colour planes' fallback stream, mode byte first.
    const modes = header.tiles.map((tile) => bytes[tile.offset]!);
    assert.ok(modes.every((mode) => mode === CASCADE || mode === FALLBACK_MODE.constant || mode === FALLBACK_MODE.raw), `${entry.file}: modes ${modes}`);
    // The two full 16 x 16 tiles (of six) at least are predictive; slivers may be constant or raw.
    assert.ok(modes.filter((mode) => mode === CASCADE).length >= 2, `${entry.file}: modes ${modes}`);
  }
});

test('mode 8 has a golden (a textured Kodak RGB crop in six tiles), and five of its tiles are mode-8 streams', () => {
  const file = 'v2-none-0-mixed-rgb-48x32.idf';
  assert.ok(entries.some((e) => e.file === file), 'listed in golden.json');
  const bytes = readFileSync(path.join(GOLDEN, file));
  const header = readIdfHeader(bytes, { source: file });
  assert.ok(header.tiles.every((tile) => tile.fallback), file);
  // Five tiles are mode 8; on the fourth the copy model (mode 6) was shorter, as the encoder allows.
  const { mixed, copy } = FALLBACK_MODE;
  assert.deepEqual(header.tiles.map((tile) => bytes[tile.offset]), [mixed, mixed, mixed, copy, mixed, mixed]);
});

test('the widened 16-bit goldens hold mode-7 streams: x257 as 8-bit replication, 4 noisy low bits as a mask fill', () => {
  const descriptors = (file: string): number[] => {
    const bytes = readFileSync(path.join(GOLDEN, file));
    const header = readIdfHeader(bytes, { source: file });
    assert.ok(header.tiles.every((tile) => tile.fallback && bytes[tile.offset] === FALLBACK_MODE.widened), file);
    return header.tiles.map((tile) => bytes[tile.offset + 1]!);
  };
  // Descriptor: bits in bits 0..3, fill in bits 6..7 (PAYLOAD.md, "Widened 16-bit groups"): 0x08 is 8-bit replication.
  assert.deepEqual(descriptors('v2-none-0-rgb16x257-40x24.idf'), [8, 8, 8, 8, 8, 8]);
  assert.ok(descriptors('v2-none-0-rgb16lsb4-40x24.idf').every((d) => (d & 0xf0) === 0xc0 && (d & 0x0f) >= 10), 'mask fills');
});
