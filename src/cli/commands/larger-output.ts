/**
 * A warning for an output larger than the file it came from (not a command itself): always the case for a JPEG,
 * whose lossy coding is smaller than any exact copy of its decoded pixels, and wherever the input's own coder beats
 * idfz's (a palette PNG of a small UI image can). The user then knows to keep the input.
 */
import { log } from '../../core/log.js';
import type { PixelBuffer } from '../../image/pixel-buffer.js';

/**
 * Logs one warning `<input>: <output> (N bytes) is Rx the size of the input (M bytes)[: why]` when outputBytes >
 * inputBytes; nothing otherwise.
 */
export function warnIfLarger(input: string, output: string, inputBytes: number, outputBytes: number, pixels: PixelBuffer): void {
  if (outputBytes <= inputBytes) return;
  const why = pixels.metadata?.format === 'jpeg'
    ? ': a JPEG is stored as its decoded pixels, exactly, which takes more room than its lossy coding; keep the JPEG'
    : '';
  log.warn({ input, output, inputBytes, outputBytes },
    `${input}: ${output} (${outputBytes} bytes) is ${(outputBytes / inputBytes).toFixed(2)}x the size of the input (${inputBytes} bytes)${why}`);
}
