import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InternalError } from '../../src/core/errors.js';
import { checkLogisticParams, checkMixtureParams, checkUniformParams } from '../../src/entropy/batch-checks.js';
import { MU_Q_MAX, RansEncoder, SCALE_COUNT } from '../../src/entropy/index.js';

const ok = Int32Array.of(0, 0);
const scales = Uint16Array.of(0, SCALE_COUNT - 1);

test('valid parameters pass, at the ends of their ranges', () => {
  checkLogisticParams(2, Int32Array.of(-MU_Q_MAX, MU_Q_MAX), scales);
  checkMixtureParams(1, ok, scales, Uint32Array.of(0, 2 ** 24), 2);
  checkUniformParams(-(2 ** 15), 2 ** 15 - 1, Int32Array.of(-(2 ** 15), 2 ** 15 - 1));
  checkUniformParams(5, 5);
});

test('each invalid parameter is an InternalError naming the index and value', () => {
  const cases: Array<[() => void, RegExp]> = [
    [() => checkLogisticParams(3, ok, scales), /logistic batch of 3 symbols got 2 mus and 2 scales/],
    [() => checkLogisticParams(2, Int32Array.of(0, MU_Q_MAX + 1), scales), /mus\[1\] = 268435457 outside/],
    [() => checkLogisticParams(2, ok, Uint16Array.of(SCALE_COUNT, 0)), /scales\[0\] = 577 outside 0\.\.576/],
    [() => checkLogisticParams(2, ok, Int32Array.of(0, -1)), /scales\[1\] = -1/],
    [() => checkMixtureParams(1, ok, scales, Uint16Array.of(1, 1), 0), /components 0 outside 1\.\.16/],
    [() => checkMixtureParams(1, ok, scales, Uint16Array.of(1, 1), 17), /components 17 outside/],
    [() => checkMixtureParams(1, ok, scales, Uint16Array.of(1), 2), /got 2 mus, 2 scales, 1 weights/],
    [() => checkMixtureParams(1, ok, scales, Int32Array.of(-1, 5), 2), /weights\[0\] = -1 outside 0\.\.16777216/],
    [() => checkMixtureParams(2, ok, scales, Uint16Array.of(1, 0), 1), /weights of symbol 1 sum to 0/],
    [() => checkMixtureParams(1, ok, scales, Uint32Array.of(2 ** 24, 1), 2), /sum to 16777217/],
    [() => checkUniformParams(3, 2), /uniform range \[3, 2\]/],
    [() => checkUniformParams(0, 65536), /must hold 1\.\.65536 integers/],
    [() => checkUniformParams(0.5, 2), /uniform range/],
    [() => checkUniformParams(0, 9, Uint8Array.of(3, 10)), /symbols\[1\] = 10 outside \[0, 9\]/],
  ];
  for (const [call, message] of cases) {
    assert.throws(call, (error: unknown) => error instanceof InternalError && message.test(error.message), String(message));
  }
});

test('the encoder checks when a batch is queued and refuses use after finish()', () => {
  const encoder = new RansEncoder();
  assert.throws(() => encoder.encodeLogistic(Int32Array.of(1), Int32Array.of(0), Uint16Array.of(999)), InternalError);
  assert.throws(() => encoder.encodeUniform(Uint8Array.of(1), 2, 3), InternalError);
  assert.equal(encoder.symbolCount, 0);
  encoder.finish();
  assert.throws(() => encoder.finish(), /used after finish/);
  assert.throws(() => encoder.encodeUniform(Uint8Array.of(1), 0, 1), /used after finish/);
});
