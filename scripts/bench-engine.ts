/**
 * Benchmark of the integer engine's convolution: 3x3, 128 -> 128 channels, 64x64 map, 'same' padding, int8 weights x
 * int16 activations (|x| < 2^12), requantised to int16, on one core. Times engine.conv2d end to end (copies, padding
 * and requantisation included) for both kernel sets and checks that their outputs are bit-identical.
 * Usage: npm run -s bench:engine -- [--json] [--runs N]   (one JSON object on stdout with --json)
 */
import os from 'node:os';
import { createEngine, proveAccumulatorBound, tensor16, type ConvSpec, type Engine, type Tensor } from '../src/engine/index.js';

interface Case {
  readonly name: string;
  readonly spec: ConvSpec<'int16'>;
  readonly height: number;
  readonly width: number;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function makeCase(name: string, kernelSize: number, stride: number, channels: number, size: number): Case {
  const random = seeded(kernelSize * 1000 + stride * 100 + channels);
  const weights = Int8Array.from({ length: kernelSize * kernelSize * channels * channels },
    () => Math.floor(random() * 256) - 128);
  const bias = Array.from({ length: channels }, () => Math.floor(random() * 2 ** 20) - 2 ** 19);
  const spec: ConvSpec<'int16'> = { name, kernelSize, stride, inChannels: channels, outChannels: channels, weights, bias,
    requant: { multipliers: new Array(channels).fill(20000), shifts: new Array(channels).fill(30), lo: 0, hi: 4095,
      output: 'int16' } };
  return { name, spec, height: size, width: size };
}

function multiplyAdds(c: Case): number {
  const { kernelSize: k, stride = 1, inChannels, outChannels } = c.spec;
  return Math.ceil(c.height / stride) * Math.ceil(c.width / stride) * k * k * inChannels * outChannels;
}

/** Best wall time in ms of `runs` calls after one warm-up call; returns it with the last output. */
function time(engine: Engine, c: Case, runs: number): { ms: number; out: Tensor } {
  const layer = engine.prepareConv(c.spec);
  const random = seeded(7);
  const x = tensor16(c.height, c.width, c.spec.inChannels,
    Int16Array.from({ length: c.height * c.width * c.spec.inChannels }, () => Math.floor(random() * 8191) - 4095));
  let out = engine.conv2d(layer, x);
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    out = engine.conv2d(layer, x);
    best = Math.min(best, performance.now() - start);
  }
  return { ms: best, out };
}

function main(argv: readonly string[]): void {
  const json = argv.includes('--json');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 20;
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new Error(`Expected --runs 1..1000 but received ${argv[runsAt + 1]}`);
  const wasm = createEngine({ kernel: 'wasm' });
  const reference = createEngine({ kernel: 'reference' });
  const main = makeCase('conv3x3-128-128-64x64', 3, 1, 128, 64);
  const maxAccumulator = Math.max(...proveAccumulatorBound(main.spec, 4095));
  const fast = time(wasm, main, runs);
  const slow = time(reference, main, 1);
  const bitExact = fast.out.data.length === slow.out.data.length && fast.out.data.every((v, i) => v === slow.out.data[i]);
  const macs = multiplyAdds(main);
  const extras = [makeCase('conv3x3-128-128-64x64-stride2', 3, 2, 128, 64), makeCase('conv1x1-128-128-64x64', 1, 1, 128, 64),
    makeCase('conv3x3-32-32-64x64', 3, 1, 32, 64)].map((c) => {
    const { ms } = time(wasm, c, runs);
    return { name: c.name, wasmMs: round(ms), wasmGmacPerS: round(multiplyAdds(c) / ms / 1e6) };
  });
  const result = {
    benchmark: main.name,
    multiplyAdds: macs,
    convGmacPerS: { wasm: round(macs / fast.ms / 1e6), reference: round(macs / slow.ms / 1e6) },
    convMs: { wasm: round(fast.ms), reference: round(slow.ms) },
    bitExact,
    maxAccumulatorBound: maxAccumulator,
    runs,
    extras,
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1m: round(os.loadavg()[0]!) },
  };
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(`${main.name}: wasm ${result.convGmacPerS.wasm} G multiply-adds/s (${result.convMs.wasm} ms), ` +
      `reference ${result.convGmacPerS.reference} (${result.convMs.reference} ms), bit-exact: ${bitExact}\n`);
    for (const extra of extras) process.stdout.write(`${extra.name}: wasm ${extra.wasmGmacPerS} G multiply-adds/s (${extra.wasmMs} ms)\n`);
  }
  if (!bitExact) process.exitCode = 1;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main(process.argv.slice(2));
