/**
 * WASM SIMD convolution kernel (AssemblyScript): int16 activations x int16-widened int8 weights, int32 accumulators,
 * fused bias + requantisation. Invariant: the result equals the reference kernel bit for bit: i32 sums wrap mod 2^32
 * in any order (the export's overflow proof makes them exact), and requantisation runs in exact i64 arithmetic.
 *
 * Register blocking: 2 output pixels x 4 output channels per inner loop, each of the 8 accumulators an i32x4 of
 * partial sums (i32x4.dot_i16x8_s does 8 multiply-adds), reduced across lanes once per output.
 */

/** Output channels per weight block (the packed weight layout's block size). */
export const CONV_CHANNEL_BLOCK: i32 = 4;
/** Input channels are padded to a multiple of this (one v128 of int16). */
export const CONV_CHANNEL_ALIGN: i32 = 8;

/**
 * Copies an HWC int16 input into a zeroed buffer with `padTop` rows and `padLeft` columns of zeros before it and
 * channels padded to `paddedChannels` (zeros), the layout `conv` reads.
 */
export function convPad(src: usize, height: i32, width: i32, channels: i32, dst: usize, padTop: i32, padLeft: i32,
  paddedHeight: i32, paddedWidth: i32, paddedChannels: i32): void {
  memory.fill(dst, 0, <usize>paddedHeight * <usize>paddedWidth * <usize>paddedChannels * 2);
  const srcPixelBytes = <usize>channels * 2;
  const dstPixelBytes = <usize>paddedChannels * 2;
  for (let y = 0; y < height; y++) {
    const srcRow = src + <usize>(y * width) * srcPixelBytes;
    const dstRow = dst + (<usize>((y + padTop) * paddedWidth + padLeft)) * dstPixelBytes;
    if (channels == paddedChannels) {
      memory.copy(dstRow, srcRow, <usize>width * srcPixelBytes);
    } else {
      for (let x = 0; x < width; x++) {
        memory.copy(dstRow + <usize>x * dstPixelBytes, srcRow + <usize>x * srcPixelBytes, srcPixelBytes);
      }
    }
  }
}

/** Sums the lanes of four vectors: result lane j = sum of the lanes of the j-th argument. */
@inline function laneSums4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 4, 1, 5), v128.shuffle<i32>(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 4, 1, 5), v128.shuffle<i32>(c, d, 2, 6, 3, 7));
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 1, 4, 5), v128.shuffle<i32>(ab, cd, 2, 3, 6, 7));
}

/** floor((acc * m + 2^(s-1)) / 2^s) clamped to [lo, hi], in exact i64 arithmetic. */
@inline export function requantizeOne(acc: i32, m: i32, s: i32, lo: i32, hi: i32): i32 {
  const half: i64 = s > 0 ? (<i64>1) << <i64>(s - 1) : 0;
  let v = (<i64>acc * <i64>m + half) >> <i64>s;
  if (v < <i64>lo) v = <i64>lo;
  if (v > <i64>hi) v = <i64>hi;
  return <i32>v;
}

/** Stores one requantised output (int16 when outBytes is 2, else int32). */
@inline function storeOutput(ptr: usize, value: i32, outBytes: i32): void {
  if (outBytes == 2) store<i16>(ptr, <i16>value);
  else store<i32>(ptr, value);
}

/**
 * Adds the bias to four lane-summed accumulators of channels ob..ob+3, requantises them and stores those below
 * outChannels at `dst` (the output pixel's first channel).
 */
@inline function emit4(sums: v128, ob: i32, outChannels: i32, bias: usize, multipliers: usize, shifts: usize,
  lo: i32, hi: i32, dst: usize, outBytes: i32): void {
  const acc = i32x4.add(sums, v128.load(bias + <usize>ob * 4));
  const m = multipliers + <usize>ob * 4;
  const s = shifts + <usize>ob * 4;
  const out = dst + <usize>(ob * outBytes);
  storeOutput(out, requantizeOne(i32x4.extract_lane(acc, 0), load<i32>(m), load<i32>(s), lo, hi), outBytes);
  if (ob + 1 < outChannels) {
    storeOutput(out + <usize>outBytes,
      requantizeOne(i32x4.extract_lane(acc, 1), load<i32>(m, 4), load<i32>(s, 4), lo, hi), outBytes);
  }
  if (ob + 2 < outChannels) {
    storeOutput(out + <usize>(2 * outBytes),
      requantizeOne(i32x4.extract_lane(acc, 2), load<i32>(m, 8), load<i32>(s, 8), lo, hi), outBytes);
  }
  if (ob + 3 < outChannels) {
    storeOutput(out + <usize>(3 * outBytes),
      requantizeOne(i32x4.extract_lane(acc, 3), load<i32>(m, 12), load<i32>(s, 12), lo, hi), outBytes);
  }
}

/**
 * 'Same' convolution over a buffer prepared by convPad.
 * - x: padded input [paddedHeight][paddedWidth][paddedChannels] int16, paddedChannels a multiple of 8;
 *   paddedHeight >= (outHeight - 1) * stride + k and likewise for the width.
 * - weights: packed int16 [outChannels / 4 blocks][ky][kx * paddedChannels + ci in steps of 8][4 channels][8], the
 *   channel count rounded up to a multiple of 4 with zero weights.
 * - bias, multipliers, shifts: i32 per output channel, padded to the same multiple of 4.
 * - out: [outHeight][outWidth][outChannels], int16 (outBytes 2) or int32 (outBytes 4).
 */
export function conv(x: usize, paddedWidth: i32, paddedChannels: i32, k: i32, stride: i32, outHeight: i32,
  outWidth: i32, weights: usize, bias: usize, multipliers: usize, shifts: usize, outChannels: i32, lo: i32, hi: i32,
  out: usize, outBytes: i32): void {
  const rowBytes = <usize>paddedWidth * <usize>paddedChannels * 2;
  const pixelStepBytes = <usize>(stride * paddedChannels * 2);
  const tapRowBytes = <usize>(k * paddedChannels * 2);
  const blockRowBytes = tapRowBytes * CONV_CHANNEL_BLOCK;
  const blockBytes = blockRowBytes * <usize>k;
  const outPixelBytes = <usize>(outChannels * outBytes);
  for (let oy = 0; oy < outHeight; oy++) {
    const xRow = x + <usize>(oy * stride) * rowBytes;
    const outRow = out + <usize>(oy * outWidth) * outPixelBytes;
    for (let ob = 0; ob < outChannels; ob += CONV_CHANNEL_BLOCK) {
      const wBlock = weights + <usize>(ob / CONV_CHANNEL_BLOCK) * blockBytes;
      let ox = 0;
      for (; ox + 2 <= outWidth; ox += 2) {
        let a00 = i32x4.splat(0), a01 = i32x4.splat(0), a02 = i32x4.splat(0), a03 = i32x4.splat(0);
        let a10 = i32x4.splat(0), a11 = i32x4.splat(0), a12 = i32x4.splat(0), a13 = i32x4.splat(0);
        for (let ky = 0; ky < k; ky++) {
          let xp = xRow + <usize>ky * rowBytes + <usize>ox * pixelStepBytes;
          let wp = wBlock + <usize>ky * blockRowBytes;
          const end = xp + tapRowBytes;
          while (xp < end) {
            const x0 = v128.load(xp);
            const x1 = v128.load(xp + pixelStepBytes);
            const w0 = v128.load(wp);
            a00 = i32x4.add(a00, i32x4.dot_i16x8_s(x0, w0));
            a10 = i32x4.add(a10, i32x4.dot_i16x8_s(x1, w0));
            const w1 = v128.load(wp, 16);
            a01 = i32x4.add(a01, i32x4.dot_i16x8_s(x0, w1));
            a11 = i32x4.add(a11, i32x4.dot_i16x8_s(x1, w1));
            const w2 = v128.load(wp, 32);
            a02 = i32x4.add(a02, i32x4.dot_i16x8_s(x0, w2));
            a12 = i32x4.add(a12, i32x4.dot_i16x8_s(x1, w2));
            const w3 = v128.load(wp, 48);
            a03 = i32x4.add(a03, i32x4.dot_i16x8_s(x0, w3));
            a13 = i32x4.add(a13, i32x4.dot_i16x8_s(x1, w3));
            xp += 16;
            wp += 64;
          }
        }
        const dst = outRow + <usize>ox * outPixelBytes;
        emit4(laneSums4(a00, a01, a02, a03), ob, outChannels, bias, multipliers, shifts, lo, hi, dst, outBytes);
        emit4(laneSums4(a10, a11, a12, a13), ob, outChannels, bias, multipliers, shifts, lo, hi,
          dst + outPixelBytes, outBytes);
      }
      for (; ox < outWidth; ox++) {
        let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
        for (let ky = 0; ky < k; ky++) {
          let xp = xRow + <usize>ky * rowBytes + <usize>ox * pixelStepBytes;
          let wp = wBlock + <usize>ky * blockRowBytes;
          const end = xp + tapRowBytes;
          while (xp < end) {
            const x0 = v128.load(xp);
            a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x0, v128.load(wp)));
            a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x0, v128.load(wp, 16)));
            a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x0, v128.load(wp, 32)));
            a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x0, v128.load(wp, 48)));
            xp += 16;
            wp += 64;
          }
        }
        emit4(laneSums4(a0, a1, a2, a3), ob, outChannels, bias, multipliers, shifts, lo, hi,
          outRow + <usize>ox * outPixelBytes, outBytes);
      }
    }
  }
}
