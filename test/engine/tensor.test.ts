/**
 * Tests of src/engine/tensor.ts: shapes, element types and the size limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitError, ModelError } from '../../src/core/errors.js';
import { checkTensor, elementTypeOf, emptyTensor, MAX_TENSOR_ELEMENTS, shapeSize, tensor16,
  tensor32 } from '../../src/engine/tensor.js';

test('tensor16 and tensor32 make zeroed HWC tensors of the right type and size', () => {
  const a = tensor16(2, 3, 4);
  assert.ok(a.data instanceof Int16Array);
  assert.equal(a.data.length, 24);
  assert.ok(a.data.every((v) => v === 0));
  const b = tensor32(1, 1, 5);
  assert.ok(b.data instanceof Int32Array);
  assert.equal(elementTypeOf(a), 'int16');
  assert.equal(elementTypeOf(b), 'int32');
  assert.equal(elementTypeOf(emptyTensor('int32', 2, 2, 2)), 'int32');
});

test('given data is used as is and its length must match the shape', () => {
  const data = new Int16Array(6);
  assert.equal(tensor16(1, 2, 3, data).data, data);
  assert.throws(() => tensor16(1, 2, 4, data), (e: unknown) => e instanceof ModelError && /needs 8 elements/.test(e.message));
});

test('bad dimensions are model errors naming the dimension', () => {
  assert.throws(() => tensor16(0, 1, 1), (e: unknown) => e instanceof ModelError && /height/.test(e.message));
  assert.throws(() => tensor16(1, 1.5, 1), (e: unknown) => e instanceof ModelError && /width/.test(e.message));
  assert.throws(() => tensor32(1, 1, -1), (e: unknown) => e instanceof ModelError && /channels/.test(e.message));
});

test('tensors above the element limit are refused with a LimitError before allocating', () => {
  assert.equal(shapeSize(1, 1, MAX_TENSOR_ELEMENTS), MAX_TENSOR_ELEMENTS);
  assert.throws(() => tensor16(2, 1, MAX_TENSOR_ELEMENTS), LimitError);
});

test('checkTensor catches a shape that disagrees with its data', () => {
  checkTensor(tensor16(2, 2, 2), 'ok');
  const bad = { height: 2, width: 2, channels: 3, data: new Int16Array(8) };
  assert.throws(() => checkTensor(bad, 'x'), (e: unknown) => e instanceof ModelError && /x: shape 2x2x3 needs 12/.test(e.message));
  const floats = { height: 1, width: 1, channels: 1, data: new Float32Array(1) } as unknown as Parameters<typeof checkTensor>[0];
  assert.throws(() => checkTensor(floats, 'y'), ModelError);
});
