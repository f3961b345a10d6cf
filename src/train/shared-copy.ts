/**
 * Copies a typed array into a new SharedArrayBuffer, the form in which the training pools hand parameters, images
 * and labels to their worker threads. Invariant: the copy has exactly the array's bytes; the source is not shared.
 */

/** The typed arrays the pools share. */
export type ShareableArray = Float32Array | Uint8Array | Uint16Array;

/** A new SharedArrayBuffer holding a copy of `array`'s bytes. */
export function sharedCopy(array: ShareableArray): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(array.byteLength);
  new Uint8Array(buffer).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  return buffer;
}
