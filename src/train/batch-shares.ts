/**
 * Data-parallel batch arithmetic shared by the training pools: cutting a batch into contiguous per-worker shares,
 * cutting a list into fixed-size batches, and turning the workers' per-share gradient sums into the batch mean.
 * Invariant: the mean is exact whatever the split (workers return sums), and it adds the shares in worker order.
 */

/** One worker's part of a batch. */
export interface Share<T> {
  /** 0-based worker index. */
  readonly worker: number;
  /** A contiguous, non-empty run of the batch. */
  readonly items: T[];
}

/**
 * Splits `items` into `parts` contiguous, nearly equal shares (sizes differ by at most one), leaving out empty ones.
 * @param parts number of workers, >= 1
 */
export function shareOut<T>(items: readonly T[], parts: number): Share<T>[] {
  const shares: Share<T>[] = [];
  for (let p = 0; p < parts; p++) {
    const part = items.slice(Math.floor((p * items.length) / parts), Math.floor(((p + 1) * items.length) / parts));
    if (part.length > 0) shares.push({ worker: p, items: part });
  }
  return shares;
}

/**
 * Cuts `items` into consecutive batches of `size` (the last may be shorter).
 * @param size >= 1
 */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/**
 * Writes into `out` the sum of `sums` (added in order, in float32 like the workers' buffers) divided by `count`.
 * @param sums gradient sums over each share's images, each as long as `out`
 * @param count images in the whole batch, >= 1
 */
export function meanOfSums(out: Float32Array, sums: readonly Float32Array[], count: number): void {
  out.fill(0);
  for (const sum of sums) for (let k = 0; k < out.length; k++) out[k]! += sum[k]!;
  const scale = 1 / count;
  for (let k = 0; k < out.length; k++) out[k]! *= scale;
}
