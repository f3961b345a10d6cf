/**
 * WASM kernels that move elements without arithmetic (AssemblyScript): 2x2 squeeze and unsqueeze, channel gather,
 * and copies of channel ranges (concat, slice). Element size is 2 (int16) or 4 (int32) bytes. Invariant: the index
 * maps are exactly those of the reference kernels (see src/engine/README.md for the squeeze channel order).
 */

/**
 * Space-to-depth 2x2: dst[y][x][(dy * 2 + dx) * channels + c] = src[2y + dy][2x + dx][c] for a height x width x
 * channels source (height and width even).
 */
export function squeeze(src: usize, height: i32, width: i32, channels: i32, elementBytes: i32, dst: usize): void {
  const chunk = <usize>(channels * elementBytes);
  let out = dst;
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      for (let dy = 0; dy < 2; dy++) {
        const row = src + <usize>((y + dy) * width + x) * chunk;
        memory.copy(out, row, chunk * 2);
        out += chunk * 2;
      }
    }
  }
}

/** Depth-to-space 2x2, the inverse of squeeze: src is height x width x channels (channels a multiple of 4). */
export function unsqueeze(src: usize, height: i32, width: i32, channels: i32, elementBytes: i32, dst: usize): void {
  const chunk = <usize>((channels >> 2) * elementBytes);
  const outWidth = width * 2;
  let inp = src;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let dy = 0; dy < 2; dy++) {
        memory.copy(dst + <usize>((2 * y + dy) * outWidth + 2 * x) * chunk, inp, chunk * 2);
        inp += chunk * 2;
      }
    }
  }
}

/** dst[p][j] = src[p][indices[j]] for `pixels` pixels, `channels` source channels, `count` i32 indices. */
export function gather(src: usize, pixels: i32, channels: i32, indices: usize, count: i32, elementBytes: i32,
  dst: usize): void {
  let out = dst;
  for (let p = 0; p < pixels; p++) {
    const pixel = src + <usize>(p * channels * elementBytes);
    if (elementBytes == 2) {
      for (let j = 0; j < count; j++) {
        store<i16>(out, load<i16>(pixel + <usize>load<i32>(indices + <usize>j * 4) * 2));
        out += 2;
      }
    } else {
      for (let j = 0; j < count; j++) {
        store<i32>(out, load<i32>(pixel + <usize>load<i32>(indices + <usize>j * 4) * 4));
        out += 4;
      }
    }
  }
}

/**
 * Copies channels [srcStart, srcStart + count) of each of `pixels` source pixels (srcChannels wide) to channels
 * [dstStart, dstStart + count) of the destination pixels (dstChannels wide).
 */
export function copyChannels(src: usize, srcChannels: i32, srcStart: i32, dst: usize, dstChannels: i32,
  dstStart: i32, count: i32, pixels: i32, elementBytes: i32): void {
  const bytes = <usize>(count * elementBytes);
  for (let p = 0; p < pixels; p++) {
    memory.copy(dst + <usize>((p * dstChannels + dstStart) * elementBytes),
      src + <usize>((p * srcChannels + srcStart) * elementBytes), bytes);
  }
}
