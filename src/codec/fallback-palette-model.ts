/**
 * Fallback mode 9's index model: each pixel's palette index is coded as a binary tree, most significant bit first,
 * each bit predicted under seven neighbourhood contexts (node; W; N; W,N; W,N,NW; W,N,NW,NE; W,WW,N,NN), each an
 * adaptive probability (the adaptive bits' rule), mixed by integer logistic mixing (entropy/logistic-mixer.ts) and
 * coded with rANS (entropy/adaptive-bit-coder.ts). One code path encodes and decodes; layout in PAYLOAD.md.
 * Invariant: integer-only; table sizes fixed by the tile size; each prediction uses only indices before it.
 */
import { CorruptStreamError } from '../core/errors.js';
import { AdaptiveBitCoder, LogisticMixer, adaptProbability, stretch } from '../entropy/index.js';

/** Index value of a neighbour outside the tile. */
const MISSING = 256;
/** Mixer inputs: seven context predictions and a constant bias. */
const INPUTS = 8;
const BIAS = 256;
const INITIAL_WEIGHT = 16384;
const MIXER_RATE = 6;
/** Mixer weight sets: the tree node (1..255) and whether W = N and N = NE (four cases). */
const WEIGHT_SETS = 256 * 4;
/** Hashed tables hold 2^bits slots: bits = clamp(ceil(log2(pixels)) + 2, 12, 22). */
const MIN_HASH_BITS = 12;
const MAX_HASH_BITS = 22;
const HASH_MULTIPLIER = 0x2c1b3c6d;

/** Mixes four neighbour indices (or MISSING) into a 32-bit context hash, seeded per context. */
function contextHash(seed: number, a: number, b: number, c: number, d: number): number {
  let h = Math.imul(seed ^ a, HASH_MULTIPLIER);
  h = Math.imul(h ^ b ^ (h >>> 15), HASH_MULTIPLIER);
  h = Math.imul(h ^ c ^ (h >>> 15), HASH_MULTIPLIER);
  h = Math.imul(h ^ d ^ (h >>> 15), HASH_MULTIPLIER);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Slots of each hashed table for a tile of `pixels` pixels. */
export function paletteHashBits(pixels: number): number {
  let bits = 0;
  while (2 ** bits < pixels) bits++;
  return Math.min(MAX_HASH_BITS, Math.max(MIN_HASH_BITS, bits + 2));
}

/** The tree depth for a palette of `size` colours: ceil(log2(size)), 0 for one colour. */
export function indexBits(size: number): number {
  let bits = 0;
  while (1 << bits < size) bits++;
  return bits;
}

/**
 * Codes every pixel's palette index, row by row: encodes `indices` when `coder` encodes, else decodes into them.
 * @param indices width * height indices in 0..paletteSize-1 (decoder: filled in)
 * @param paletteSize 1..256
 * @throws CorruptStreamError (decoder) when an index reaches paletteSize or the stream runs out
 */
export function codePaletteIndices(coder: AdaptiveBitCoder, indices: Uint8Array, width: number, height: number, paletteSize: number): void {
  const bits = indexBits(paletteSize);
  if (bits === 0) return;
  const hashBits = paletteHashBits(width * height);
  const shift = 32 - hashBits;
  const hashed = 4;
  const direct = 3;
  // tables: 0 order 0 (node), 1 W, 2 N (direct), then the hashed ones
  const sizes = [256, (MISSING + 1) * 256, (MISSING + 1) * 256, ...Array.from({ length: hashed }, () => 1 << hashBits)];
  const p1 = sizes.map((size) => new Uint16Array(size).fill(32768));
  const count = sizes.map((size) => new Uint8Array(size));
  const mixer = new LogisticMixer(INPUTS, WEIGHT_SETS, INITIAL_WEIGHT, MIXER_RATE);
  const base = new Int32Array(direct + hashed);
  const slot = new Int32Array(direct + hashed);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const w = x > 0 ? indices[p - 1]! : MISSING;
      const n = y > 0 ? indices[p - width]! : MISSING;
      const nw = x > 0 && y > 0 ? indices[p - width - 1]! : MISSING;
      const ne = y > 0 && x < width - 1 ? indices[p - width + 1]! : MISSING;
      const ww = x > 1 ? indices[p - 2]! : MISSING;
      const nn = y > 1 ? indices[p - 2 * width]! : MISSING;
      base[0] = 0;
      base[1] = w << 8;
      base[2] = n << 8;
      base[3] = contextHash(1, w, n, MISSING, MISSING);
      base[4] = contextHash(2, w, n, nw, MISSING);
      base[5] = contextHash(3, w, n, nw, ne);
      base[6] = contextHash(4, w, ww, n, nn);
      const selector = 256 * ((w === n ? 1 : 0) + (n === ne ? 2 : 0));
      const value = coder.encoding ? indices[p]! : 0;
      let node = 1;
      for (let d = bits - 1; d >= 0; d--) {
        for (let t = 0; t < direct; t++) slot[t] = base[t]! + node;
        for (let t = direct; t < direct + hashed; t++) slot[t] = Math.imul(base[t]! ^ node, HASH_MULTIPLIER) >>> shift;
        for (let t = 0; t < direct + hashed; t++) mixer.add(stretch(p1[t]![slot[t]!]! >>> 4));
        mixer.add(BIAS);
        const p12 = mixer.mix(node + selector);
        const bit = coder.code(p12 << 4, (value >>> d) & 1);
        mixer.update(bit);
        for (let t = 0; t < direct + hashed; t++) adaptProbability(p1[t]!, count[t]!, slot[t]!, bit);
        node = (node << 1) | bit;
      }
      const index = node - (1 << bits);
      if (index >= paletteSize) {
        throw new CorruptStreamError(`corrupt stream: mode 9 palette index ${index} at (${x}, ${y}) of a ${paletteSize}-colour palette`);
      }
      indices[p] = index;
    }
  }
}
