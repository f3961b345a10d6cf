/**
 * A folder of images of any size and format (photos-train, usc-sipi-misc, a user's own) as a source of seeded random
 * S x S crops, optionally mirrored, for training and evaluating the natural-image model. Invariant: the crops depend
 * only on the folder's files and the seed (files are taken in name order, crops drawn with a seeded generator), and
 * each crop lies wholly inside its image: no padding, no resampling, pixels exactly as stored.
 */
import { DataError } from '../core/errors.js';
import { makeDataset, type ImageDataset } from './dataset.js';
import { listImageFiles, mapLimited, readImageFile, type ImageFile } from './image-files.js';
import { Random } from '../core/random.js';

/** Options of `ImageFolder.open`. */
export interface ImageFolderOptions {
  /** Keep grey (1) or colour (3) images; the others are listed in `skipped`. Default 3. */
  channels?: 1 | 3;
  /** Read at most this many files (the first by name); all when omitted. */
  maxImages?: number;
  /** Largest width * height per file; src/image's default when omitted. */
  maxPixels?: number;
}

/** Options of `ImageFolder.crops`. */
export interface CropOptions {
  /** Crop side S in pixels, >= 1; images smaller than S x S are never cropped. */
  size: number;
  /** Number of crops, >= 0. */
  count: number;
  /** Seed of the crop schedule (an integer; its low 32 bits count); the same seed gives the same crops. */
  seed: number;
  /** Mirror each crop left-right with probability 1/2 (drawn from the same seed). Default false. */
  flip?: boolean;
  /** Name of the resulting dataset; defaults to `<folder>:crops<S>`. */
  name?: string;
}

/** A file the folder did not use, and why. */
export interface SkippedImage {
  readonly file: string;
  readonly reason: string;
}

/** The decoded images of one folder, ready to be cropped. */
export class ImageFolder {
  private constructor(
    /** The folder read. */
    readonly dir: string,
    /** Channels of every kept image (1 or 3). */
    readonly channels: 1 | 3,
    /** The kept images, in file-name order. */
    readonly images: readonly ImageFile[],
    /** Files with the other channel count. */
    readonly skipped: readonly SkippedImage[],
  ) {}

  /**
   * Decodes every image file directly inside `dir` (other files are ignored).
   * @throws DataError when the folder cannot be listed, holds no image of the wanted channel count, or a file with an
   *   image extension cannot be decoded (the message names it)
   */
  static async open(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolder> {
    const channels = options.channels ?? 3;
    const files = (await listImageFiles(dir)).slice(0, options.maxImages);
    const decoded = await mapLimited(files, 4, (file) => readImageFile(file, options.maxPixels));
    const images = decoded.filter((image) => image.channels === channels);
    const skipped = decoded
      .filter((image) => image.channels !== channels)
      .map((image) => ({ file: image.file, reason: `${image.channels === 1 ? 'grey' : 'colour'} image, ${channels === 1 ? 'grey' : 'colour'} wanted` }));
    if (images.length === 0) {
      throw new DataError(`${dir}: no ${channels === 1 ? 'grey' : 'colour'} images (${files.length} image files, ${skipped.length} of the other kind)`);
    }
    return new ImageFolder(dir, channels, images, skipped);
  }

  /**
   * Draws `count` random S x S crops. Each crop first picks an image with probability proportional to its number of
   * crop positions, (W - S + 1) x (H - S + 1), so every position in the folder is equally likely; then a position
   * uniformly; then (with `flip`) a coin for mirroring.
   * @throws DataError when no image is at least S x S
   * @throws RangeError when `size` or `count` is not a valid integer (a caller bug)
   */
  crops(options: CropOptions): ImageDataset {
    const { size, count } = options;
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`crop size must be an integer >= 1, received ${size}`);
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`crop count must be an integer >= 0, received ${count}`);
    const eligible = this.images.filter((image) => image.width >= size && image.height >= size);
    if (eligible.length === 0) throw new DataError(`${this.dir}: no image is at least ${size}x${size}, so no crop of that size exists`);
    const cumulative: number[] = [];
    let total = 0;
    for (const image of eligible) {
      total += (image.width - size + 1) * (image.height - size + 1);
      cumulative.push(total);
    }
    const random = new Random(options.seed);
    const C = this.channels;
    const cropBytes = size * size * C;
    const out = new Uint8Array(count * cropBytes);
    for (let k = 0; k < count; k++) {
      // A 53-bit uniform draw keeps the image choice unbiased however many positions the folder has.
      const draw = Math.floor(((random.nextUint32() * 2 ** 21 + (random.nextUint32() >>> 11)) / 2 ** 53) * total);
      const image = eligible[upperBound(cumulative, draw)]!;
      const x0 = random.nextInt(image.width - size + 1);
      const y0 = random.nextInt(image.height - size + 1);
      const mirror = options.flip === true && random.nextUint32() >= 2 ** 31;
      const base = k * cropBytes;
      for (let y = 0; y < size; y++) {
        const row = ((y0 + y) * image.width + x0) * C;
        if (!mirror) {
          out.set(image.data.subarray(row, row + size * C), base + y * size * C);
          continue;
        }
        for (let x = 0; x < size; x++) {
          for (let c = 0; c < C; c++) out[base + (y * size + x) * C + c] = image.data[row + (size - 1 - x) * C + c]!;
        }
      }
    }
    return makeDataset({ name: options.name ?? `${this.dir}:crops${size}`, count, height: size, width: size, channels: C, images: out });
  }
}

/** The first index whose cumulative value exceeds `value` (binary search; `value` < last element). */
function upperBound(cumulative: readonly number[], value: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
