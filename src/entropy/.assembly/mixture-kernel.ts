/**
 * WASM kernel (AssemblyScript) of the mixture coder (host: ../mixture-wasm.ts), one file per job: kernel-memory.ts
 * (layout), kernel-cdf.ts (the shared pair evaluation), kernel-context.ts (the window, version 1's per-symbol
 * contexts, and the guess), kernel-encode.ts (version 1's encoder runs), kernel-slot-encode.ts (version 2's),
 * kernel-decode.ts (the decoder's run loop and version 1's bin search), kernel-slot-decode.ts (version 2's search),
 * kernel-slot-model.ts (version 2's per-symbol slot layout and boundaries), kernel-put.ts (both encoders' word
 * output), kernel-found.ts (what a search found), kernel-check.ts (the parameter screen).
 * Invariant: every frequency equals mixtureBoundary (../mixture-model.ts, version 1) or slotBinFrequency
 * (../mixture-slot-model.ts, version 2) bit for bit. Lives in a dot-folder so that tsc skips it; `npm run
 * build:wasm` compiles this entry file to mixture-kernel.wasm.
 */
export { address, layout } from './kernel-memory';
export { encodeChunk, symbolInterval } from './kernel-encode';
export { decodeFind, decodeRun, decodeSlotRun } from './kernel-decode';
export { encodeSlotChunk } from './kernel-slot-encode';
export { checkChunk } from './kernel-check';
