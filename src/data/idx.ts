/**
 * The idx file format of MNIST and Fashion-MNIST (LeCun): 2 zero bytes, an element-type byte, a dimension count,
 * the dimensions as big-endian uint32, then the elements row-major. Raw or gzipped (detected by the gzip magic).
 * Invariant: only unsigned-byte arrays are returned, and only after every header field was checked against the
 * file's actual length, so a hostile header can neither over-allocate nor read out of bounds.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { DataError, LimitError } from '../core/errors.js';

/** An n-dimensional array of unsigned bytes read from an idx file. */
export interface IdxArray {
  /** Dimension sizes, outermost first (e.g. [60000, 28, 28] for MNIST training images). */
  readonly dims: readonly number[];
  /** The elements, row-major; `data.length` equals the product of `dims`. */
  readonly data: Uint8Array;
}

/** Default bound on a decompressed idx file: 1 GiB (MNIST's largest file is 47 MB). */
export const IDX_MAX_BYTES_DEFAULT = 2 ** 30;

/** The idx element-type byte of unsigned 8-bit data, the only type idfz reads. */
const IDX_UBYTE = 0x08;
const IDX_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};
/** Most dimensions an idx header may declare here (images are 3, labels 1). */
const IDX_MAX_DIMS = 8;

/** Whether `bytes` starts with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The raw idx bytes of a file's contents: gunzipped when it is gzip, otherwise `bytes` itself.
 * @param source file name for messages
 * @param maxBytes largest decompressed size accepted (default IDX_MAX_BYTES_DEFAULT)
 * @throws DataError when the gzip stream is corrupt or truncated
 * @throws LimitError when it inflates beyond `maxBytes`
 */
export function decompressIdx(bytes: Uint8Array, source: string, maxBytes = IDX_MAX_BYTES_DEFAULT): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new LimitError(`${source}: decompresses to more than ${maxBytes} bytes; not an idx file idfz will read`, { cause: error });
    }
    throw new DataError(`${source}: corrupt or truncated gzip data (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Parses an idx file held in memory (raw or gzipped). The result's `data` is a view into the (decompressed) bytes.
 * @param source file name for messages
 * @param maxBytes largest decompressed size accepted (default IDX_MAX_BYTES_DEFAULT)
 * @throws DataError when the header is malformed, the element type is not uint8, or the length does not match the
 *   declared dimensions exactly
 * @throws LimitError when a gzipped file inflates beyond `maxBytes`
 */
export function parseIdx(bytes: Uint8Array, source: string, maxBytes = IDX_MAX_BYTES_DEFAULT): IdxArray {
  const raw = decompressIdx(bytes, source, maxBytes);
  if (raw.length < 4) throw new DataError(`${source}: ${raw.length} bytes is too short for an idx header (4 bytes or more)`);
  if (raw[0] !== 0 || raw[1] !== 0) {
    throw new DataError(`${source}: not an idx file (magic starts ${hex(raw[0]!)} ${hex(raw[1]!)}, expected 00 00)`);
  }
  const type = raw[2]!;
  if (type !== IDX_UBYTE) {
    const typeName = IDX_TYPE_NAMES[type];
    throw new DataError(
      typeName
        ? `${source}: idx element type ${typeName}; idfz reads only uint8 idx files (images and labels)`
        : `${source}: unknown idx element type ${hex(type)}`,
    );
  }
  const ndims = raw[3]!;
  if (ndims < 1 || ndims > IDX_MAX_DIMS) throw new DataError(`${source}: idx header declares ${ndims} dimensions; expected 1..${IDX_MAX_DIMS}`);
  const headerBytes = 4 + 4 * ndims;
  if (raw.length < headerBytes) {
    throw new DataError(`${source}: truncated idx header (${raw.length} bytes, the ${ndims} dimensions need ${headerBytes})`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  let elements = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    elements *= size;
  }
  // The product of at most 8 uint32 values can exceed 2^53; any such value is far above the payload length anyway.
  const payload = raw.length - headerBytes;
  if (elements !== payload) {
    throw new DataError(
      `${source}: idx header declares ${dims.join('x')} = ${elements} bytes of data but the file holds ${payload}; ` +
        'the file is truncated or not an idx file',
    );
  }
  return { dims, data: raw.subarray(headerBytes) };
}

/**
 * Reads and parses an idx file (raw or gzipped).
 * @throws DataError when the file cannot be read or fails `parseIdx`'s checks
 * @throws LimitError when it inflates beyond `maxBytes`
 */
export async function readIdxFile(file: string, maxBytes = IDX_MAX_BYTES_DEFAULT): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DataError(`${file}: cannot read (${(error as Error).message})`, { cause: error });
  }
  return parseIdx(bytes, file, maxBytes);
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}
