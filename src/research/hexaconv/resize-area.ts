/**
 * Area resampling of 8-bit images to another size (the AID images, 600 x 600, go to 64 x 64): every output pixel is
 * the mean of the input over the output pixel's footprint, partial input pixels weighted by the covered fraction.
 * Invariant: a constant image stays constant and the mean of the image is kept up to rounding; each output sample
 * is round(mean) in 0..255.
 */
import { InternalError } from '../../core/errors.js';

/** Per output index: the input indices it covers and their weights (summing to 1). */
function footprints(inSize: number, outSize: number): { start: Int32Array; weights: Float64Array[] } {
  const scale = inSize / outSize;
  const start = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const from = o * scale;
    const to = (o + 1) * scale;
    const first = Math.floor(from);
    const last = Math.min(inSize - 1, Math.ceil(to) - 1);
    const w = new Float64Array(last - first + 1);
    for (let i = first; i <= last; i++) w[i - first] = (Math.min(to, i + 1) - Math.max(from, i)) / scale;
    start[o] = first;
    weights.push(w);
  }
  return { start, weights };
}

/**
 * Resizes an HWC image.
 * @param image height * width * channels samples
 * @throws InternalError when a size is not a positive integer or the buffer does not match (a caller bug)
 */
export function resizeArea(image: Uint8Array, height: number, width: number, channels: number, outHeight: number, outWidth: number): Uint8Array {
  for (const side of [height, width, channels, outHeight, outWidth]) {
    if (!Number.isInteger(side) || side < 1) throw new InternalError(`resizeArea: size ${side} is not a positive integer`);
  }
  if (image.length !== height * width * channels) throw new InternalError(`resizeArea: ${image.length} samples for ${height}x${width}x${channels}`);
  const columns = footprints(width, outWidth);
  const rows = footprints(height, outHeight);
  // Horizontal pass into floats, then vertical pass with rounding.
  const across = new Float64Array(height * outWidth * channels);
  for (let y = 0; y < height; y++) {
    for (let o = 0; o < outWidth; o++) {
      const w = columns.weights[o]!;
      const first = columns.start[o]!;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let i = 0; i < w.length; i++) sum += w[i]! * image[(y * width + first + i) * channels + c]!;
        across[(y * outWidth + o) * channels + c] = sum;
      }
    }
  }
  const out = new Uint8Array(outHeight * outWidth * channels);
  for (let o = 0; o < outHeight; o++) {
    const w = rows.weights[o]!;
    const first = rows.start[o]!;
    for (let x = 0; x < outWidth * channels; x++) {
      let sum = 0;
      for (let i = 0; i < w.length; i++) sum += w[i]! * across[(first + i) * outWidth * channels + x]!;
      out[o * outWidth * channels + x] = Math.min(255, Math.max(0, Math.round(sum)));
    }
  }
  return out;
}
