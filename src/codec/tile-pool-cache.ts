/**
 * Tile pools kept open across the files of a batch. Starting a pool's worker threads (module loading, the model's
 * engine preparation) costs ~0.1-0.3 s, as much as decoding a whole 768x512 photo, so a batch asks this cache for
 * a pool per (model, coder factory, kernel, threads) and closes them all at the end. Invariant: a cached pool is
 * only ever handed out for exactly the options it was opened with, so files do not depend on the cache.
 */
import { TilePool, type TilePoolOptions } from './tile-worker-pool.js';

/** Open pools by their options; close() ends every worker. */
export class TilePoolCache {
  private readonly pools = new Map<string, Promise<TilePool>>();
  /** Model files by identity (the same bytes object, e.g. one LoadedModel for a whole batch). */
  private readonly modelKeys = new WeakMap<Uint8Array, number>();
  private nextModelKey = 1;

  /**
   * The pool for these options: the one opened earlier with the same options, or a new one.
   * @throws ModelError when the model cannot be loaded (nothing is cached then)
   */
  get(options: TilePoolOptions): Promise<TilePool> {
    const key = this.keyOf(options);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = TilePool.open(options);
      this.pools.set(key, pool);
      pool.catch(() => this.pools.delete(key));
    }
    return pool;
  }

  /** Ends every pool's workers; the cache is empty afterwards. */
  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.then((open) => open.close(), () => undefined)));
  }

  private keyOf(options: TilePoolOptions): string {
    const common = `${options.kernel ?? 'wasm'}|${options.threads ?? 1}`;
    const learned = options.learned;
    if (!learned) return `none|${common}`;
    let model = this.modelKeys.get(learned.modelBytes);
    if (model === undefined) {
      model = this.nextModelKey++;
      this.modelKeys.set(learned.modelBytes, model);
    }
    return `${model}|${learned.factory.moduleUrl}#${learned.factory.exportName}|${learned.source}|${common}`;
  }
}
