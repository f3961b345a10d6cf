/**
 * AdaptiveBitCoder (src/entropy/adaptive-bit-coder.ts): bits and trees round-trip under many contexts, a skewed
 * source costs close to its entropy once the contexts adapt, and a damaged or truncated stream is CorruptStreamError.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveBitCoder } from '../../src/entropy/index.js';
import { CorruptStreamError } from '../../src/core/errors.js';
import { Random } from '../../src/core/random.js';

/** 20,000 decisions: context c in 0..7 gives a one with probability (c + 0.5) / 8; every tenth call codes a 5-bit tree. */
function script(seed: number): Array<{ ctx: number; bit: number } | { tree: number }> {
  const random = new Random(seed);
  return Array.from({ length: 20_000 }, (_, i) => {
    if (i % 10 === 9) return { tree: random.nextInt(32) };
    const ctx = random.nextInt(8);
    return { ctx, bit: random.nextInt(16) < 2 * ctx + 1 ? 1 : 0 };
  });
}

function run(coder: AdaptiveBitCoder, steps: ReturnType<typeof script>): number[] {
  return steps.map((step) => ('tree' in step ? coder.tree(8, 5, step.tree) : coder.bit(step.ctx, step.bit)));
}

test('bits and trees round-trip; the stream costs within 3% of the source entropy (adaptation noise of the 1/32 rate)', () => {
  const steps = script(1);
  const encoder = AdaptiveBitCoder.encoder(8 + 32);
  const sent = run(encoder, steps);
  const stream = encoder.finish();
  const decoder = AdaptiveBitCoder.decoder(8 + 32, stream);
  assert.deepEqual(run(decoder, steps.map((step) => ('tree' in step ? { tree: 0 } : { ctx: step.ctx, bit: 0 }))), sent);
  decoder.finish();
  // Entropy of the bits (contexts equally likely) plus 5 bits per uniform tree.
  let entropy = 0;
  for (let c = 0; c < 8; c++) {
    const p = (2 * c + 1) / 16;
    entropy += -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p)) / 8;
  }
  const ideal = 18_000 * entropy + 2_000 * 5;
  assert.ok(stream.length * 8 < 1.03 * ideal && stream.length * 8 > 0.97 * ideal, `${stream.length * 8} bits vs ${ideal.toFixed(0)}`);
});

test('a flipped bit, a truncated stream or an odd length is CorruptStreamError', () => {
  const steps = script(2).slice(0, 2000);
  const encoder = AdaptiveBitCoder.encoder(40);
  run(encoder, steps);
  const stream = encoder.finish();
  const decodeAll = (bytes: Uint8Array): void => {
    const decoder = AdaptiveBitCoder.decoder(40, bytes);
    run(decoder, steps);
    decoder.finish();
  };
  decodeAll(stream);
  for (let i = 0; i < stream.length; i += 7) {
    const damaged = stream.slice();
    damaged[i]! ^= 0x10;
    assert.throws(() => decodeAll(damaged), CorruptStreamError, `flip at byte ${i}`);
  }
  assert.throws(() => decodeAll(stream.subarray(0, stream.length - 2)), CorruptStreamError);
  assert.throws(() => decodeAll(stream.subarray(0, 7)), CorruptStreamError);
});
