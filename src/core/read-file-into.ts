/**
 * Fills a buffer from the start of an open file, as idfz reads a regular file whose size it has checked (inputs,
 * model files): positional reads until the buffer is full or the file ends. Invariant: it never reads past the
 * buffer, and says how much was there (a file that shrank while being read gives fewer bytes, never an error).
 */
import type { FileHandle } from 'node:fs/promises';

/**
 * Reads the file behind `handle` from offset 0 into `bytes`.
 * @param bytes the destination, usually sized from the file's stat
 * @returns how many bytes were read, 0..bytes.length (less when the file ended first)
 * @throws what the handle's read throws (an I/O error); callers turn it into their own error class
 */
export async function readFileInto(handle: FileHandle, bytes: Uint8Array): Promise<number> {
  let filled = 0;
  while (filled < bytes.length) {
    const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
