/**
 * Writes output files so that no error or crash leaves a partial file: the bytes go to a temporary file in the same
 * folder, are fsynced, then linked (refusing an existing file) or renamed (with `force`) into place, and the folder
 * is fsynced. On any failure the temporary file is removed and the destination is untouched; a process stopped by
 * a signal removes the temporary files still in flight with removePendingTemporaryFiles before it exits.
 */
import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { link, lstat, open, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { LimitError, OutputClosedError, UsageError } from './errors.js';

/** Options for atomicWrite. */
export interface AtomicWriteOptions {
  /** Replace an existing file; default false (an existing destination is an error). */
  force?: boolean;
  /** Name in error messages; default the destination path. */
  name?: string;
}

/** File systems without hard links answer link() with one of these; we fall back to check-then-rename. */
const NO_LINK_CODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Temporary files that exist (or are being created) right now, for removePendingTemporaryFiles. */
const pending = new Set<string>();

/**
 * Removes, synchronously, every temporary file an atomicWrite has not finished with: for a signal handler that is
 * about to end the process, so that an interrupted write leaves nothing behind (the destination is untouched).
 * @returns how many files were removed
 */
export function removePendingTemporaryFiles(): number {
  let removed = 0;
  for (const file of pending) {
    try {
      unlinkSync(file);
      removed++;
    } catch {
      // Already gone (renamed into place, or never created).
    }
    pending.delete(file);
  }
  return removed;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function exists(name: string): UsageError {
  return new UsageError(`${name}: already exists; use -f (--force) to overwrite it`);
}

/**
 * Writes `bytes` to `destination` atomically.
 * @throws {UsageError} the destination exists (without `force`), is a folder, or its folder is missing or not
 *   writable
 * @throws {LimitError} the disk is full or the file is too large for it
 */
export async function atomicWrite(destination: string, bytes: Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const name = options.name ?? destination;
  const folder = path.dirname(destination);
  const temporary = path.join(folder, `.${path.basename(destination)}.${randomBytes(6).toString('hex')}.tmp`);
  pending.add(temporary);
  try {
    const handle = await open(temporary, 'wx', 0o666);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.force) {
      await rename(temporary, destination);
    } else {
      await linkInPlace(temporary, destination, name);
    }
    await syncFolder(folder);
  } catch (error) {
    throw asOutputError(error, name, folder, await isFolder(folder));
  } finally {
    // After a rename the temporary name is gone; after a link (or a failure) it must be removed.
    await unlink(temporary).catch(() => undefined);
    pending.delete(temporary);
  }
}

/** Moves `temporary` to `destination` without ever replacing an existing file. */
async function linkInPlace(temporary: string, destination: string, name: string): Promise<void> {
  try {
    await link(temporary, destination);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') throw exists(name);
    if (!code || !NO_LINK_CODES.has(code)) throw error;
    // No hard links here: a small race window remains between the check and the rename.
    const found = await lstat(destination).then(
      () => true,
      (statError: unknown) => (errnoOf(statError) === 'ENOENT' ? false : Promise.reject(statError)),
    );
    if (found) throw exists(name);
    await rename(temporary, destination);
  }
}

/** Makes the new directory entry durable; platforms that cannot fsync a folder are skipped. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Windows and some file systems refuse to open or fsync a folder; the file itself is already synced.
  } finally {
    await handle?.close();
  }
}

/** Whether `folder` exists and is a folder (false on any error). */
async function isFolder(folder: string): Promise<boolean> {
  return stat(folder).then((info) => info.isDirectory(), () => false);
}

function asOutputError(error: unknown, name: string, folder: string, folderExists: boolean): unknown {
  switch (errnoOf(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      // An existing folder can still refuse new files with ENOENT (Linux /proc, /sys).
      if (folderExists) return new UsageError(`${name}: cannot write: folder ${folder} takes no new files (${errnoOf(error)})`, { cause: error });
      return new UsageError(`${name}: cannot write: folder ${folder} does not exist`, { cause: error });
    case 'EISDIR':
      return new UsageError(`${name}: cannot write: it is a folder`, { cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new UsageError(`${name}: cannot write: permission denied in ${folder}`, { cause: error });
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return new LimitError(`${name}: cannot write: no space left (${errnoOf(error)}); nothing was written`, { cause: error });
    default:
      return error;
  }
}

/**
 * Writes `bytes` to a stream (stdout for `-`) and waits until the stream has taken them. The stream is not ended.
 * @throws {OutputClosedError} the reader went away (EPIPE), e.g. `idfz ... -o - | head -c 10`
 * @throws the stream's other errors
 */
export async function writeToStream(stream: Writable, bytes: Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      // The stream may also emit 'error' after the write callback: keep absorbing it so it cannot crash the process.
      stream.on('error', () => undefined);
      reject(errnoOf(error) === 'EPIPE' ? new OutputClosedError('stdout: the reading end of the pipe closed before the output was written', { cause: error }) : error);
    };
    stream.once('error', fail);
    stream.write(bytes, (error) => {
      if (error) {
        fail(error);
        return;
      }
      stream.off('error', fail);
      resolve();
    });
  });
}
