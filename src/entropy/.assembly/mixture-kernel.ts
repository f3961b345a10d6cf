/**
 * WASM kernel (AssemblyScript) of the mixture coder (host: ../mixture-wasm.ts), one file per job: kernel-memory.ts
 * (layout), kernel-cdf.ts (the shared pair evaluation), kernel-encode.ts (the encoder's runs of symbols),
 * kernel-context.ts (the decoder's per-symbol contexts and guess), kernel-decode.ts (the decoder's bin search),
 * kernel-check.ts (the parameter screen).
 * Invariant: every cumulative frequency equals mixtureBoundary (../mixture-model.ts) bit for bit. Lives in a
 * dot-folder so that tsc skips it; `npm run build:wasm` compiles this entry file to mixture-kernel.wasm.
 */
export { address, layout } from './kernel-memory';
export { encodeChunk, symbolInterval } from './kernel-encode';
export { decodeFind, decodeRun } from './kernel-decode';
export { checkChunk } from './kernel-check';
