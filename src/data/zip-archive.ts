/**
 * A minimal reader of ZIP archives (the container of numpy's .npz files): central directory, Zip64 records and
 * extras, stored and deflated entries, CRC-32 check. Invariant: the archive comes from a user, so every offset and
 * length is checked against the file size, and an entry's declared size against a caller's bound, before any read
 * or allocation; an entry is returned only when its size and CRC-32 match the directory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { DataError, LimitError } from '../core/errors.js';

/** One file inside the archive, as the central directory describes it. */
export interface ZipEntry {
  /** Path inside the archive (UTF-8 when flagged, else read as Latin-1). */
  readonly name: string;
  /** 0 = stored, 8 = deflated (the only methods read). */
  readonly method: number;
  /** Bytes stored in the archive. */
  readonly compressedSize: number;
  /** Bytes after decompression. */
  readonly size: number;
  /** CRC-32 of the uncompressed bytes. */
  readonly crc32: number;
  /** Offset of the entry's local header. */
  readonly localHeaderOffset: number;
  /** General-purpose flag bits (bit 0: encrypted). */
  readonly flags: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const EOCD_BYTES = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_BYTES = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_BYTES = 56;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_BYTES = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_BYTES = 30;
const MAX_COMMENT = 0xffff;
/** Largest central directory read: far above any .npz (a few hundred bytes per entry). */
const MAX_DIRECTORY_BYTES = 64 * 2 ** 20;
/** Largest single read Node's fs allows in one call. */
const MAX_READ = 2 ** 30;

const METHOD_NAMES: Readonly<Record<number, string>> = { 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'XZ' };

/** An open ZIP archive; call `close` when done. */
export class ZipArchive {
  private constructor(
    private readonly handle: FileHandle,
    /** File name used in messages. */
    readonly source: string,
    /** Size of the archive file in bytes. */
    readonly fileSize: number,
    /** Every entry, in central-directory order. */
    readonly entries: readonly ZipEntry[],
  ) {}

  /**
   * Opens `file` and reads its central directory.
   * @throws DataError when the file cannot be opened, is not a ZIP archive, spans several disks, or has a directory
   *   that points outside the file
   */
  static async open(file: string): Promise<ZipArchive> {
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw new DataError(`${file}: cannot open (${(error as Error).message})`, { cause: error });
    }
    try {
      const fileSize = (await handle.stat()).size;
      const entries = await readDirectory(handle, file, fileSize);
      return new ZipArchive(handle, file, fileSize, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** The entry called `name`, or undefined. */
  entry(name: string): ZipEntry | undefined {
    return this.entries.find((entry) => entry.name === name);
  }

  /**
   * Reads and, if needed, inflates one entry, checking its size and CRC-32.
   * @param maxBytes largest uncompressed size accepted (a LimitError above it, before anything is allocated)
   * @throws DataError when the entry is encrypted, uses a method other than stored/deflate, points outside the file,
   *   fails to inflate, or its size or CRC-32 differs from the directory
   * @throws LimitError when the entry is larger than `maxBytes`
   */
  async read(entry: ZipEntry, maxBytes: number): Promise<Uint8Array> {
    const where = `${this.source}: entry ${entry.name}`;
    if (entry.flags & 1) throw new DataError(`${where} is encrypted; idfz reads only unencrypted archives`);
    if (entry.method !== 0 && entry.method !== 8) {
      const method = METHOD_NAMES[entry.method] ?? `method ${entry.method}`;
      throw new DataError(`${where} is compressed with ${method}; re-save it with numpy's savez or savez_compressed (stored or deflate)`);
    }
    if (entry.size > maxBytes) {
      throw new LimitError(`${where} holds ${entry.size} bytes, more than the ${maxBytes} allowed; read a smaller file or raise the limit`);
    }
    if (entry.method === 0 && entry.compressedSize !== entry.size) {
      throw new DataError(`${where} is stored but its sizes differ (${entry.compressedSize} vs ${entry.size}); the archive is corrupt`);
    }
    const local = await readAt(this.handle, this.source, this.fileSize, entry.localHeaderOffset, LOCAL_BYTES, `local header of ${entry.name}`);
    const view = dataView(local);
    if (view.getUint32(0, true) !== LOCAL_SIGNATURE) {
      throw new DataError(`${where}: no local header at byte ${entry.localHeaderOffset}; the archive is corrupt`);
    }
    const dataOffset = entry.localHeaderOffset + LOCAL_BYTES + view.getUint16(26, true) + view.getUint16(28, true);
    const stored = await readAt(this.handle, this.source, this.fileSize, dataOffset, entry.compressedSize, `data of ${entry.name}`);
    let bytes: Uint8Array;
    if (entry.method === 0) {
      bytes = stored;
    } else {
      try {
        bytes = inflateRawSync(stored, { maxOutputLength: Math.max(1, entry.size) });
      } catch (error) {
        throw new DataError(`${where}: deflate data is corrupt or larger than its declared ${entry.size} bytes (${(error as Error).message})`, { cause: error });
      }
      if (bytes.length !== entry.size) {
        throw new DataError(`${where}: inflates to ${bytes.length} bytes, the directory says ${entry.size}; the archive is corrupt`);
      }
    }
    if (crc32(bytes) !== entry.crc32) throw new DataError(`${where}: CRC-32 mismatch; the archive is corrupt`);
    return bytes;
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Reads `length` bytes at `offset` after checking that they lie inside the file. */
async function readAt(handle: FileHandle, source: string, fileSize: number, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > fileSize) {
    throw new DataError(`${source}: ${what} (${length} bytes at ${offset}) lies outside the ${fileSize}-byte file; the archive is truncated or corrupt`);
  }
  const out = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(out, done, Math.min(MAX_READ, length - done), offset + done);
    if (bytesRead === 0) throw new DataError(`${source}: ${what} ends early; the file shrank while being read`);
    done += bytesRead;
  }
  return out;
}

/** A little-endian uint64 as a number, or a DataError when it exceeds 2^53. */
function uint64(view: DataView, at: number, source: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DataError(`${source}: 64-bit ZIP field ${value} is too large; the archive is corrupt`);
  return Number(value);
}

async function readDirectory(handle: FileHandle, source: string, fileSize: number): Promise<ZipEntry[]> {
  if (fileSize < EOCD_BYTES) throw new DataError(`${source}: ${fileSize} bytes is too short for a ZIP archive (.npz)`);
  const tailLength = Math.min(fileSize, EOCD_BYTES + MAX_COMMENT);
  const tail = await readAt(handle, source, fileSize, fileSize - tailLength, tailLength, 'end of archive');
  const tailView = dataView(tail);
  let eocd = -1;
  for (let at = tail.length - EOCD_BYTES; at >= 0; at--) {
    if (tailView.getUint32(at, true) === EOCD_SIGNATURE && at + EOCD_BYTES + tailView.getUint16(at + 20, true) <= tail.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw new DataError(`${source}: not a ZIP archive (no end-of-central-directory record); an .npz file is a ZIP archive`);
  if (tailView.getUint16(eocd + 4, true) !== 0 || tailView.getUint16(eocd + 6, true) !== 0) {
    throw new DataError(`${source}: multi-disk ZIP archives are not supported`);
  }
  let count = tailView.getUint16(eocd + 10, true);
  let directorySize = tailView.getUint32(eocd + 12, true);
  let directoryOffset = tailView.getUint32(eocd + 16, true);
  const eocdOffset = fileSize - tailLength + eocd;
  if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    ({ count, directorySize, directoryOffset } = await readZip64End(handle, source, fileSize, eocdOffset));
  }
  if (directorySize > MAX_DIRECTORY_BYTES) throw new DataError(`${source}: central directory of ${directorySize} bytes is implausibly large`);
  if (count * CENTRAL_BYTES > directorySize) {
    throw new DataError(`${source}: ${count} entries cannot fit a ${directorySize}-byte central directory; the archive is corrupt`);
  }
  const directory = await readAt(handle, source, fileSize, directoryOffset, directorySize, 'central directory');
  return parseDirectory(directory, count, source, directoryOffset);
}

async function readZip64End(handle: FileHandle, source: string, fileSize: number, eocdOffset: number): Promise<{ count: number; directorySize: number; directoryOffset: number }> {
  const locator = dataView(await readAt(handle, source, fileSize, eocdOffset - ZIP64_LOCATOR_BYTES, ZIP64_LOCATOR_BYTES, 'Zip64 locator'));
  if (locator.getUint32(0, true) !== ZIP64_LOCATOR_SIGNATURE) throw new DataError(`${source}: Zip64 fields without a Zip64 locator; the archive is corrupt`);
  const end = dataView(await readAt(handle, source, fileSize, uint64(locator, 8, source), ZIP64_EOCD_BYTES, 'Zip64 end record'));
  if (end.getUint32(0, true) !== ZIP64_EOCD_SIGNATURE) throw new DataError(`${source}: Zip64 locator points at no Zip64 end record; the archive is corrupt`);
  return { count: uint64(end, 32, source), directorySize: uint64(end, 40, source), directoryOffset: uint64(end, 48, source) };
}

function parseDirectory(directory: Uint8Array, count: number, source: string, directoryOffset: number): ZipEntry[] {
  const view = dataView(directory);
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_BYTES > directory.length || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new DataError(`${source}: central directory entry ${i} is missing or malformed; the archive is corrupt`);
    }
    const flags = view.getUint16(at + 8, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const end = at + CENTRAL_BYTES + nameLength + extraLength + commentLength;
    if (end > directory.length) throw new DataError(`${source}: central directory entry ${i} runs past the directory; the archive is corrupt`);
    const nameBytes = directory.subarray(at + CENTRAL_BYTES, at + CENTRAL_BYTES + nameLength);
    const name = Buffer.from(nameBytes).toString(flags & 0x800 ? 'utf8' : 'latin1');
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      const extra = directory.subarray(at + CENTRAL_BYTES + nameLength, at + CENTRAL_BYTES + nameLength + extraLength);
      const wide = zip64Extra(extra, `${source}: entry ${name}`);
      const next = () => {
        const value = wide.shift();
        if (value === undefined) throw new DataError(`${source}: entry ${name} lacks the Zip64 sizes its header promises; the archive is corrupt`);
        return value;
      };
      if (size === 0xffffffff) size = next();
      if (compressedSize === 0xffffffff) compressedSize = next();
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
    }
    if (localHeaderOffset >= directoryOffset) {
      throw new DataError(`${source}: entry ${name} starts at byte ${localHeaderOffset}, inside or after the central directory; the archive is corrupt`);
    }
    entries.push({ name, method: view.getUint16(at + 10, true), compressedSize, size, crc32: view.getUint32(at + 16, true), localHeaderOffset, flags });
    at = end;
  }
  return entries;
}

/** The 64-bit values of the Zip64 extended-information extra field (id 0x0001), in stored order. */
function zip64Extra(extra: Uint8Array, where: string): number[] {
  const view = dataView(extra);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = view.getUint16(at, true);
    const length = view.getUint16(at + 2, true);
    if (at + 4 + length > extra.length) break;
    if (id === 0x0001) {
      const values: number[] = [];
      for (let v = at + 4; v + 8 <= at + 4 + length; v += 8) values.push(uint64(view, v, where));
      return values;
    }
    at += 4 + length;
  }
  throw new DataError(`${where}: Zip64 sizes announced but no Zip64 extra field; the archive is corrupt`);
}
