/**
 * Host of the mixture coder's WASM kernel (.assembly/mixture-kernel.ts and the files it names, built by `npm run build:wasm` to
 * dist/src/entropy/mixture-kernel.wasm): one instance per process, its memory laid out once for chunks of
 * MIXTURE_CHUNK_SYMBOLS symbols, the shipped logistic table copied in from logistic-table.ts (the hash-checked
 * source, so the kernel reads the same CDF values as the reference coder). Views stay valid: the memory never grows
 * after setup.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../core/errors.js';
import { LOGISTIC_TABLE } from './logistic-table.js';
import { MIXTURE_MAX_COMPONENTS, type WeightArray } from './mixture-model.js';
import {
  CDF_ONE_BITS, POSITION_FRAC_BITS, SCALE_COUNT, TABLE_SIZE, type ScaleIndexArray,
} from './logistic-params.js';

/** Symbols per kernel chunk: the batch coders hand the kernel this many symbols' parameters at a time. */
export const MIXTURE_CHUNK_SYMBOLS = 8192;

const WASM_PAGE_BYTES = 65536;
/** Buckets of the decoder's guess table (GUESS_BUCKETS in .assembly/mixture-kernel.ts). */
const GUESS_BUCKETS = 4096;
const POS_ONE = 2 ** POSITION_FRAC_BITS;
const CDF_ONE = 2 ** CDF_ONE_BITS;

/** The kernel's exports (.assembly/mixture-kernel.ts). */
interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  layout(symbols: number, components: number): number;
  address(which: number): number;
  symbolInterval(i: number, components: number): number;
  encodeChunk(from: number, components: number): number;
  decodeFind(i: number, components: number, slot: number): number;
  decodeRun(from: number, to: number, components: number, pos: number, end: number): number;
  encodeSlotChunk(from: number, components: number): number;
  decodeSlotRun(from: number, to: number, components: number, pos: number, end: number): number;
  checkChunk(n: number, components: number): number;
}

/** The part of the WebAssembly global this file uses (the project's type libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** A ready kernel instance with typed views of its chunk buffers. */
export class MixtureKernel {
  /** Per chunk component: fixed-point mu (written by loadChunk). */
  readonly mus: Int32Array;
  /** Per chunk component: scale index. */
  readonly scales: Int32Array;
  /** Per chunk component: weight. */
  readonly weights: Int32Array;
  /** Per chunk symbol: the value to encode. */
  readonly symbols: Int32Array;
  /** The words encodeChunk emitted, in push order (result[6] of them). */
  readonly words: Uint16Array;
  /** The decoder's window of stream bytes: four per chunk symbol (two words, the most one refill reads) plus 64. */
  readonly input: Uint8Array;
  /**
   * Results: after decodeFind boundary(j), boundary(j + 1), the window's lo and its number of bins nb in [0..3];
   * around encodeChunk the two rANS states in [4], [5] and the number of words it emitted in [6]; around
   * decodeRun the states in [4], [5], the window position in [6] and why it stopped in [7] (0: an escape bin,
   * 1: the window ran dry).
   */
  readonly result: Float64Array;
  /** The frequency of chunk symbol i's interval (its start in result[0]), or 0 where the reference codes it. */
  readonly symbolInterval: (i: number, components: number) => number;
  /**
   * Encodes chunk symbols from down to 0 with the states in result[4], result[5] until one needs the reference
   * model. @returns that symbol's index or -1
   */
  readonly encodeChunk: (from: number, components: number) => number;
  /**
   * The bin j (0..nb-1) whose interval holds `slot` for chunk symbol i; writes `result`.
   */
  readonly decodeFind: (i: number, components: number, slot: number) => number;
  /**
   * Decodes chunk symbols from..to-1 into `symbols` with the states in result[4], result[5], refilling from
   * input[pos, end), until a symbol falls in an escape bin or needs bytes past `end`. @returns that symbol's index
   * or `to`
   */
  readonly decodeRun: (from: number, to: number, components: number, pos: number, end: number) => number;
  /** encodeChunk for format version 2 mixtures (mixture-slot-model.ts): stops before a symbol that escapes. */
  readonly encodeSlotChunk: (from: number, components: number) => number;
  /** decodeRun for format version 2 mixtures, with the same protocol. */
  readonly decodeSlotRun: (from: number, to: number, components: number, pos: number, end: number) => number;
  private readonly checkChunk: (n: number, components: number) => number;

  /** @param exports a fresh instance's exports */
  constructor(exports: KernelExports) {
    const end = exports.layout(MIXTURE_CHUNK_SYMBOLS, MIXTURE_MAX_COMPONENTS);
    const have = exports.memory.buffer.byteLength;
    if (end > have) exports.memory.grow(Math.ceil((end - have) / WASM_PAGE_BYTES));
    const buffer = exports.memory.buffer;
    const parameters = MIXTURE_CHUNK_SYMBOLS * MIXTURE_MAX_COMPONENTS;
    const table = LOGISTIC_TABLE;
    new Float64Array(buffer, exports.address(0), table.cdf.length).set(table.cdf);
    new Float64Array(buffer, exports.address(1), table.positionMultiplier.length).set(table.positionMultiplier);
    new Int32Array(buffer, exports.address(2), table.offsetLimit.length).set(table.offsetLimit);
    new Int32Array(buffer, exports.address(3), table.halfWidth.length).set(table.halfWidth);
    new Float64Array(buffer, exports.address(4), GUESS_BUCKETS + 1).set(guessPositions());
    new Float64Array(buffer, exports.address(5), SCALE_COUNT).set(table.positionMultiplier.map((m) => POS_ONE / m));
    this.result = new Float64Array(buffer, exports.address(6), 8);
    this.mus = new Int32Array(buffer, exports.address(7), parameters);
    this.scales = new Int32Array(buffer, exports.address(8), parameters);
    this.weights = new Int32Array(buffer, exports.address(9), parameters);
    this.symbols = new Int32Array(buffer, exports.address(10), MIXTURE_CHUNK_SYMBOLS);
    this.words = new Uint16Array(buffer, exports.address(11), 2 * MIXTURE_CHUNK_SYMBOLS);
    this.input = new Uint8Array(buffer, exports.address(12), 4 * MIXTURE_CHUNK_SYMBOLS + 64);
    this.symbolInterval = exports.symbolInterval;
    this.encodeChunk = exports.encodeChunk;
    this.decodeFind = exports.decodeFind;
    this.decodeRun = exports.decodeRun;
    this.encodeSlotChunk = exports.encodeSlotChunk;
    this.decodeSlotRun = exports.decodeSlotRun;
    this.checkChunk = exports.checkChunk;
  }

  /**
   * Copies the parameters of symbols [begin, end) (end - begin <= MIXTURE_CHUNK_SYMBOLS) into the chunk buffers.
   */
  loadChunk(
    mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number, begin: number, end: number,
  ): void {
    const from = begin * components;
    const to = end * components;
    this.mus.set(mus.subarray(from, to));
    this.scales.set(scales.subarray(from, to));
    this.weights.set(weights.subarray(from, to));
  }

  /**
   * Whether a mixture batch of `count` symbols (arrays of count * components values, components 1..16) passes
   * checkMixtureParams: a fast screen, the caller runs the full check (for its message) when it fails. Clobbers
   * the chunk buffers.
   */
  paramsValid(count: number, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number): boolean {
    for (let begin = 0; begin < count; begin += MIXTURE_CHUNK_SYMBOLS) {
      const end = begin + MIXTURE_CHUNK_SYMBOLS < count ? begin + MIXTURE_CHUNK_SYMBOLS : count;
      this.loadChunk(mus, scales, weights, components, begin, end);
      if (this.checkChunk(end - begin, components) === 0) return false;
    }
    return true;
  }
}

/**
 * The decoder's guess table: for b = 0..GUESS_BUCKETS, the table position (index units, fractional) where the CDF
 * reaches b / GUESS_BUCKETS, interpolated linearly between table entries. Only starts a search, never decides a
 * frequency.
 */
function guessPositions(): Float64Array {
  const cdf = LOGISTIC_TABLE.cdf;
  const positions = new Float64Array(GUESS_BUCKETS + 1);
  let i = 0;
  for (let b = 0; b <= GUESS_BUCKETS; b++) {
    const level = (b * CDF_ONE) / GUESS_BUCKETS;
    while (i + 1 < TABLE_SIZE - 1 && cdf[i + 1]! <= level) i++;
    const a = cdf[i]!;
    const step = cdf[i + 1]! - a;
    positions[b] = i + (step > 0 ? Math.min(1, Math.max(0, (level - a) / step)) : 0);
  }
  return positions;
}

const WASM_URL = new URL('./mixture-kernel.wasm', import.meta.url);
let kernel: MixtureKernel | undefined;

/**
 * The process's kernel, instantiated on first use.
 * @throws InternalError when mixture-kernel.wasm is missing (not built)
 */
export function mixtureKernel(): MixtureKernel {
  if (kernel === undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_URL);
    } catch (error) {
      throw new InternalError(`the mixture coder's WASM kernel ${fileURLToPath(WASM_URL)} cannot be read; run ` +
        '"npm run build"', { cause: error });
    }
    const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const instance = new api.Instance(new api.Module(bytes), {});
    kernel = new MixtureKernel(instance.exports as KernelExports);
  }
  return kernel;
}
