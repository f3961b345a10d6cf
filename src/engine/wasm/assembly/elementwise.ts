/**
 * WASM kernels for elementwise ops on HWC tensors (AssemblyScript): requantisation of int32 tensors, saturating add
 * and clamp of int16 tensors. Invariant: each equals its reference kernel bit for bit (pure integer arithmetic;
 * the SIMD lanes and the scalar tail compute the same formula).
 */
import { requantizeOne } from './conv';

/**
 * Requantises `pixels * channels` int32 values (channel c uses multipliers[c], shifts[c]) into int16 (outBytes 2)
 * or int32 (outBytes 4) at dst.
 */
export function requantize(src: usize, pixels: i32, channels: i32, multipliers: usize, shifts: usize, lo: i32,
  hi: i32, dst: usize, outBytes: i32): void {
  let i: usize = 0;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < channels; c++) {
      const value = requantizeOne(load<i32>(src + i * 4), load<i32>(multipliers + <usize>c * 4),
        load<i32>(shifts + <usize>c * 4), lo, hi);
      if (outBytes == 2) store<i16>(dst + i * 2, <i16>value);
      else store<i32>(dst + i * 4, value);
      i++;
    }
  }
}

/**
 * dst[i] = clamp(a[i] + b[i], lo, hi) for n int16 values, lo and hi within int16. The SIMD path saturates to int16
 * first, which cannot change the result because [lo, hi] lies inside the int16 range.
 */
export function addClamp(a: usize, b: usize, n: i32, lo: i32, hi: i32, dst: usize): void {
  const vlo = i16x8.splat(<i16>lo);
  const vhi = i16x8.splat(<i16>hi);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const offset = <usize>i * 2;
    const sum = i16x8.add_sat_s(v128.load(a + offset), v128.load(b + offset));
    v128.store(dst + offset, i16x8.min_s(i16x8.max_s(sum, vlo), vhi));
  }
  for (; i < n; i++) {
    const offset = <usize>i * 2;
    let v = <i32>load<i16>(a + offset) + <i32>load<i16>(b + offset);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    store<i16>(dst + offset, <i16>v);
  }
}

/** dst[i] = clamp(src[i], lo, hi) for n int16 values, lo and hi within int16. */
export function clamp(src: usize, n: i32, lo: i32, hi: i32, dst: usize): void {
  const vlo = i16x8.splat(<i16>lo);
  const vhi = i16x8.splat(<i16>hi);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const offset = <usize>i * 2;
    v128.store(dst + offset, i16x8.min_s(i16x8.max_s(v128.load(src + offset), vlo), vhi));
  }
  for (; i < n; i++) {
    const offset = <usize>i * 2;
    let v = <i32>load<i16>(src + offset);
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    store<i16>(dst + offset, <i16>v);
  }
}
