/**
 * The learned tile coder: an integer IDF model (src/engine/integer-idf.ts) and the rANS coder. A tile's stream
 * holds its latents prior term by prior term, in decode order (top prior first, then the split priors from the
 * coarsest level down), each coded under the integer parameters the model computes from what is already decoded,
 * in the rANS stream version equal to the file's format version.
 */
import { sizeMultiple } from '../arch/idf-spec.js';
import type { Engine } from '../engine/index.js';
import { IntegerIdf, type PriorParams, type PriorTerm } from '../engine/integer-idf.js';
import { readIntegerIdf } from '../engine/integer-idf-file.js';
import { IDF_FORMAT_VERSION } from '../container/index.js';
import {
  RansDecoder, RansEncoder, intervalCodeLengthBits, logisticInterval, mixtureInterval,
} from '../entropy/index.js';
import type { LearnedTileCoder } from './learned-tile-coder.js';

function termBits(term: PriorTerm): number {
  let bits = 0;
  const k = term.components;
  for (let i = 0; i < term.values.length; i++) {
    const interval = term.weights
      ? mixtureInterval(term.values[i]!, term.muQ, term.scaleIndex, term.weights, i * k, k, IDF_FORMAT_VERSION)
      : logisticInterval(term.values[i]!, term.muQ[i]!, term.scaleIndex[i]!);
    bits += intervalCodeLengthBits(interval);
  }
  return bits;
}

/**
 * Loads a model file (already sha256-verified by the zoo) onto `engine`.
 * @param source model file name for messages
 * @throws ModelError when the file is malformed
 */
export function createIdfTileCoder(modelBytes: Uint8Array, source: string, engine: Engine): LearnedTileCoder {
  const model = readIntegerIdf(modelBytes, source);
  const idf = new IntegerIdf(engine, model);
  return {
    channels: model.spec.imageChannels,
    sizeMultiple: sizeMultiple(model.spec),
    // The rANS stream version is the .idf format version: version 2 codes mixtures with component slots.
    encodeTile(pixels, width, height, formatVersion = IDF_FORMAT_VERSION) {
      const encoder = new RansEncoder(formatVersion);
      for (const term of idf.forward(pixels, height, width)) {
        if (term.weights) encoder.encodeMixture(term.values, term.muQ, term.scaleIndex, term.weights, term.components);
        else encoder.encodeLogistic(term.values, term.muQ, term.scaleIndex);
      }
      return encoder.finish();
    },
    decodeTile(stream, width, height, formatVersion = IDF_FORMAT_VERSION) {
      const decoder = new RansDecoder(stream, 0, stream.length, formatVersion);
      const pixels = idf.inverse(height, width, (params: PriorParams) => {
        const values = new Int32Array(params.height * params.width * params.channels);
        if (params.weights) decoder.decodeMixture(values, params.muQ, params.scaleIndex, params.weights, params.components);
        else decoder.decodeLogistic(values, params.muQ, params.scaleIndex);
        return values;
      });
      decoder.finish();
      return pixels;
    },
    estimateBits(pixels, width, height) {
      return idf.forward(pixels, height, width).reduce((bits, term) => bits + termBits(term), 0);
    },
  };
}
