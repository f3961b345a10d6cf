/**
 * numpy .npz files (`np.savez`, `np.savez_compressed`): a ZIP archive with one `<key>.npy` entry per array. Arrays
 * are read one at a time, on request, so unused entries (a float `mean`, a string `wnid`) cost nothing and need not
 * be of a supported type. Invariant: every entry read is bounded by `maxBytes` and fully validated (ZIP sizes,
 * CRC-32, .npy header against its payload) before it is returned.
 */
import { DataError } from '../core/errors.js';
import { parseNpy, type NpyArray } from './npy.js';
import { ZipArchive } from './zip-archive.js';

/** Default bound on one array's size: 3 GiB (an ImageNet64 training batch is about 1.6 GB). */
export const NPZ_MAX_ARRAY_BYTES_DEFAULT = 3 * 2 ** 30;

/** An open .npz file; call `close` when done (or use `withNpz`). */
export class NpzFile {
  private constructor(
    private readonly archive: ZipArchive,
    private readonly maxBytes: number,
  ) {}

  /**
   * Opens an .npz file and reads its directory.
   * @param maxBytes largest array (uncompressed .npy entry) `array` will read; default NPZ_MAX_ARRAY_BYTES_DEFAULT
   * @throws DataError when the file is missing or not a valid ZIP archive
   */
  static async open(file: string, maxBytes = NPZ_MAX_ARRAY_BYTES_DEFAULT): Promise<NpzFile> {
    return new NpzFile(await ZipArchive.open(file), maxBytes);
  }

  /** The file name, for messages. */
  get source(): string {
    return this.archive.source;
  }

  /** The array keys, in archive order (entry names without `.npy`). */
  get keys(): string[] {
    return this.archive.entries.filter((entry) => entry.name.endsWith('.npy')).map((entry) => entry.name.slice(0, -4));
  }

  /** Whether the file holds an array called `key`. */
  has(key: string): boolean {
    return this.archive.entry(`${key}.npy`) !== undefined;
  }

  /**
   * Reads the array `key`.
   * @throws DataError when there is no such array (the message lists the keys there are), or its entry or .npy
   *   content is malformed or of an unsupported type
   * @throws LimitError when the array is larger than the `maxBytes` given to `open`
   */
  async array(key: string): Promise<NpyArray> {
    const entry = this.archive.entry(`${key}.npy`);
    if (!entry) throw new DataError(`${this.source}: no array '${key}' (it holds ${this.keys.map((k) => `'${k}'`).join(', ') || 'nothing'})`);
    const bytes = await this.archive.read(entry, this.maxBytes);
    return parseNpy(bytes, `${this.source}: ${key}`);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.archive.close();
  }
}

/**
 * Opens `file`, runs `body` on it, and closes it whatever happens.
 * @throws whatever `open` or `body` throws
 */
export async function withNpz<T>(file: string, body: (npz: NpzFile) => Promise<T>, maxBytes = NPZ_MAX_ARRAY_BYTES_DEFAULT): Promise<T> {
  const npz = await NpzFile.open(file, maxBytes);
  try {
    return await body(npz);
  } finally {
    await npz.close();
  }
}
