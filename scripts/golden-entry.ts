/**
 * The shape of one entry of fixtures/golden/golden.json, shared by the script that writes the goldens
 * (make-golden.ts) and the test that decodes them, so that the two cannot drift apart.
 */

/** One golden stream, as golden.json lists it. */
export interface GoldenEntry {
  file: string;
  formatVersion: number;
  modelNumericId: number;
  /** The model's id when the file was written (the numeric id is what decoding goes by). */
  modelId: string | null;
  width: number;
  height: number;
  channels: number;
  bitDepth: number;
  tiles: number;
  learnedTiles: number;
  pixelsSha256: string;
}
