/**
 * The encoder's early-out for big tiles: before running the learned model over a whole tile, code a centred
 * PROBE_SIDE x PROBE_SIDE crop with it and skip the full run when the crop's bytes, scaled to the tile's area, exceed
 * the fallback's bytes for the whole tile by more than a margin. The model is most of the encoder's time (Kodak:
 * ~120 ms per 128x128 tile against ~12 ms for the fallback), and on photos it rarely wins. Invariant: the decision
 * uses byte counts only (integers), so it is the same on every machine and thread; decoding never sees it.
 */
import type { LearnedTileCoder } from './learned-tile-coder.js';

/** Side of the probe crop; tiles narrower or lower than twice this are always coded both ways. */
export const PROBE_SIDE = 64;
/**
 * Skip when crop bytes x area ratio > fallback bytes x (1 + MARGIN_EIGHTHS / 8). On 600 128x128 tiles of
 * usc-sipi-misc with the natural model, skipping above +5% already lost no tile the model would have won (above +0%:
 * 8 tiles, 0.036% of the bytes); +12.5% leaves room for images unlike those.
 */
const MARGIN_EIGHTHS = 1;

/**
 * Whether the learned coder should be skipped for an 8-bit tile's colour planes.
 * @param colour width * height * learned.channels bytes, HWC, the whole (padded) tile
 * @param insideWidth,insideHeight the part of the tile inside the image (what the fallback codes)
 * @param fallbackBytes bytes of the fallback coding of the inside part's colour planes
 * @returns false when the tile is too small to probe, or the probe does not rule the model out
 */
export function learnedCoderLikelyLoses(
  learned: LearnedTileCoder, colour: Uint8Array, width: number, insideWidth: number, insideHeight: number, fallbackBytes: number,
): boolean {
  if (insideWidth < 2 * PROBE_SIDE || insideHeight < 2 * PROBE_SIDE || PROBE_SIDE % learned.sizeMultiple !== 0) return false;
  const channels = learned.channels;
  const x0 = (insideWidth - PROBE_SIDE) >> 1;
  const y0 = (insideHeight - PROBE_SIDE) >> 1;
  const crop = new Uint8Array(PROBE_SIDE * PROBE_SIDE * channels);
  for (let y = 0; y < PROBE_SIDE; y++) {
    const from = ((y0 + y) * width + x0) * channels;
    crop.set(colour.subarray(from, from + PROBE_SIDE * channels), y * PROBE_SIDE * channels);
  }
  const probeBytes = learned.encodeTile(crop, PROBE_SIDE, PROBE_SIDE).length;
  // probe/probeArea > fallback/insideArea * (8 + margin)/8, cross-multiplied (all terms < 2^53).
  return probeBytes * insideWidth * insideHeight * 8 > fallbackBytes * PROBE_SIDE * PROBE_SIDE * (8 + MARGIN_EIGHTHS);
}
