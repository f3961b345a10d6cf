/**
 * The error classes of idfz, one per kind of failure, each carrying the process exit code the CLI uses.
 * Library code only throws these; the CLI turns them into one line on stderr (see src/cli/report-error.ts).
 * Anything else that escapes is an internal bug (exit 70).
 */

/** Base class: a failure idfz understands and can explain in one line. */
export abstract class IdfzError extends Error {
  /** Process exit code the CLI uses for this kind of failure. */
  abstract readonly exitCode: number;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Wrong command-line usage: unknown option, bad value, missing argument. Exit 2. */
export class UsageError extends IdfzError {
  readonly exitCode = 2;
}

/** An input image (or image-like file) that cannot be read: missing, not an image, truncated, unsupported. Exit 1. */
export class BadInputError extends IdfzError {
  readonly exitCode = 1;
}

/** A `.idf` stream (or any coded byte stream) that fails validation or decoding. Exit 1. */
export class CorruptStreamError extends IdfzError {
  readonly exitCode = 1;
}

/** A model that is missing, fails its sha256 check, or does not fit the data. Exit 1. */
export class ModelError extends IdfzError {
  readonly exitCode = 1;
}

/** A dataset that is missing or malformed. Exit 1. */
export class DataError extends IdfzError {
  readonly exitCode = 1;
}

/** A resource limit (pixels, bytes, memory) that an input exceeds. Exit 1. */
export class LimitError extends IdfzError {
  readonly exitCode = 1;
}

/**
 * The reader of idfz's output went away (EPIPE), as in `idfz decompress x.idf -o - | head -c 10`: not a failure to
 * explain, so the CLI ends silently with exit 141 (128 + SIGPIPE), what a Unix tool stopped by SIGPIPE returns.
 */
export class OutputClosedError extends IdfzError {
  readonly exitCode = 141;
}

/** A broken invariant inside idfz: a bug, never the user's fault. Exit 70 (EX_SOFTWARE). */
export class InternalError extends IdfzError {
  readonly exitCode = 70;
}

/** Exit code for an error that is not an IdfzError (treated as an internal bug). */
export const INTERNAL_EXIT_CODE = 70;

/**
 * Throws InternalError when `condition` is false. For invariants of idfz's own code only: untrusted bytes are
 * validated with the specific error classes above, never with an assertion.
 */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalError(`internal error: ${message}`);
}
