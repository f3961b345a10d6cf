/**
 * One set of tile workers for a whole compress or decompress batch: starting them costs about as much as coding a
 * photo, so every file of the batch reuses them. Invariant: the workers are closed when the batch ends, also when
 * it fails, so no thread outlives the command.
 */
import { TilePoolCache } from '../../codec/index.js';

/** Runs `batch` with a fresh TilePoolCache and closes its pools after it, however it ends. */
export async function withTilePools(batch: (pools: TilePoolCache) => Promise<void>): Promise<void> {
  const pools = new TilePoolCache();
  try {
    await batch(pools);
  } finally {
    await pools.close();
  }
}
