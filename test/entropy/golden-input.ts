/**
 * The small fixed input of the entropy golden test: a logistic batch (one symbol escapes low, one high), a
 * two-component mixture batch and a uniform byte batch, queued in that order. Never change it:
 * rans-golden.test.ts pins the bytes each stream version codes it to.
 */
import type { RansDecoder } from '../../src/entropy/rans-decoder.js';
import type { RansEncoder } from '../../src/entropy/rans-encoder.js';

export const GOLDEN = {
  logisticSymbols: Int32Array.from([0, 3, -7, 120, -(2 ** 31), 2 ** 31 - 1]),
  logisticMus: Int32Array.from([0, 640, -2000, 30000, 128, -(2 ** 28)]),
  logisticScales: Uint16Array.from([128, 160, 100, 300, 0, 576]),
  mixtureSymbols: Int32Array.from([5, -40, 1000]),
  mixtureMus: Int32Array.from([1280, -2560, -10240, 0, 256000, 250000]),
  mixtureScales: Uint16Array.from([128, 200, 96, 250, 180, 140]),
  mixtureWeights: Uint16Array.from([3, 1, 1000, 24000, 1, 0]),
  uniformSymbols: Uint8Array.from([0, 255, 17, 128]),
} as const;

/** Queues the golden input on an encoder. */
export function encodeGolden(encoder: RansEncoder): void {
  encoder.encodeLogistic(GOLDEN.logisticSymbols, GOLDEN.logisticMus, GOLDEN.logisticScales);
  encoder.encodeMixture(GOLDEN.mixtureSymbols, GOLDEN.mixtureMus, GOLDEN.mixtureScales, GOLDEN.mixtureWeights, 2);
  encoder.encodeUniform(GOLDEN.uniformSymbols, 0, 255);
}

/** Decodes the golden input's batches and returns them, without calling finish(). */
export function decodeGolden(decoder: RansDecoder): { logistic: Int32Array; mixture: Int32Array; uniform: Uint8Array } {
  const logistic = new Int32Array(GOLDEN.logisticSymbols.length);
  decoder.decodeLogistic(logistic, GOLDEN.logisticMus, GOLDEN.logisticScales);
  const mixture = new Int32Array(GOLDEN.mixtureSymbols.length);
  decoder.decodeMixture(mixture, GOLDEN.mixtureMus, GOLDEN.mixtureScales, GOLDEN.mixtureWeights, 2);
  const uniform = new Uint8Array(GOLDEN.uniformSymbols.length);
  decoder.decodeUniform(uniform, 0, 255);
  return { logistic, mixture, uniform };
}
