/**
 * The entropy layer's public API: RansEncoder / RansDecoder over typed-array batches (discretised logistic,
 * logistic mixture, uniform) in stream version 1 or 2, adaptive binary decisions (AdaptiveBitCoder), the integer
 * parameter grid the engine and exporter quantise to, and ideal code lengths. Other layers import from here only.
 */
export { RansEncoder } from './rans-encoder.js';
export { RansDecoder } from './rans-decoder.js';
export { AdaptiveBitCoder, adaptProbability } from './adaptive-bit-coder.js';
export {
  MU_FRAC_BITS, MU_Q_MAX, SCALE_COUNT, SCALE_LOG2_MIN, SCALE_STEPS_PER_OCTAVE, muToQ, scaleIndexOf, scaleOfIndex,
  type ScaleIndexArray,
} from './logistic-params.js';
export { MIXTURE_MAX_COMPONENTS, MIXTURE_WEIGHT_TOTAL_MAX, type WeightArray } from './mixture-model.js';
export { UNIFORM_MAX_VALUES, type UniformArray } from './uniform-coder.js';
export { LATEST_STREAM_VERSION, PRECISION_BITS, type StreamVersion } from './rans-core.js';
export {
  intervalCodeLengthBits, logisticInterval, mixtureInterval, uniformCodeLengthBits, type SymbolInterval,
} from './code-length.js';
export { LogisticMixer, squash, stretch } from './logistic-mixer.js';
/** A single logistic's window and boundaries, for coders that split a sample into binary decisions (fallback mode 8). */
export { edgeBase, logisticBoundary, spreadOf, windowCenter, windowHalfWidth } from './logistic-model.js';
