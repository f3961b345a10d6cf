/**
 * The WASM SIMD kernel set: loads dist/src/engine/wasm/engine.wasm (built from ./assembly by `npm run build:wasm`)
 * once per process, gives each kernel set its own instance and memory, packs conv weights at preparation and copies
 * tensors in and out around each call. Invariant: same signatures and same bits as the reference kernels; the
 * packed layouts here match what assembly/conv.ts reads (its block sizes are read back from the module).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InternalError, invariant } from '../../core/errors.js';
import { convGeometry, type CheckedConv } from '../conv-spec.js';
import type { Kernels, PreparedConv } from '../kernels.js';
import type { CheckedRequantization } from '../requantize.js';
import { elementTypeOf, emptyTensor, type ElementType, type Tensor, type Tensor16,
  type Tensor32 } from '../tensor.js';
import { WasmArena, type WasmMemory } from './wasm-arena.js';

/** The part of the WebAssembly global this file uses (the project's type libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The module's exports (see assembly/index.ts); every pointer and size is a number. */
interface EngineExports {
  readonly memory: WasmMemory;
  readonly CONV_CHANNEL_ALIGN: { readonly value: number };
  readonly CONV_CHANNEL_BLOCK: { readonly value: number };
  conv(x: number, paddedWidth: number, paddedChannels: number, k: number, stride: number, outHeight: number,
    outWidth: number, weights: number, bias: number, multipliers: number, shifts: number, outChannels: number,
    lo: number, hi: number, out: number, outBytes: number): void;
  convPad(src: number, height: number, width: number, channels: number, dst: number, padTop: number,
    padLeft: number, paddedHeight: number, paddedWidth: number, paddedChannels: number): void;
  requantize(src: number, pixels: number, channels: number, multipliers: number, shifts: number, lo: number,
    hi: number, dst: number, outBytes: number): void;
  addClamp(a: number, b: number, n: number, lo: number, hi: number, dst: number): void;
  clamp(src: number, n: number, lo: number, hi: number, dst: number): void;
  squeeze(src: number, height: number, width: number, channels: number, elementBytes: number, dst: number): void;
  unsqueeze(src: number, height: number, width: number, channels: number, elementBytes: number, dst: number): void;
  gather(src: number, pixels: number, channels: number, indices: number, count: number, elementBytes: number,
    dst: number): void;
  copyChannels(src: number, srcChannels: number, srcStart: number, dst: number, dstChannels: number,
    dstStart: number, count: number, pixels: number, elementBytes: number): void;
}

/** A convolution whose weights, bias and requantisation live in the instance's persistent memory. */
interface WasmPreparedConv extends PreparedConv {
  readonly paddedChannels: number;
  readonly weights: number;
  readonly bias: number;
  readonly multipliers: number;
  readonly shifts: number;
}

const WASM_URL = new URL('./engine.wasm', import.meta.url);
let compiled: object | undefined;

function engineModule(): object {
  if (compiled === undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(WASM_URL);
    } catch (error) {
      throw new InternalError(`the engine's WASM module ${fileURLToPath(WASM_URL)} cannot be read; run ` +
        '"npm run build" (or use the reference kernels)', { cause: error });
    }
    compiled = new WebAssemblyApi.Module(bytes);
  }
  return compiled;
}

function bytesOf(type: ElementType): number {
  return type === 'int16' ? 2 : 4;
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Creates a WASM kernel set with its own instance and memory.
 * @param maxMemoryBytes limit on the instance's linear memory (checked by the engine)
 * @throws InternalError when engine.wasm is missing (not built)
 */
export function createWasmKernels(maxMemoryBytes: number): Kernels {
  const wasm = new WebAssemblyApi.Instance(engineModule(), {}).exports as EngineExports;
  const arena = new WasmArena(wasm.memory, maxMemoryBytes);
  const channelAlign = wasm.CONV_CHANNEL_ALIGN.value;
  const channelBlock = wasm.CONV_CHANNEL_BLOCK.value;

  /** Copies a tensor into fresh scratch memory (allocate everything first: views die when memory grows). */
  const write = (ptr: number, tensor: Tensor): void => {
    const view = tensor.data instanceof Int16Array ? arena.int16(ptr, tensor.data.length)
      : arena.int32(ptr, tensor.data.length);
    view.set(tensor.data);
  };
  const read = <E extends ElementType>(ptr: number, type: E, height: number, width: number, channels: number) => {
    const out = emptyTensor(type, height, width, channels);
    out.data.set(type === 'int16' ? arena.int16(ptr, out.data.length) : arena.int32(ptr, out.data.length));
    return out;
  };
  const scratchFor = (tensor: Tensor, what: string): number => {
    return arena.scratch(tensor.data.length * bytesOf(elementTypeOf(tensor)), what);
  };

  const prepareConv = (conv: CheckedConv): WasmPreparedConv => {
    const { kernelSize: k, inChannels: cin, outChannels: cout } = conv;
    const paddedChannels = roundUp(cin, channelAlign);
    const blockedOut = roundUp(cout, channelBlock);
    const count = blockedOut * k * k * paddedChannels;
    const what = `layer ${conv.name}`;
    const weights = arena.persistent(count * 2, what);
    const bias = arena.persistent(blockedOut * 4, what);
    const multipliers = arena.persistent(blockedOut * 4, what);
    const shifts = arena.persistent(blockedOut * 4, what);
    // Layout read by assembly/conv.ts: [block][ky][kx * paddedChannels + ci, 8 at a time][channel in block][8].
    const packed = arena.int16(weights, count);
    const rowLength = k * paddedChannels;
    let n = 0;
    for (let ob = 0; ob < blockedOut; ob += channelBlock) {
      for (let ky = 0; ky < k; ky++) {
        for (let t = 0; t < rowLength; t += channelAlign) {
          for (let o = ob; o < ob + channelBlock; o++) {
            for (let lane = t; lane < t + channelAlign; lane++) {
              const kx = Math.floor(lane / paddedChannels);
              const ci = lane % paddedChannels;
              packed[n++] = o < cout && ci < cin ? conv.weights[((ky * k + kx) * cin + ci) * cout + o]! : 0;
            }
          }
        }
      }
    }
    invariant(n === count, `packed ${n} of ${count} weights`);
    for (const [ptr, values] of [[bias, conv.bias], [multipliers, conv.requant.multipliers],
      [shifts, conv.requant.shifts]] as const) {
      const view = arena.int32(ptr, blockedOut);
      view.fill(0);
      view.set(values);
    }
    return { conv, paddedChannels, weights, bias, multipliers, shifts };
  };

  const conv2d = (prepared: PreparedConv, x: Tensor16): Tensor => {
    const layer = prepared as WasmPreparedConv;
    const { kernelSize: k, stride, outChannels, requant } = layer.conv;
    const g = convGeometry(x.height, x.width, k, stride);
    const paddedHeight = Math.max((g.outHeight - 1) * stride + k, g.padTop + x.height);
    const paddedWidth = Math.max((g.outWidth - 1) * stride + k, g.padLeft + x.width);
    const outBytes = bytesOf(requant.output);
    const what = `layer ${layer.conv.name} on a ${x.height}x${x.width}x${x.channels} input`;
    // Without padding (1x1 stride 1 over a multiple of 8 channels) the kernel reads the input as it is.
    const needsPadding = paddedHeight !== x.height || paddedWidth !== x.width || layer.paddedChannels !== x.channels;
    arena.resetScratch();
    const input = scratchFor(x, what);
    const padded = needsPadding ? arena.scratch(paddedHeight * paddedWidth * layer.paddedChannels * 2, what) : input;
    const out = arena.scratch(g.outHeight * g.outWidth * outChannels * outBytes, what);
    write(input, x);
    if (needsPadding) {
      wasm.convPad(input, x.height, x.width, x.channels, padded, g.padTop, g.padLeft, paddedHeight, paddedWidth,
        layer.paddedChannels);
    }
    wasm.conv(padded, paddedWidth, layer.paddedChannels, k, stride, g.outHeight, g.outWidth, layer.weights,
      layer.bias, layer.multipliers, layer.shifts, outChannels, requant.lo, requant.hi, out, outBytes);
    return read(out, requant.output, g.outHeight, g.outWidth, outChannels);
  };

  const requantize = (x: Tensor32, rq: CheckedRequantization): Tensor => {
    const what = `requantisation of a ${x.height}x${x.width}x${x.channels} tensor`;
    arena.resetScratch();
    const src = scratchFor(x, what);
    const multipliers = arena.scratch(x.channels * 4, what);
    const shifts = arena.scratch(x.channels * 4, what);
    const out = arena.scratch(x.data.length * bytesOf(rq.output), what);
    write(src, x);
    arena.int32(multipliers, x.channels).set(rq.multipliers);
    arena.int32(shifts, x.channels).set(rq.shifts);
    wasm.requantize(src, x.height * x.width, x.channels, multipliers, shifts, rq.lo, rq.hi, out, bytesOf(rq.output));
    return read(out, rq.output, x.height, x.width, x.channels);
  };

  const addClamp = (a: Tensor16, b: Tensor16, lo: number, hi: number): Tensor16 => {
    arena.resetScratch();
    const pa = scratchFor(a, 'add');
    const pb = scratchFor(b, 'add');
    const out = scratchFor(a, 'add');
    write(pa, a);
    write(pb, b);
    wasm.addClamp(pa, pb, a.data.length, lo, hi, out);
    return read(out, 'int16', a.height, a.width, a.channels);
  };

  const clamp = (x: Tensor16, lo: number, hi: number): Tensor16 => {
    arena.resetScratch();
    const src = scratchFor(x, 'clamp');
    const out = scratchFor(x, 'clamp');
    write(src, x);
    wasm.clamp(src, x.data.length, lo, hi, out);
    return read(out, 'int16', x.height, x.width, x.channels);
  };

  /** Runs a layout kernel that maps x to a tensor of the same type and element count with the given shape. */
  const relayout = (x: Tensor, height: number, width: number, channels: number, what: string,
    run: (src: number, elementBytes: number, dst: number) => void): Tensor => {
    const type = elementTypeOf(x);
    arena.resetScratch();
    const src = scratchFor(x, what);
    const out = arena.scratch(height * width * channels * bytesOf(type), what);
    write(src, x);
    run(src, bytesOf(type), out);
    return read(out, type, height, width, channels);
  };

  return {
    name: 'wasm',
    prepareConv,
    conv2d,
    requantize,
    addClamp,
    clamp,
    squeeze: (x) => relayout(x, x.height / 2, x.width / 2, x.channels * 4, 'squeeze',
      (src, eb, dst) => wasm.squeeze(src, x.height, x.width, x.channels, eb, dst)),
    unsqueeze: (x) => relayout(x, x.height * 2, x.width * 2, x.channels / 4, 'unsqueeze',
      (src, eb, dst) => wasm.unsqueeze(src, x.height, x.width, x.channels, eb, dst)),
    gatherChannels: (x, indices) => {
      const type = elementTypeOf(x);
      arena.resetScratch();
      const src = scratchFor(x, 'gather');
      const idx = arena.scratch(indices.length * 4, 'gather');
      const out = arena.scratch(x.height * x.width * indices.length * bytesOf(type), 'gather');
      write(src, x);
      arena.int32(idx, indices.length).set(indices);
      wasm.gather(src, x.height * x.width, x.channels, idx, indices.length, bytesOf(type), out);
      return read(out, type, x.height, x.width, indices.length);
    },
    concatChannels: (parts) => {
      const first = parts[0]!;
      const type = elementTypeOf(first);
      const total = parts.reduce((sum, part) => sum + part.channels, 0);
      const pixels = first.height * first.width;
      arena.resetScratch();
      const srcs = parts.map((part) => scratchFor(part, 'concat'));
      const out = arena.scratch(pixels * total * bytesOf(type), 'concat');
      let offset = 0;
      parts.forEach((part, i) => {
        write(srcs[i]!, part);
        wasm.copyChannels(srcs[i]!, part.channels, 0, out, total, offset, part.channels, pixels, bytesOf(type));
        offset += part.channels;
      });
      return read(out, type, first.height, first.width, total);
    },
    sliceChannels: (x, start, count) => relayout(x, x.height, x.width, count, 'slice',
      (src, eb, dst) => wasm.copyChannels(src, x.channels, start, dst, count, 0, count, x.height * x.width, eb)),
  };
}
