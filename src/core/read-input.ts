/**
 * Reads a whole input, a file path or `-` (a stream, normally stdin), into memory with a byte limit that is checked
 * before the bytes are held (from the file size where there is one, while streaming otherwise). Missing files,
 * folders and unreadable files become one-line BadInputErrors.
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { BadInputError, LimitError, UsageError } from './errors.js';
import { readFileInto } from './read-file-into.js';

/** Default byte limit: 2 GiB, enough for a 2^28-pixel 16-bit RGBA PAM file. */
export const DEFAULT_MAX_INPUT_BYTES = 2 ** 31;

/** Options for readInput. */
export interface ReadInputOptions {
  /** Stream read for `-`; without it `-` is a usage error. */
  stdin?: Readable;
  /** Largest input accepted, in bytes; default DEFAULT_MAX_INPUT_BYTES. */
  maxBytes?: number;
  /** Name in error messages; default the source itself, or `stdin` for `-`. */
  name?: string;
  /** What the input should be, for the message about a folder; default `an image file`. */
  expected?: string;
}

function tooLarge(name: string, size: number | string, maxBytes: number): LimitError {
  return new LimitError(`${name}: input of ${size} bytes is above the limit of ${maxBytes} bytes`);
}

/**
 * Reads all of `source`.
 * @param source a file path, or `-` for `options.stdin`
 * @throws {BadInputError} no such file, a folder, permission denied, or a read error
 * @throws {LimitError} more than `maxBytes` bytes
 * @throws {UsageError} `-` without a stdin stream
 */
export async function readInput(source: string, options: ReadInputOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (source === '-') {
    if (!options.stdin) throw new UsageError('"-" (standard input) is not available here');
    return readStream(options.stdin, options.name ?? 'stdin', maxBytes);
  }
  const name = options.name ?? source;
  try {
    const handle = await open(source, 'r');
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw new BadInputError(`${name}: is a folder, expected ${options.expected ?? 'an image file'}`);
      if (!stat.isFile()) return await readStream(handle.createReadStream({ autoClose: false }), name, maxBytes);
      if (stat.size > maxBytes) throw tooLarge(name, stat.size, maxBytes);
      const bytes = Buffer.allocUnsafe(stat.size);
      // A file that shrank while being read is returned as what was there; one that grew is read to its stat size.
      return bytes.subarray(0, await readFileInto(handle, bytes));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw asInputError(error, name, options.expected ?? 'an image file');
  }
}

async function readStream(stream: Readable, name: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > maxBytes) throw tooLarge(name, `more than ${maxBytes}`, maxBytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/** Maps a file-system error to one line the user can act on; our own errors pass through. */
function asInputError(error: unknown, name: string, expected: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new BadInputError(`${name}: no such file; check the path`, { cause: error });
    case 'ENOTDIR':
      return new BadInputError(`${name}: no such file (a part of the path is not a folder)`, { cause: error });
    case 'EISDIR':
      return new BadInputError(`${name}: is a folder, expected ${expected}`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new BadInputError(`${name}: permission denied; check the file's permissions`, { cause: error });
    case undefined:
      return error;
    default:
      return new BadInputError(`${name}: cannot read the file (${code})`, { cause: error });
  }
}
