/**
 * Folders of image files for the dataset readers: which files count as images, and reading one into 8-bit grey or
 * RGB samples through src/image (the only sharp importer). Invariant: a file either comes back as an 8-bit image
 * exactly as stored (alpha set aside) or fails with a DataError naming it; listing order is by name, so a folder
 * always yields the same sequence.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError, IdfzError, LimitError } from '../core/errors.js';
import { readImage } from '../image/read-image.js';

/** File extensions (lower case) read as images; other files in a folder (notes, licences) are ignored. */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif', '.avif', '.pnm', '.pgm', '.ppm', '.pam', '.pbm',
];

/** An 8-bit image read from a file, grey (1 channel) or RGB (3), interleaved row-major. */
export interface ImageFile {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/**
 * The image files directly inside `dir` (not in sub-folders), sorted by name (code-unit order).
 * @throws DataError when `dir` cannot be listed
 */
export async function listImageFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new DataError(`${dir}: cannot list the folder (${(error as Error).message})`, { cause: error });
  }
  return names
    .filter((name) => IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase()))
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Reads one image file as 8-bit grey or RGB; an alpha channel is dropped (the colour samples are kept as stored).
 * @param maxPixels largest width * height accepted (src/image's default when omitted)
 * @throws DataError when the file cannot be read or decoded, or has 16-bit samples (the message names the file)
 * @throws LimitError when the image has more than `maxPixels` pixels
 */
export async function readImageFile(file: string, maxPixels?: number): Promise<ImageFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DataError(`${file}: cannot read (${(error as Error).message})`, { cause: error });
  }
  let pixels;
  try {
    pixels = await readImage(bytes, { name: file, ...(maxPixels === undefined ? {} : { maxPixels }) });
  } catch (error) {
    // A damaged or unsupported file is a dataset problem here; a pixel limit stays a LimitError.
    if (error instanceof IdfzError && !(error instanceof LimitError)) throw new DataError(error.message, { cause: error });
    throw error;
  }
  if (pixels.bitDepth !== 8) throw new DataError(`${file}: 16-bit samples; image datasets hold 8-bit images`);
  const { width, height } = pixels;
  const colour = pixels.channels >= 3 ? 3 : 1;
  if (pixels.channels === colour) return { file, width, height, channels: colour, data: pixels.data };
  const data = new Uint8Array(width * height * colour);
  for (let i = 0, n = width * height; i < n; i++) {
    for (let c = 0; c < colour; c++) data[i * colour + c] = pixels.data[i * pixels.channels + c]!;
  }
  return { file, width, height, channels: colour, data };
}

/**
 * Maps `items` through `task` with at most `concurrency` calls in flight (sharp decodes on libuv's thread pool),
 * returning results in input order. The first failure rejects the whole map.
 */
export async function mapLimited<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
