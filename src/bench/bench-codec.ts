/**
 * The one interface every codec in `idfz bench` implements (the baselines and idfz itself): whole images in, the
 * complete file's bytes out, and back. Invariant: `decode(encode(image))` is what the codec really reconstructs, so
 * the bench's exact-decode check compares real decoder output with the original samples for every codec.
 */

/** An 8-bit image to benchmark: grey (1 channel) or RGB (3), interleaved row-major (HWC), any size. */
export interface BenchImage {
  /** Where it came from, for messages: a file name or `<dataset>[index]`. */
  readonly name: string;
  /** Pixels per row, >= 1. */
  readonly width: number;
  /** Rows, >= 1. */
  readonly height: number;
  /** 1 (grey) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** `width * height * channels` samples. */
  readonly data: Uint8Array;
}

/** The geometry a decoder is told (the bench keeps it beside the bytes, as a container header would). */
export type ImageGeometry = Pick<BenchImage, 'width' | 'height' | 'channels'>;

/** Whether a codec can run here, and if not why not (a missing tool is reported as skipped, never silently). */
export type Availability = { readonly available: true; readonly version: string } | { readonly available: false; readonly reason: string };

/**
 * How a codec's time is measured: `in-process` (a library call inside Node) or `per-process` (one child process
 * per image and direction, start-up and temporary files included).
 */
export type TimingKind = 'in-process' | 'per-process';

/** One model-estimated bits-per-dimension figure, or why there is none. */
export interface BpdEstimate {
  /** Mean bits per dimension the model predicts over the images, or null when it cannot be computed. */
  readonly bpd: number | null;
  /** Where the figure comes from, or why it is null. */
  readonly note: string;
}

/** A learned codec's own estimates of its rate: float model (training graph) and integer model (ideal code length). */
export interface ModelEstimates {
  readonly float: BpdEstimate;
  readonly integer: BpdEstimate;
}

/** A codec under test. Instances are used by one bench run at a time, one image at a time. */
export interface BenchCodec {
  /** Short name used on the command line and in results: `png`, `webp`, `avif`, `jxl`, `jp2`, `idfz`. */
  readonly name: string;
  /** The settings and the container measured, in words (goes into the report beside the numbers). */
  readonly settings: string;
  /** How encode and decode times are measured. */
  readonly timing: TimingKind;
  /** Checks that the codec can run (tools installed, model loadable); never throws. */
  available(): Promise<Availability>;
  /**
   * Codes one image as its own complete file.
   * @returns every byte the codec's file holds (container included)
   * @throws an IdfzError when the codec fails on this image (the message names the image)
   */
  encode(image: BenchImage): Promise<Uint8Array>;
  /**
   * Decodes one file written by `encode`.
   * @returns the reconstructed samples, `width * height * channels` bytes in the same layout as BenchImage.data, or
   *   whatever the decoder produced (a different length fails the exact-decode check)
   * @throws an IdfzError when the codec cannot decode its own file
   */
  decode(bytes: Uint8Array, geometry: ImageGeometry): Promise<Uint8Array>;
  /** For a learned codec: the model's estimated bits per dimension on these images (never throws; nulls say why). */
  estimate?(images: readonly BenchImage[]): Promise<ModelEstimates>;
  /** After a run: one line about how it went that the numbers do not show (idfz: tiles coded by the model). */
  note?(): string;
  /** Releases temporary files or workers; the codec is not used afterwards. */
  close?(): Promise<void>;
}

/** Number of samples of an image (the "dimensions" in bits per dimension). */
export function subPixels(image: ImageGeometry): number {
  return image.width * image.height * image.channels;
}
