/**
 * The encoder's early-out: a big tile whose centre crop the model codes badly is kept as fallback after one
 * 64x64 probe (no full run), a tile whose crop the model codes well gets the full run, small tiles are never probed,
 * and a skipped tile's payload is exactly the fallback's and decodes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine } from '../../src/engine/index.js';
import { learnedCoderLikelyLoses, PROBE_SIDE } from '../../src/codec/learned-probe.js';
import type { LearnedTileCoder } from '../../src/codec/learned-tile-coder.js';
import { decodeTilePayload, encodeTilePayload } from '../../src/codec/tile-payload.js';
import { encodeFallback } from '../../src/codec/fallback-coder.js';
import { createTextureTileCoder, texture } from './texture-tile-coder.js';

const engine = createEngine({ kernel: 'reference' });
const modelFile = new TextEncoder().encode(JSON.stringify({ channels: 3, sizeMultiple: 4, scaleIndex: 0 }));

/** The texture double, recording the size of every tile it encodes. */
function countingCoder(): { coder: LearnedTileCoder; encoded: string[] } {
  const inner = createTextureTileCoder(modelFile, 'rgb.json', engine);
  const encoded: string[] = [];
  const coder: LearnedTileCoder = {
    ...inner,
    encodeTile(pixels, width, height) {
      encoded.push(`${width}x${height}`);
      return inner.encodeTile(pixels, width, height);
    },
  };
  return { coder, encoded };
}

function rgbTile(width: number, height: number, colour: (x: number, y: number, c: number) => number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) out[i++] = colour(x, y, c);
  return out;
}

const smooth = (x: number, y: number, c: number): number => (40 + ((x + 2 * y) >> 2) + 30 * c) & 0xff;

test('a smooth 128x128 tile: one probe, no full learned run, the fallback payload exactly, and it decodes', () => {
  const { coder, encoded } = countingCoder();
  const samples = rgbTile(128, 128, smooth);
  const shape = { width: 128, height: 128, insideWidth: 128, insideHeight: 128 };
  const format = { channels: 3, bitDepth: 8 } as const;
  const coded = encodeTilePayload(samples, shape, format, coder);
  assert.deepEqual(encoded, [`${PROBE_SIDE}x${PROBE_SIDE}`]);
  assert.equal(coded.fallback, true);
  assert.deepEqual(coded.payload, encodeFallback(samples, 128, 128, 3));
  assert.deepEqual(decodeTilePayload(coded.payload, coded.fallback, shape, format, coder), samples);
});

test('a tile whose centre crop is what the model knows gets the full run after the probe', () => {
  const { coder, encoded } = countingCoder();
  // The double knows its texture at tile coordinates; the probe sees the crop at its own, so put the texture there.
  const offset = (128 - PROBE_SIDE) / 2;
  const samples = rgbTile(128, 128, (x, y, c) => texture(x - offset, y - offset, c));
  const fallbackBytes = encodeFallback(samples, 128, 128, 3).length;
  assert.equal(learnedCoderLikelyLoses(coder, samples, 128, 128, 128, fallbackBytes), false);
  encodeTilePayload(samples, { width: 128, height: 128, insideWidth: 128, insideHeight: 128 }, { channels: 3, bitDepth: 8 }, coder);
  assert.deepEqual(encoded, ['64x64', '64x64', '128x128']);
});

test('tiles (or their inside parts) under twice the probe side are never probed', () => {
  const { coder, encoded } = countingCoder();
  const samples = rgbTile(128, 128, smooth);
  assert.equal(learnedCoderLikelyLoses(coder, samples, 128, 127, 128, 1), false);
  assert.equal(learnedCoderLikelyLoses(coder, samples, 128, 128, 100, 1), false);
  encodeTilePayload(rgbTile(96, 128, smooth), { width: 96, height: 128, insideWidth: 96, insideHeight: 128 }, { channels: 3, bitDepth: 8 }, coder);
  assert.deepEqual(encoded, ['96x128']);
});

test('the decision is the byte comparison with a 12.5% margin', () => {
  const { coder } = countingCoder();
  const samples = rgbTile(128, 128, smooth);
  const centre = rgbTile(PROBE_SIDE, PROBE_SIDE, (x, y, c) => smooth(x + 32, y + 32, c));
  const probeBytes = coder.encodeTile(centre, PROBE_SIDE, PROBE_SIDE).length;
  // The tile is 4 probe areas: the model loses iff 4 * probe * 8 > fallback * 9.
  const threshold = Math.ceil((probeBytes * 4 * 8) / 9);
  assert.equal(learnedCoderLikelyLoses(coder, samples, 128, 128, 128, threshold - 1), true);
  assert.equal(learnedCoderLikelyLoses(coder, samples, 128, 128, 128, threshold + 1), false);
});
