/**
 * MEASURED PROTOTYPE for a possible format version 2 (issue 3, mixture decode speed); nothing in the product imports
 * it and format version 1 is unchanged. "Component-slot" mixture frequencies: the 2^24 slots are split into nb leak
 * slots (one per bin) and one range of W_c slots per component (W_c from the weights); each component quantises its
 * own CDF into its range. A bin owns its leak slot plus one sub-range per component, so the decoder finds the
 * component from the slot and inverts that one logistic instead of searching the mixture. Invariant: every bin has
 * >= 1 slot, the slots of all bins partition [0, 2^24), and decode(encode(x)) = x (checked on every run).
 * Its decoder runs twice: in TypeScript below and in WASM (src/entropy/.assembly/experimental-v2-decode.ts, which
 * this script compiles with asc into dist/scripts/ when missing or stale). Prints one JSON object: speeds (CPU
 * time, one thread) and code lengths against format version 1 on the bench:entropy mixture workload.
 * Usage: node dist/scripts/prototype-mixture-v2.js [--symbols N] [--runs R] [--seed S]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { drawMixtureWorkload } from './bench-entropy.js';
import { RansDecoder, RansEncoder } from '../src/entropy/index.js';
import { CDF_ONE_BITS, POSITION_FRAC_BITS, TABLE_SIZE } from '../src/entropy/logistic-params.js';
import { LOGISTIC_TABLE } from '../src/entropy/logistic-table.js';
import { guessValue, logisticCdfAt } from '../src/entropy/logistic-model.js';
import { decodeMixture, encodeMixtureReverse } from '../src/entropy/mixture-coder.js';
import { PreparedMixture, prepareMixture, type WeightArray } from '../src/entropy/mixture-model.js';
import type { ScaleIndexArray } from '../src/entropy/logistic-params.js';
import {
  DecodeCursor, Lanes, PROBABILITY_ONE, STATE_LOWER, WordReader, WordStack, decodeAdvance, decodeSlot, flushState,
  readState,
} from '../src/entropy/rans-core.js';

const ONE = PROBABILITY_ONE;
const CDF_ONE = 2 ** 28;
const INV_CDF_ONE = 2 ** -28;
const MU_ONE = 256;
const HALF_MU = 128;
const WORD = 65536;
const INV_WORD = 1 / WORD;
/** A state must be below freq * XMAX_PER_FREQ before a symbol of frequency freq is pushed (as rans-core.ts). */
const XMAX_PER_FREQ = 2 ** 28;
const MAX_COMPONENTS = 16;

/** One symbol's component-slot layout: the window (prepareMixture's), and per component its slot range. */
class SlotLayout {
  readonly mixture = new PreparedMixture();
  /** Per component: first slot of its range. */
  readonly start = new Float64Array(MAX_COMPONENTS);
  /** Per component: number of slots W_c (sum over components: 2^24 - nb). */
  readonly width = new Float64Array(MAX_COMPONENTS);
  /** Per component: its cumulative quantised frequency at the symbol's bin and the bin after. */
  readonly below = new Float64Array(MAX_COMPONENTS);
  readonly freq = new Float64Array(MAX_COMPONENTS);
}

/** Prepares the layout of the mixture at components [offset, offset + K). */
function prepareLayout(
  mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, offset: number, components: number,
  layout: SlotLayout,
): void {
  const m = layout.mixture;
  prepareMixture(mus, scales, weights, offset, components, m);
  const share = ONE - m.nb;
  let cumulative = 0;
  let edge = m.nb;
  for (let c = 0; c < components; c++) {
    cumulative += m.weight[c]!;
    // share * cumulative < 2^48: exact.
    const next = m.nb + Math.floor((share * cumulative) / m.total);
    layout.start[c] = edge;
    layout.width[c] = next - edge;
    edge = next;
  }
}

/** Component c's cumulative quantised frequency at boundary j (0..nb): 0 at 0, W_c at nb. */
function componentBoundary(layout: SlotLayout, c: number, j: number): number {
  const m = layout.mixture;
  if (j <= 0) return 0;
  const width = layout.width[c]!;
  if (j >= m.nb) return width;
  const edge = (m.lo + j - 1) * MU_ONE - HALF_MU;
  return Math.floor(logisticCdfAt(edge - m.mu[c]!, m.scale[c]!) * width * INV_CDF_ONE);
}

/** Fills layout.below / layout.freq for bin j; @returns the bin's total frequency (leak slot included). */
function binFrequencies(layout: SlotLayout, j: number): number {
  let total = 1;
  for (let c = 0; c < layout.mixture.components; c++) {
    const below = componentBoundary(layout, c, j);
    const f = componentBoundary(layout, c, j + 1) - below;
    layout.below[c] = below;
    layout.freq[c] = f;
    total += f;
  }
  return total;
}

/** Encodes symbols (reverse order) on two rANS lanes. @throws Error on an escape (the workload has none) */
function encodeV2(
  symbols: Int32Array, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): Uint8Array {
  const layout = new SlotLayout();
  const stack = new WordStack();
  // Two lanes as format version 1: symbol i on lane i % 2; x is the lane of the symbol coded next.
  let x = STATE_LOWER;
  let other = STATE_LOWER;
  for (let i = symbols.length - 1; i >= 0; i--) {
    prepareLayout(mus, scales, weights, i * components, components, layout);
    const m = layout.mixture;
    const j = symbols[i]! - m.lo + 1;
    if (j <= 0 || j >= m.nb - 1) throw new Error(`prototype: symbol ${i} escapes its window (not prototyped)`);
    const f = binFrequencies(layout, j);
    const xmax = f * XMAX_PER_FREQ;
    while (x >= xmax) {
      const high = Math.floor(x * INV_WORD);
      stack.push(x - high * WORD);
      x = high;
    }
    const q = Math.floor(x / f);
    let r = x - q * f;
    // Rank 0: the leak slot (slot j); then each component's sub-range in component order.
    let slot = j;
    if (r > 0) {
      r -= 1;
      for (let c = 0; c < components; c++) {
        const fc = layout.freq[c]!;
        if (r < fc) {
          slot = layout.start[c]! + layout.below[c]! + r;
          break;
        }
        r -= fc;
      }
    }
    const pushed = q * ONE + slot;
    x = other;
    other = pushed;
  }
  // Symbol 0's lane (now `other`) is flushed last, so the decoder reads it first.
  flushState(x, stack);
  flushState(other, stack);
  return stack.toBytes();
}

/** Decodes out from bytes made by encodeV2. @throws Error when the final state is wrong */
function decodeV2(
  bytes: Uint8Array, out: Int32Array, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray,
  components: number,
): void {
  const layout = new SlotLayout();
  const m = layout.mixture;
  const reader = new WordReader(bytes, 0, bytes.length);
  let x = readState(reader);
  let other = readState(reader);
  for (let i = 0; i < out.length; i++) {
    prepareLayout(mus, scales, weights, i * components, components, layout);
    const slot = decodeSlot(x);
    let j: number;
    let rank = 0;
    let f: number;
    if (slot < m.nb) {
      j = slot;
      f = binFrequencies(layout, j);
    } else {
      // The component whose range holds the slot, then that one logistic inverted: a table guess, then exact steps.
      let c = 0;
      while (slot >= layout.start[c]! + layout.width[c]!) c++;
      const t = slot - layout.start[c]!;
      const level = Math.min(CDF_ONE - 1, ((t + 0.5) / layout.width[c]!) * CDF_ONE);
      j = guessValue(level, m.mu[c]!, m.scale[c]!) - m.lo + 1;
      j = j < 0 ? 0 : j >= m.nb ? m.nb - 1 : j;
      let below = componentBoundary(layout, c, j);
      while (below > t) below = componentBoundary(layout, c, --j);
      let above = componentBoundary(layout, c, j + 1);
      while (above <= t) {
        below = above;
        above = componentBoundary(layout, c, ++j + 1);
      }
      f = 1;
      rank = 1 + t - below;
      for (let e = 0; e < components; e++) {
        if (e === c) {
          f += above - below;
          continue;
        }
        const fe = componentBoundary(layout, e, j + 1) - componentBoundary(layout, e, j);
        f += fe;
        if (e < c) rank += fe;
      }
    }
    // decodeAdvance removes [start, start + f) with slot - start = rank.
    const next = decodeAdvance(x, slot - rank, f, reader);
    x = other;
    other = next;
    out[i] = m.lo + j - 1;
  }
  if (x !== STATE_LOWER || other !== STATE_LOWER) throw new Error('prototype: final rANS state mismatch');
}

/** Ideal code length in bits of the symbols under the component-slot frequencies. */
function idealBitsV2(
  symbols: Int32Array, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): number {
  const layout = new SlotLayout();
  let bits = 0;
  for (let i = 0; i < symbols.length; i++) {
    prepareLayout(mus, scales, weights, i * components, components, layout);
    bits += 24 - Math.log2(binFrequencies(layout, symbols[i]! - layout.mixture.lo + 1));
  }
  return bits;
}

/** The WASM decoder's exports (src/entropy/.assembly/experimental-v2-decode.ts). */
interface V2Exports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  layout(n: number, components: number, bytes: number): number;
  address(which: number): number;
  decode(n: number, components: number, a: number, b: number, pos: number, end: number): number;
}

/** The part of the WebAssembly global used here (the project's type libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const GUESS_BUCKETS = 4096;

/** The shipped kernel's guess table (mixture-wasm.ts): table position where the CDF reaches b / GUESS_BUCKETS. */
function guessPositions(): Float64Array {
  const cdf = LOGISTIC_TABLE.cdf;
  const positions = new Float64Array(GUESS_BUCKETS + 1);
  let i = 0;
  for (let b = 0; b <= GUESS_BUCKETS; b++) {
    const level = (b * 2 ** CDF_ONE_BITS) / GUESS_BUCKETS;
    while (i + 1 < TABLE_SIZE - 1 && cdf[i + 1]! <= level) i++;
    const a = cdf[i]!;
    const step = cdf[i + 1]! - a;
    positions[b] = i + (step > 0 ? Math.min(1, Math.max(0, (level - a) / step)) : 0);
  }
  return positions;
}

/**
 * Compiles the WASM decoder with asc (when its output is missing or older than its source) and loads the tables,
 * parameters and stream into a fresh instance.
 */
function loadWasmDecoder(
  bytes: Uint8Array, n: number, mus: Int32Array, scales: ScaleIndexArray, weights: WeightArray, components: number,
): V2Exports {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const wasmPath = fileURLToPath(new URL('./prototype-mixture-v2.wasm', import.meta.url));
  const source = `${root}src/entropy/.assembly/experimental-v2-decode.ts`;
  if (!existsSync(wasmPath) || statSync(wasmPath).mtimeMs < statSync(source).mtimeMs) {
    execFileSync(process.execPath, [
      `${root}node_modules/assemblyscript/bin/asc.js`, source, '-O3', '--runtime', 'stub', '--noAssert', '--enable',
      'simd', '--outFile', wasmPath,
    ], { stdio: 'inherit' });
  }
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const instance = new api.Instance(new api.Module(readFileSync(wasmPath)), {});
  const wasm = instance.exports as V2Exports;
  const end = wasm.layout(n, components, bytes.length);
  const have = wasm.memory.buffer.byteLength;
  if (end > have) wasm.memory.grow(Math.ceil((end - have) / 65536));
  const buffer = wasm.memory.buffer;
  const table = LOGISTIC_TABLE;
  new Float64Array(buffer, wasm.address(0), table.cdf.length).set(table.cdf);
  new Float64Array(buffer, wasm.address(1), table.positionMultiplier.length).set(table.positionMultiplier);
  new Int32Array(buffer, wasm.address(2), table.offsetLimit.length).set(table.offsetLimit);
  new Int32Array(buffer, wasm.address(3), table.halfWidth.length).set(table.halfWidth);
  new Float64Array(buffer, wasm.address(4), GUESS_BUCKETS + 1).set(guessPositions());
  new Float64Array(buffer, wasm.address(5), table.positionMultiplier.length)
    .set(table.positionMultiplier.map((m) => 2 ** POSITION_FRAC_BITS / m));
  new Int32Array(buffer, wasm.address(6), n * components).set(mus);
  new Int32Array(buffer, wasm.address(7), n * components).set(scales);
  new Int32Array(buffer, wasm.address(8), n * components).set(weights);
  new Uint8Array(buffer, wasm.address(10), bytes.length).set(bytes);
  return wasm;
}

/** Median CPU time in ms of `runs` calls. */
function cpuMs(runs: number, work: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

function main(argv: readonly string[]): void {
  const options = { symbols: 1_000_000, runs: 3, seed: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '');
    const value = Number(argv[i + 1]);
    if ((key !== 'symbols' && key !== 'runs' && key !== 'seed') || !Number.isSafeInteger(value) || value < 1) {
      throw new Error(`Unknown option ${argv[i]} (expected --symbols N, --runs R, --seed S, each a positive integer)`);
    }
    options[key] = value;
  }
  const n = options.symbols;
  const w = drawMixtureWorkload(n, options.seed);
  const K = w.components;
  if (w.escapes > 0) throw new Error('prototype: the workload has escapes, which it does not code');
  const out = new Int32Array(n);
  const rate = (ms: number): number => Number((n / ms / 1000).toFixed(2));
  const check = (what: string): void => {
    for (let i = 0; i < n; i++) if (out[i] !== w.symbols[i]) throw new Error(`${what}: round trip failed at ${i}`);
    out.fill(0);
  };
  // Format version 2 candidate, plain TypeScript.
  let bytes: Uint8Array = new Uint8Array(0);
  const v2Encode = cpuMs(options.runs, () => {
    bytes = encodeV2(w.symbols, w.mus, w.scales, w.weights, K);
  });
  const v2Decode = cpuMs(options.runs, () => decodeV2(bytes, out, w.mus, w.scales, w.weights, K));
  check('v2');
  const v2Bits = idealBitsV2(w.symbols, w.mus, w.scales, w.weights, K);
  // The same stream through the WASM decoder.
  const wasm = loadWasmDecoder(bytes, n, w.mus, w.scales, w.weights, K);
  const stateReader = new WordReader(bytes, 0, bytes.length);
  const laneA = readState(stateReader);
  const laneB = readState(stateReader);
  let finalOk = 0;
  const v2WasmDecode = cpuMs(options.runs, () => {
    finalOk = wasm.decode(n, K, laneA, laneB, stateReader.pos, bytes.length);
  });
  out.set(new Int32Array(wasm.memory.buffer, wasm.address(9), n));
  if (finalOk !== 1) throw new Error('prototype: WASM decoder final rANS states mismatch');
  check('v2 WASM');
  // Format version 1 as shipped (WASM kernel), in the same process.
  let v1Stream: Uint8Array = new Uint8Array(0);
  const v1WasmEncode = cpuMs(options.runs, () => {
    const encoder = new RansEncoder();
    encoder.encodeMixture(w.symbols, w.mus, w.scales, w.weights, K);
    v1Stream = encoder.finish();
  });
  const v1WasmDecode = cpuMs(options.runs, () => {
    const decoder = new RansDecoder(v1Stream);
    decoder.decodeMixture(out, w.mus, w.scales, w.weights, K);
    decoder.finish();
  });
  check('v1 WASM');
  // Format version 1 reference loops (mixture-coder.ts), the same language, for a like-for-like speed ratio.
  const lanes = new Lanes();
  const stack = new WordStack();
  const v1Encode = cpuMs(1, () => encodeMixtureReverse(lanes, stack, w.symbols, w.mus, w.scales, w.weights, K));
  const v1Bytes = stack.toBytes();
  const v1Decode = cpuMs(1, () => {
    const decodeLanes = new Lanes();
    // Every symbol ends with a lane swap, so symbol 0's state is in lanes.b (as RansEncoder.finish flushes them).
    decodeLanes.a = lanes.b;
    decodeLanes.b = lanes.a;
    decodeMixture(decodeLanes, new DecodeCursor(new WordReader(v1Bytes, 0, v1Bytes.length)), out, w.mus, w.scales,
      w.weights, K);
  });
  check('v1 reference');
  const result = {
    symbols: n,
    v2: {
      encodeMsymPerS: rate(v2Encode),
      decodeMsymPerS: rate(v2Decode),
      wasmDecodeMsymPerS: rate(v2WasmDecode),
      codedBytes: bytes.length,
      idealBits: Number(v2Bits.toFixed(1)),
      overheadPct: Number((100 * ((8 * bytes.length) / v2Bits - 1)).toFixed(4)),
      quantLossPct: Number((100 * (v2Bits / w.idealFloatBits - 1)).toFixed(4)),
      costVsV1Pct: Number((100 * (v2Bits / w.idealIntegerBits - 1)).toFixed(4)),
    },
    v1Shipped: { encodeMsymPerS: rate(v1WasmEncode), decodeMsymPerS: rate(v1WasmDecode) },
    v1ReferenceTs: { encodeMsymPerS: rate(v1Encode), decodeMsymPerS: rate(v1Decode) },
    v1IdealBits: Number(w.idealIntegerBits.toFixed(1)),
    v1QuantLossPct: Number((100 * (w.idealIntegerBits / w.idealFloatBits - 1)).toFixed(4)),
    runs: options.runs,
    seed: options.seed,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main(process.argv.slice(2));
