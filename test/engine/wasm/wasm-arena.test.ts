/**
 * Tests of src/engine/wasm/wasm-arena.ts on a real WebAssembly.Memory: alignment, scratch reuse, persistent
 * allocations surviving resets, growth and the byte limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitError } from '../../../src/core/errors.js';
import { WASM_PAGE_BYTES, WasmArena, type WasmMemory } from '../../../src/engine/wasm/wasm-arena.js';

function memory(pages: number): WasmMemory {
  const api = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => WasmMemory } }).WebAssembly;
  return new api.Memory({ initial: pages });
}

test('allocations are 64-byte aligned; scratch restarts after the persistent region on every reset', () => {
  const arena = new WasmArena(memory(1), 4 * WASM_PAGE_BYTES);
  const w = arena.persistent(10, 'weights');
  assert.equal(w % 64, 0);
  const s1 = arena.scratch(100, 'a');
  const s2 = arena.scratch(1, 'b');
  assert.ok(s1 >= w + 10 && s1 % 64 === 0);
  assert.ok(s2 >= s1 + 100 && s2 % 64 === 0);
  arena.resetScratch();
  assert.equal(arena.scratch(100, 'a'), s1);
  const w2 = arena.persistent(10, 'more weights');
  assert.ok(w2 >= s1, 'persistent memory never overlaps live weights');
  arena.resetScratch();
  assert.ok(arena.scratch(1, 'c') > w2);
});

test('memory grows on demand (views see the new buffer) up to the limit, then LimitError', () => {
  const arena = new WasmArena(memory(1), 3 * WASM_PAGE_BYTES + 100);
  const ptr = arena.scratch(2 * WASM_PAGE_BYTES, 'big');
  assert.ok(arena.sizeBytes >= ptr + 2 * WASM_PAGE_BYTES);
  const view = arena.int32(ptr, 4);
  view.set([1, 2, 3, 4]);
  assert.deepEqual(Array.from(arena.int32(ptr, 4)), [1, 2, 3, 4]);
  arena.resetScratch();
  assert.throws(() => arena.scratch(3 * WASM_PAGE_BYTES, 'too big'),
    (e: unknown) => e instanceof LimitError && /too big needs/.test(e.message));
  assert.ok(arena.sizeBytes <= 3 * WASM_PAGE_BYTES, 'the limit is rounded down to whole pages');
});
