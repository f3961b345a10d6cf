/**
 * The checksum a .idf file stores for its decoded pixels: CRC-32 of the samples in canonical layout (row-major,
 * channels interleaved, width x height only, 8-bit samples as bytes, 16-bit samples little-endian), the same on
 * every machine whatever its byte order.
 */
import { crc32Update } from '../core/crc32.js';

const CHUNK_SAMPLES = 65536;

/**
 * CRC-32 of pixel samples in canonical layout.
 * @param samples interleaved samples, row-major (Uint8Array for 8-bit images, Uint16Array for 16-bit)
 */
export function pixelChecksum(samples: Uint8Array | Uint16Array): number {
  if (samples instanceof Uint8Array) return crc32Update(0, samples);
  // Serialise explicitly (not through the buffer's bytes), so the result does not depend on the machine's byte order.
  let crc = 0;
  const chunk = new Uint8Array(2 * CHUNK_SAMPLES);
  for (let start = 0; start < samples.length; start += CHUNK_SAMPLES) {
    const end = Math.min(samples.length, start + CHUNK_SAMPLES);
    for (let i = start; i < end; i++) {
      chunk[2 * (i - start)] = samples[i]! & 0xff;
      chunk[2 * (i - start) + 1] = samples[i]! >>> 8;
    }
    crc = crc32Update(crc, chunk.subarray(0, 2 * (end - start)));
  }
  return crc;
}
