/**
 * Builders of small files in the real dataset formats, written from the format specs (not with the readers under
 * test), so the data tests check the readers against independently produced bytes.
 */

/** An idx file: 00 00 type ndims, big-endian uint32 dims, then the bytes (type 0x08 = uint8). */
export function idxBytes(dims: readonly number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = type;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  out.set(Array.from(data), 4 + 4 * dims.length);
  return out;
}
