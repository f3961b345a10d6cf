/**
 * Integer logistic mixing: squash and stretch (ranges, monotone, inverse of each other, known points), and the
 * mixer (a bias input learns a skewed source, a reliable input gains weight over a useless one, pinned outputs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogisticMixer, squash, stretch } from '../../src/entropy/index.js';
import { Random } from '../../src/core/random.js';

test('squash: 1..4095, monotone, the table points, symmetric about 2048', () => {
  assert.equal(squash(0), 2048);
  assert.equal(squash(-5000), 1);
  assert.equal(squash(5000), 4095);
  assert.equal(squash(128), 2550);
  assert.equal(squash(-128), 1546);
  // Every table point is the logistic rounded (floating point here only: the table itself is integers).
  for (let x = -2048; x <= 2048; x += 128) assert.equal(squash(x), Math.round(4096 / (1 + Math.exp(-x / 256))), `point ${x}`);
  let previous = 0;
  for (let x = -2100; x <= 2100; x++) {
    const p = squash(x);
    assert.ok(p >= previous && p >= 1 && p <= 4095, `squash(${x}) = ${p}`);
    previous = p;
    assert.ok(Math.abs(p + squash(-x) - 4096) <= 1, `symmetry at ${x}`);
  }
});

test('stretch inverts squash: squash(stretch(p)) >= p, stretch monotone in -2047..2047', () => {
  let previous = -2048;
  for (let p = 0; p < 4096; p++) {
    const x = stretch(p);
    assert.ok(x >= previous && x >= -2047 && x <= 2047);
    previous = x;
    if (p >= 1 && p <= 4094) assert.ok(squash(x) >= p && (x === -2047 || squash(x - 1) < p), `p ${p}`);
  }
  assert.equal(stretch(2047), 0);
  // Close to 256 ln(p / (1 - p)) where the table is fine.
  for (const p of [500, 1000, 2047, 3000, 3600]) assert.ok(Math.abs(stretch(p) - 256 * Math.log(p / (4096 - p))) < 12, `p ${p}`);
});

test('LogisticMixer: learns a 90% source from a bias input, trusts a reliable input over noise', () => {
  const random = new Random(3);
  const bias = new LogisticMixer(1, 1, 0, 6);
  for (let i = 0; i < 4000; i++) {
    bias.add(256);
    bias.mix(0);
    bias.update(random.nextUint32() % 10 === 0 ? 0 : 1);
  }
  bias.add(256);
  const p = bias.mix(0);
  assert.ok(p > 3400 && p < 3900, `p ${p} near 0.9 x 4096`);
  bias.update(1);
  // Input 0 says the bit right with 95% confidence, input 1 is noise; after training the mix follows input 0.
  const pair = new LogisticMixer(2, 1, 16384, 6);
  const good = stretch(3891);
  let lastRight = 0;
  for (let i = 0; i < 3000; i++) {
    const bit = random.nextUint32() & 1;
    pair.add(bit ? good : -good);
    pair.add(random.nextUint32() & 1 ? good : -good);
    const q = pair.mix(0);
    if (i >= 2900) lastRight += bit ? q : 4096 - q;
    pair.update(bit);
  }
  assert.ok(lastRight / 100 > 3700, `mean probability of the right bit ${lastRight / 100}`);
  // Pinned: exact integer arithmetic gives the same numbers everywhere.
  const pinned = new LogisticMixer(2, 2, 20000, 5);
  const outs: number[] = [];
  for (let i = 0; i < 6; i++) {
    pinned.add(300 - 100 * i);
    pinned.add(-50 * i);
    outs.push(pinned.mix(i & 1));
    pinned.update(i % 3 === 0 ? 1 : 0);
  }
  // The first by hand: dot = 20000 x 300 = 6,000,000, floor(dot / 65536) = 91, squash(91) = floor((2048 x 37 +
  // 2550 x 91 + 64) / 128) = 2405.
  assert.deepEqual(outs, [2405, 2224, 2048, 1868, 1687, 1515]);
});
