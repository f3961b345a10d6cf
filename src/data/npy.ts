/**
 * numpy's .npy array format (versions 1-3): magic `\x93NUMPY`, version, header length, a Python-literal header dict
 * {'descr', 'fortran_order', 'shape'}, then the raw elements. Only C-ordered integer arrays are read (uint8 images,
 * integer labels). Invariant: an array is returned only when its header parsed completely and the element bytes
 * after it are exactly shape-product x item size, so no later index can fall outside the data.
 */
import { DataError } from '../core/errors.js';

/** An integer element type of a .npy array. */
export interface NpyDtype {
  /** The header's `descr`, e.g. `|u1` or `<i8`. */
  readonly descr: string;
  /** `u` unsigned or `i` signed integer. */
  readonly kind: 'u' | 'i';
  /** Bytes per element: 1, 2, 4 or 8. */
  readonly itemSize: 1 | 2 | 4 | 8;
  /** Byte order of multi-byte elements. */
  readonly littleEndian: boolean;
}

/** A C-ordered integer array read from a .npy file; `data` is a view of its element bytes. */
export interface NpyArray {
  readonly dtype: NpyDtype;
  /** Dimension sizes, outermost first; [] for a scalar. */
  readonly shape: readonly number[];
  /** Element bytes, `shape product * itemSize` of them, in the stored byte order. */
  readonly data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Longest header accepted; numpy's own headers are 64-256 bytes. */
const MAX_HEADER_BYTES = 65_536;

function parseDtype(descr: string, source: string): NpyDtype {
  const match = /^([<>|=]?)([ui])([1248])$/.exec(descr);
  if (!match) {
    throw new DataError(`${source}: .npy element type '${descr}' is not supported; idfz reads integer arrays (uint8 images, integer labels)`);
  }
  const itemSize = Number(match[3]) as 1 | 2 | 4 | 8;
  // '=' is native order, which numpy never writes into files; '|' marks single bytes where order is moot.
  return { descr, kind: match[2] as 'u' | 'i', itemSize, littleEndian: match[1] !== '>' };
}

function parseShape(text: string, source: string): number[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  return parts.map((part) => {
    const match = /^(\d+)L?$/.exec(part); // Python 2 wrote longs as 1300L
    const value = match ? Number(match[1]) : NaN;
    if (!Number.isSafeInteger(value)) throw new DataError(`${source}: .npy shape entry '${part}' is not a non-negative integer`);
    return value;
  });
}

/**
 * Parses a .npy file held in memory.
 * @param source name for messages (e.g. `file.npz: data.npy`)
 * @throws DataError when the magic, version, or header is malformed, the array is Fortran-ordered or not of an
 *   integer type, or the element bytes do not match the shape exactly
 */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((byte, i) => bytes[i] !== byte)) {
    throw new DataError(`${source}: not a .npy array (no \\x93NUMPY magic)`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DataError(`${source}: truncated .npy header`);
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new DataError(`${source}: .npy format version ${major}.${bytes[7]} is not supported (1, 2 and 3 are)`);
  }
  if (headerLength > MAX_HEADER_BYTES || headerStart + headerLength > bytes.length) {
    throw new DataError(`${source}: .npy header of ${headerLength} bytes runs past the ${bytes.length}-byte array; the file is truncated or corrupt`);
  }
  const header = Buffer.from(bytes.subarray(headerStart, headerStart + headerLength)).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!header.trimStart().startsWith('{') || !descr || !fortran || !shape) {
    throw new DataError(`${source}: .npy header is not a dict with 'descr', 'fortran_order' and 'shape' (a structured or object array?)`);
  }
  if (fortran[1] === 'True') {
    throw new DataError(`${source}: Fortran-ordered .npy arrays are not supported; save it with numpy.ascontiguousarray`);
  }
  const dtype = parseDtype(descr[1]!, source);
  const dims = parseShape(shape[1]!, source);
  const data = bytes.subarray(headerStart + headerLength);
  const expected = dims.reduce((product, size) => product * size, 1) * dtype.itemSize;
  if (expected !== data.length) {
    throw new DataError(
      `${source}: .npy shape (${dims.join(', ')}) of ${dtype.descr} needs ${expected} bytes but ${data.length} follow the header; ` +
        'the file is truncated or corrupt',
    );
  }
  return { dtype, shape: dims, data };
}

/**
 * The elements of a uint8 array.
 * @throws DataError when the array is not `u1`
 */
export function npyUint8(array: NpyArray, source: string): Uint8Array {
  if (array.dtype.kind !== 'u' || array.dtype.itemSize !== 1) {
    throw new DataError(`${source}: expected a uint8 array, found '${array.dtype.descr}'`);
  }
  return array.data;
}

/**
 * The elements of any integer array as exact numbers (int64 / uint64 values beyond +-2^53 are refused).
 * @throws DataError when a 64-bit value does not fit a double exactly
 */
export function npyIntegers(array: NpyArray, source: string): Float64Array {
  const { kind, itemSize, littleEndian } = array.dtype;
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const count = array.data.length / itemSize;
  const out = new Float64Array(count);
  const signed = kind === 'i';
  for (let i = 0; i < count; i++) {
    const at = i * itemSize;
    switch (itemSize) {
      case 1:
        out[i] = signed ? view.getInt8(at) : view.getUint8(at);
        break;
      case 2:
        out[i] = signed ? view.getInt16(at, littleEndian) : view.getUint16(at, littleEndian);
        break;
      case 4:
        out[i] = signed ? view.getInt32(at, littleEndian) : view.getUint32(at, littleEndian);
        break;
      case 8: {
        const value = signed ? view.getBigInt64(at, littleEndian) : view.getBigUint64(at, littleEndian);
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
          throw new DataError(`${source}: element ${i} (${value}) is beyond the integers idfz reads exactly`);
        }
        out[i] = Number(value);
        break;
      }
    }
  }
  return out;
}
