/**
 * SHA-256 of byte buffers, the content hash idfz uses for model files, shipped tables and container fields.
 * Always the full 32-byte digest; hex strings are lower-case.
 */
import { createHash } from 'node:crypto';

/**
 * The SHA-256 digest of `bytes`.
 * @returns 32 bytes
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/**
 * The SHA-256 digest of `bytes` as 64 lower-case hex characters.
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
