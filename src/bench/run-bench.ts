/**
 * The bench loop: every codec codes every image as its own file, one codec and one image at a time, and decodes it
 * back. Invariant: bits per dimension is 8 x (sum of coded bytes, container included) / (sum of samples), and
 * `exact` is true only when every image's decoded samples equal the original byte for byte.
 */
import { IdfzError } from '../core/errors.js';
import { subPixels, type BenchCodec, type BenchImage, type ModelEstimates, type TimingKind } from './bench-codec.js';

/** What one codec achieved on the images (or why it was not measured). */
export interface CodecResult {
  /** Codec name (`idfz` for ours). */
  readonly name: string;
  /** Mean bits per dimension over all images: 8 x coded bytes / samples; null when skipped or failed. */
  readonly bpd: number | null;
  /** Raw pixel bytes (one per sample) encoded per second, in MB (10^6 bytes) per second; null when not measured. */
  readonly encodeMBps: number | null;
  /** Raw pixel bytes decoded per second, MB/s; null when not measured. */
  readonly decodeMBps: number | null;
  /** Every image decoded to exactly its original samples; null when not measured. */
  readonly exact: boolean | null;
  /** Images whose decoded samples differ from the original. */
  readonly inexactImages: number;
  /** Sum of the coded files' sizes in bytes; null when not measured. */
  readonly bytes: number | null;
  /** Settings and container, in words. */
  readonly settings: string;
  /** How times were measured. */
  readonly timing: TimingKind;
  /** Library or tool versions, as reported; null when skipped. */
  readonly version: string | null;
  /** Why the codec was not run (a tool is missing); null when it ran. */
  readonly skipped: string | null;
  /** Why the codec stopped part-way (it failed on an image); null when it finished. */
  readonly error: string | null;
  /** The codec's note on the run (idfz: tiles coded by the learned model), or null. */
  readonly note: string | null;
  /** A learned codec's estimated bits per dimension. */
  readonly estimated?: ModelEstimates;
}

/** The outcome of a bench run on one dataset. */
export interface BenchResult {
  /** Dataset name (`cifar10/test`, a folder path, ...). */
  readonly dataset: string;
  /** Number of images coded. */
  readonly images: number;
  /** Samples over all images (the "dimensions"). */
  readonly subPixels: number;
  /** One entry per codec, in the order run. */
  readonly codecs: readonly CodecResult[];
}

/** Options of runBench. */
export interface RunBenchOptions {
  /** Called after each image a codec has coded and decoded; a skipped or failed codec counts its images at once. */
  onProgress?: (done: number, total: number, codec: string) => void;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

type Outcome = Omit<CodecResult, 'name' | 'settings' | 'timing' | 'estimated'>;

const UNMEASURED = { bpd: null, encodeMBps: null, decodeMBps: null, exact: null, inexactImages: 0, bytes: null } as const;

/** The result with the schema's keys first (name, bpd, encodeMBps, decodeMBps, exact), then the details. */
function resultOf(codec: BenchCodec, outcome: Outcome, estimated: ModelEstimates | undefined): CodecResult {
  const { bpd, encodeMBps, decodeMBps, exact, inexactImages, bytes, version, skipped, error, note } = outcome;
  return {
    name: codec.name, bpd, encodeMBps, decodeMBps, exact, inexactImages, bytes, settings: codec.settings, timing: codec.timing,
    version, skipped, error, note, ...(estimated ? { estimated } : {}),
  };
}

async function runCodec(codec: BenchCodec, images: readonly BenchImage[], step: (codec: string) => void): Promise<CodecResult> {
  // Estimates come from the model alone, so a learned codec that cannot code may still have them.
  const estimated = codec.estimate ? await codec.estimate(images) : undefined;
  const availability = await codec.available();
  if (!availability.available) {
    return resultOf(codec, { ...UNMEASURED, version: null, skipped: availability.reason, error: null, note: null }, estimated);
  }
  let bytes = 0;
  let samples = 0;
  let encodeMs = 0;
  let decodeMs = 0;
  let inexactImages = 0;
  try {
    for (const image of images) {
      const startEncode = performance.now();
      const coded = await codec.encode(image);
      const startDecode = performance.now();
      const decoded = await codec.decode(coded, image);
      const end = performance.now();
      encodeMs += startDecode - startEncode;
      decodeMs += end - startDecode;
      bytes += coded.length;
      samples += subPixels(image);
      if (!equalBytes(decoded, image.data)) inexactImages++;
      step(codec.name);
    }
  } catch (error) {
    if (!(error instanceof IdfzError)) throw error;
    return resultOf(codec, { ...UNMEASURED, version: availability.version, skipped: null, error: error.message, note: codec.note?.() ?? null }, estimated);
  } finally {
    await codec.close?.();
  }
  const rate = (ms: number): number | null => (samples > 0 && ms > 0 ? samples / 1e6 / (ms / 1000) : null);
  return resultOf(codec, {
    bpd: samples > 0 ? (8 * bytes) / samples : null,
    encodeMBps: rate(encodeMs),
    decodeMBps: rate(decodeMs),
    exact: samples > 0 ? inexactImages === 0 : null,
    inexactImages,
    bytes,
    version: availability.version,
    skipped: null,
    error: null,
    note: codec.note?.() ?? null,
  }, estimated);
}

/**
 * Codes `images` with each codec in turn (sequentially: timings are never shared between jobs).
 * A codec that is not available is reported as skipped with its reason; one that fails on an image (an IdfzError)
 * is reported with the error and the other codecs still run.
 * @param datasetName name to put in the result
 * @throws whatever is not an IdfzError (a bug)
 */
export async function runBench(datasetName: string, images: readonly BenchImage[], codecs: readonly BenchCodec[], options: RunBenchOptions = {}): Promise<BenchResult> {
  const total = images.length * codecs.length;
  let done = 0;
  const step = (codec: string): void => {
    done++;
    options.onProgress?.(done, total, codec);
  };
  const results: CodecResult[] = [];
  for (const codec of codecs) {
    const before = done;
    results.push(await runCodec(codec, images, step));
    // A skipped or failed codec still advances the count by its share.
    while (done < before + images.length) step(codec.name);
  }
  return { dataset: datasetName, images: images.length, subPixels: images.reduce((sum, image) => sum + subPixels(image), 0), codecs: results };
}
