/**
 * Entry point of idfz's WASM engine module (AssemblyScript, built by `npm run build:wasm` into
 * dist/src/engine/wasm/engine.wasm with SIMD on, -O3 and the stub runtime). Exports only pointer-and-size functions:
 * the TypeScript side (../wasm-kernels.ts) owns the linear memory layout. Nothing here allocates.
 */
export { CONV_CHANNEL_ALIGN, CONV_CHANNEL_BLOCK, conv, convPad } from './conv';
export { addClamp, clamp, requantize } from './elementwise';
export { copyChannels, gather, squeeze, unsqueeze } from './layout';
