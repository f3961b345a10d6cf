/**
 * The running averages a trainer shows and logs: sums of per-batch quantities (bits, loss, correct predictions) and
 * images since the window opened, and the speed over that time. Invariant: mean(key) is the sum added under `key`
 * divided by the images added, both since the last reset.
 */

/** A window of recent training batches. */
export class ProgressWindow<Key extends string> {
  private sums: Record<Key, number>;
  private images = 0;
  private start = performance.now();

  /** @param keys the quantities summed */
  constructor(private readonly keys: readonly Key[]) {
    this.sums = this.zeros();
  }

  private zeros(): Record<Key, number> {
    return Object.fromEntries(this.keys.map((key) => [key, 0])) as Record<Key, number>;
  }

  /** Adds a batch of `images` images with its sums (e.g. mean loss times images). */
  add(images: number, sums: Readonly<Record<Key, number>>): void {
    for (const key of this.keys) this.sums[key] += sums[key];
    this.images += images;
  }

  /** Sum of `key` per image over the window (NaN when it is empty). */
  mean(key: Key): number {
    return this.sums[key] / this.images;
  }

  /** Images per second since the window opened, at time `now` (performance.now()). */
  imagesPerSecond(now: number): number {
    return this.images / Math.max(1e-3, (now - this.start) / 1000);
  }

  /** Whether the window has been open at least `ms` milliseconds at time `now` (default 30 s, the log cadence). */
  due(now: number, ms = 30_000): boolean {
    return now - this.start >= ms;
  }

  /** Empties the window and reopens it at `now`. */
  reset(now: number): void {
    this.sums = this.zeros();
    this.images = 0;
    this.start = now;
  }
}
