/**
 * The layout of the WASM engine's linear memory: a persistent region (packed weights, living as long as the engine)
 * growing up from the bottom, and a scratch region above it that each op call reuses from its start. Invariant:
 * memory never grows past the engine's byte limit (at most 2^31 - 64 KiB, so every address fits the kernels' i32
 * arithmetic), and typed-array views are made after the last allocation of a call (growing detaches old views).
 */
import { LimitError } from '../../core/errors.js';

/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;
/** Largest memory an engine may use: addresses stay below 2^31. */
export const MAX_WASM_MEMORY_BYTES = 2 ** 31 - WASM_PAGE_BYTES;
/** Default memory limit of an engine (1 GiB). */
export const DEFAULT_WASM_MEMORY_BYTES = 2 ** 30;

/** The part of WebAssembly.Memory the arena uses (declared here: the project's type libraries lack WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

/** Every allocation starts on this boundary (a cache line). */
const ALIGN = 64;

/** Bump allocator over one WebAssembly.Memory. */
export class WasmArena {
  private persistentTop = ALIGN;
  private scratchTop = ALIGN;
  private readonly maxBytes: number;

  /**
   * @param memory the module's memory
   * @param maxBytes byte limit, WASM_PAGE_BYTES..MAX_WASM_MEMORY_BYTES (checked by the engine), rounded down to whole
   *   pages
   */
  constructor(private readonly memory: WasmMemory, maxBytes: number) {
    this.maxBytes = Math.floor(maxBytes / WASM_PAGE_BYTES) * WASM_PAGE_BYTES;
  }

  /** Bytes currently in the memory (it only grows). */
  get sizeBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * Reserves `bytes` for the engine's lifetime. Clears the scratch region (call between ops only). The bytes are
   * not zeroed: the caller writes all of them.
   * @throws LimitError when the engine's memory limit would be exceeded
   */
  persistent(bytes: number, what: string): number {
    const ptr = alignUp(this.persistentTop);
    this.ensure(ptr + bytes, what);
    this.persistentTop = ptr + bytes;
    this.scratchTop = this.persistentTop;
    return ptr;
  }

  /** Frees all scratch allocations: each op call starts with this. */
  resetScratch(): void {
    this.scratchTop = this.persistentTop;
  }

  /**
   * Reserves `bytes` of scratch until the next resetScratch. Not zeroed.
   * @throws LimitError when the engine's memory limit would be exceeded
   */
  scratch(bytes: number, what: string): number {
    const ptr = alignUp(this.scratchTop);
    this.ensure(ptr + bytes, what);
    this.scratchTop = ptr + bytes;
    return ptr;
  }

  /** A fresh Int16Array view of `length` elements at `ptr`. */
  int16(ptr: number, length: number): Int16Array {
    return new Int16Array(this.memory.buffer, ptr, length);
  }

  /** A fresh Int32Array view of `length` elements at `ptr`. */
  int32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  private ensure(end: number, what: string): void {
    if (end > this.maxBytes) {
      throw new LimitError(`engine memory: ${what} needs ${end} bytes of WASM memory, over the engine's limit of ` +
        `${this.maxBytes}; use smaller tiles or raise maxMemoryBytes`);
    }
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const maxPages = Math.floor(this.maxBytes / WASM_PAGE_BYTES);
    const havePages = have / WASM_PAGE_BYTES;
    const wantPages = Math.min(maxPages, Math.max(Math.ceil(end / WASM_PAGE_BYTES), 2 * havePages));
    try {
      this.memory.grow(wantPages - havePages);
    } catch (error) {
      throw new LimitError(`engine memory: could not grow WASM memory to ${wantPages * WASM_PAGE_BYTES} bytes ` +
        `for ${what}; free memory or use smaller tiles`, { cause: error });
    }
  }
}

function alignUp(value: number): number {
  return Math.ceil(value / ALIGN) * ALIGN;
}
