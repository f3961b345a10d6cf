/**
 * Benchmark of the entropy layer (issue 3): speed of RansEncoder/RansDecoder on 10^6 symbols drawn from
 * discretised logistics (mu uniform in [-300, 300], scale log-uniform in [0.2, 80]) and from 5-component mixtures of
 * such logistics, frequency computation included, one thread; overhead of the coded bytes over the integer model's
 * ideal code length, and quantisation loss of the integer model against the exact float model. Mixtures are coded
 * as new files code them (stream version 2, `mixture5`) and, for reference, as version 1 files (`mixture5V1`).
 * Usage: npm run -s bench:entropy -- [--json] [--symbols N] [--runs R] [--seed S]
 */
import { SeededRandom } from '../src/core/seeded-random.js';
import {
  LATEST_STREAM_VERSION, RansDecoder, RansEncoder, intervalCodeLengthBits, logisticInterval, mixtureInterval, muToQ,
  scaleIndexOf, type StreamVersion,
} from '../src/entropy/index.js';

/** Results of one workload. */
interface WorkloadResult {
  symbols: number;
  /** Symbols per second of CPU time (one thread), in millions. */
  encodeMsymPerS: number;
  decodeMsymPerS: number;
  /** The same per second of wall-clock time (lower when other jobs share the cores). */
  encodeWallMsymPerS: number;
  decodeWallMsymPerS: number;
  /** 100 * (coded bits / ideal integer-model bits - 1), all bytes of the stream included. */
  overheadPct: number;
  /** 100 * (ideal integer-model bits / ideal float-model bits - 1). */
  quantLossPct: number;
  codedBytes: number;
  idealIntegerBits: number;
  idealFloatBits: number;
  bitsPerSymbol: number;
  escapes: number;
  /** The stream version coded. */
  streamVersion: StreamVersion;
}

interface Options {
  json: boolean;
  symbols: number;
  runs: number;
  seed: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { json: false, symbols: 1_000_000, runs: 5, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): number => {
      const parsed = Number(argv[++i]);
      if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`Expected a positive integer after ${arg}`);
      return parsed;
    };
    if (arg === '--json') options.json = true;
    else if (arg === '--symbols') options.symbols = value();
    else if (arg === '--runs') options.runs = value();
    else if (arg === '--seed') options.seed = value();
    else throw new Error(`Unknown option ${arg} (expected --json, --symbols N, --runs R, --seed S)`);
  }
  return options;
}

/** log of the logistic sigmoid, stable on both sides. */
function logSigmoid(t: number): number {
  return t >= 0 ? -Math.log1p(Math.exp(-t)) : t - Math.log1p(Math.exp(t));
}

/** Probability of integer x under the exact float discretised logistic (computed in the tail that is small). */
function logisticProbability(x: number, mu: number, scale: number): number {
  const a = (x - 0.5 - mu) / scale;
  const b = (x + 0.5 - mu) / scale;
  if (a > 0) return Math.exp(logSigmoid(-a)) - Math.exp(logSigmoid(-b));
  return Math.exp(logSigmoid(b)) - Math.exp(logSigmoid(a));
}

function sampleLogistic(random: SeededRandom, mu: number, scale: number): number {
  const u = random.next();
  return Math.round(mu + scale * Math.log(u / (1 - u)));
}

function drawScale(random: SeededRandom): number {
  return 0.2 * Math.exp(Math.log(80 / 0.2) * random.next());
}

/** Wall-clock and on-CPU time of one call, in milliseconds. */
interface Timing {
  wallMs: number;
  cpuMs: number;
}

/**
 * Median (by CPU time) of `runs` timings of `work`. CPU time is this process's user + system time: on a machine
 * shared with other jobs it measures what one core does, where wall time also counts time spent descheduled.
 */
function medianTiming(runs: number, work: () => void): Timing {
  const timings: Timing[] = [];
  for (let r = 0; r < runs; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    work();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    timings.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  timings.sort((x, y) => x.cpuMs - y.cpuMs);
  return timings[Math.floor(timings.length / 2)]!;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function measure(
  n: number, runs: number, encode: (encoder: RansEncoder) => void, decode: (decoder: RansDecoder) => Int32Array,
  symbols: Int32Array, idealIntegerBits: number, idealFloatBits: number, escapes: number,
  streamVersion: StreamVersion = LATEST_STREAM_VERSION,
): WorkloadResult {
  let bytes: Uint8Array = new Uint8Array(0);
  const encodeTime = medianTiming(runs, () => {
    const encoder = new RansEncoder(streamVersion);
    encode(encoder);
    bytes = encoder.finish();
  });
  let decoded: Int32Array = new Int32Array(0);
  const decodeTime = medianTiming(runs, () => {
    const decoder = new RansDecoder(bytes, 0, bytes.length, streamVersion);
    decoded = decode(decoder);
    decoder.finish();
  });
  for (let i = 0; i < n; i++) {
    if (decoded[i] !== symbols[i]) throw new Error(`round trip failed at symbol ${i}`);
  }
  return {
    symbols: n,
    encodeMsymPerS: round(n / encodeTime.cpuMs / 1000, 2),
    decodeMsymPerS: round(n / decodeTime.cpuMs / 1000, 2),
    encodeWallMsymPerS: round(n / encodeTime.wallMs / 1000, 2),
    decodeWallMsymPerS: round(n / decodeTime.wallMs / 1000, 2),
    overheadPct: round(100 * ((8 * bytes.length) / idealIntegerBits - 1), 4),
    quantLossPct: round(100 * (idealIntegerBits / idealFloatBits - 1), 4),
    codedBytes: bytes.length,
    idealIntegerBits: round(idealIntegerBits, 1),
    idealFloatBits: round(idealFloatBits, 1),
    bitsPerSymbol: round((8 * bytes.length) / n, 4),
    escapes,
    streamVersion,
  };
}

function benchLogistic(options: Options): WorkloadResult {
  const n = options.symbols;
  const random = new SeededRandom(options.seed);
  const symbols = new Int32Array(n);
  const mus = new Int32Array(n);
  const scales = new Uint16Array(n);
  let idealFloatBits = 0;
  let idealIntegerBits = 0;
  let escapes = 0;
  for (let i = 0; i < n; i++) {
    const mu = -300 + 600 * random.next();
    const scale = drawScale(random);
    const x = sampleLogistic(random, mu, scale);
    symbols[i] = x;
    mus[i] = muToQ(mu);
    scales[i] = scaleIndexOf(scale);
    idealFloatBits -= Math.log2(logisticProbability(x, mu, scale));
    const interval = logisticInterval(x, mus[i]!, scales[i]!);
    if (interval.escapeValue >= 0) escapes++;
    idealIntegerBits += intervalCodeLengthBits(interval);
  }
  return measure(
    n, options.runs,
    (encoder) => encoder.encodeLogistic(symbols, mus, scales),
    (decoder) => {
      const out = new Int32Array(n);
      decoder.decodeLogistic(out, mus, scales);
      return out;
    },
    symbols, idealIntegerBits, idealFloatBits, escapes,
  );
}

const COMPONENTS = 5;
const WEIGHT_TOTAL = 2 ** 15;

/** The benchmark's mixture stream: symbols, their components' parameters and the ideal code lengths. */
interface MixtureWorkload {
  /** Components per symbol (5). */
  components: number;
  symbols: Int32Array;
  mus: Int32Array;
  scales: Uint16Array;
  weights: Uint16Array;
  /** Ideal code length in bits of the symbols under the exact float mixtures. */
  idealFloatBits: number;
  /** Ideal code length in bits under the integer mixtures of format version 1. */
  idealIntegerBits: number;
  /** Ideal code length in bits under the integer mixtures of format version 2 (component slots). */
  idealSlotBits: number;
  /** Symbols outside their mixture's window. */
  escapes: number;
}

/**
 * Draws the mixture workload of the benchmark: n symbols, each from a 5-component mixture with mu uniform in
 * [-300, 300], scale log-uniform in [0.2, 80] and Dirichlet(1, ..., 1) weights quantised to 2^15, from `seed + 1`.
 */
function drawMixtureWorkload(n: number, seed: number): MixtureWorkload {
  const random = new SeededRandom(seed + 1);
  const symbols = new Int32Array(n);
  const mus = new Int32Array(n * COMPONENTS);
  const scales = new Uint16Array(n * COMPONENTS);
  const weights = new Uint16Array(n * COMPONENTS);
  const floatMus = new Float64Array(COMPONENTS);
  const floatScales = new Float64Array(COMPONENTS);
  const floatWeights = new Float64Array(COMPONENTS);
  let idealFloatBits = 0;
  let idealIntegerBits = 0;
  let idealSlotBits = 0;
  let escapes = 0;
  for (let i = 0; i < n; i++) {
    let weightSum = 0;
    for (let c = 0; c < COMPONENTS; c++) {
      floatMus[c] = -300 + 600 * random.next();
      floatScales[c] = drawScale(random);
      floatWeights[c] = -Math.log(random.next()); // Dirichlet(1, ..., 1) after normalising
      weightSum += floatWeights[c]!;
    }
    let pick = random.next() * weightSum;
    let chosen = COMPONENTS - 1;
    let integerTotal = 0;
    for (let c = 0; c < COMPONENTS; c++) {
      floatWeights[c] = floatWeights[c]! / weightSum;
      const q = i * COMPONENTS + c;
      mus[q] = muToQ(floatMus[c]!);
      scales[q] = scaleIndexOf(floatScales[c]!);
      weights[q] = Math.round(floatWeights[c]! * WEIGHT_TOTAL);
      integerTotal += weights[q]!;
      pick -= floatWeights[c]! * weightSum;
      if (pick < 0 && chosen === COMPONENTS - 1 && c < COMPONENTS - 1) chosen = c;
    }
    if (integerTotal === 0) weights[i * COMPONENTS] = 1;
    const x = sampleLogistic(random, floatMus[chosen]!, floatScales[chosen]!);
    symbols[i] = x;
    let probability = 0;
    for (let c = 0; c < COMPONENTS; c++) {
      probability += floatWeights[c]! * logisticProbability(x, floatMus[c]!, floatScales[c]!);
    }
    idealFloatBits -= Math.log2(probability);
    const interval = mixtureInterval(x, mus, scales, weights, i * COMPONENTS, COMPONENTS);
    if (interval.escapeValue >= 0) escapes++;
    idealIntegerBits += intervalCodeLengthBits(interval);
    idealSlotBits += intervalCodeLengthBits(mixtureInterval(x, mus, scales, weights, i * COMPONENTS, COMPONENTS, 2));
  }
  return {
    components: COMPONENTS, symbols, mus, scales, weights, idealFloatBits, idealIntegerBits, idealSlotBits, escapes,
  };
}

/** The mixture workload coded in stream version 2 (as new files are) and in version 1 (old files). */
function benchMixture(options: Options): { v2: WorkloadResult & { costVsV1Pct: number }; v1: WorkloadResult } {
  const n = options.symbols;
  const workload = drawMixtureWorkload(n, options.seed);
  const { symbols, mus, scales, weights, idealFloatBits, idealIntegerBits, idealSlotBits, escapes } = workload;
  const run = (version: StreamVersion, idealBits: number): WorkloadResult => measure(
    n, options.runs,
    (encoder) => encoder.encodeMixture(symbols, mus, scales, weights, COMPONENTS),
    (decoder) => {
      const out = new Int32Array(n);
      decoder.decodeMixture(out, mus, scales, weights, COMPONENTS);
      return out;
    },
    symbols, idealBits, idealFloatBits, escapes, version,
  );
  const v2 = { ...run(2, idealSlotBits), costVsV1Pct: round(100 * (idealSlotBits / idealIntegerBits - 1), 4) };
  return { v2, v1: run(1, idealIntegerBits) };
}

function main(argv: readonly string[]): void {
  const options = parseOptions(argv);
  const logistic = benchLogistic(options);
  const mixture = benchMixture(options);
  const result = {
    ...logistic,
    mixture5: mixture.v2,
    mixture5V1: mixture.v1,
    runs: options.runs,
    seed: options.seed,
    node: process.version,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const named = [['logistic', logistic], ['mixture of 5', mixture.v2], ['mixture of 5, version 1 files', mixture.v1]];
  for (const [name, r] of named as [string, WorkloadResult][]) {
    process.stdout.write(
      `${name}: encode ${r.encodeMsymPerS} Msym/s, decode ${r.decodeMsymPerS} Msym/s (CPU time; wall ` +
        `${r.encodeWallMsymPerS} / ${r.decodeWallMsymPerS}), overhead ${r.overheadPct}%, ` +
        `quantisation loss ${r.quantLossPct}%, ${r.bitsPerSymbol} bits/symbol, ${r.escapes} escapes\n`,
    );
  }
}

main(process.argv.slice(2));
