/**
 * Fallback mode 8's body: mode 5's cascade model (fallback-cascade-model.ts) predicts every sample in mode 5's
 * order, and MixedSampleCoder codes it as adaptive bits through one rANS state (PAYLOAD.md, "The mixed cascade
 * model"). Also low-byte streams: the symbol is the low byte, coded under mode 5's low-byte mu. Invariant: encoder
 * and decoder run the same model calls in the same order, so decode(encode(x)) === x; damage is a CorruptStreamError.
 */
import { AdaptiveBitCoder } from '../entropy/index.js';
import { FallbackCascadeModel } from './fallback-cascade-model.js';
import { MixedSampleCoder } from './fallback-mixed-sample-coder.js';

/** Interleaved samples of one plane group: 8-bit or 16-bit. */
type Samples = Uint8Array | Uint16Array;

/**
 * Runs the model and the coder over the group: encodes `values` (encoder) or decodes into it (decoder, which for
 * lowBytes already holds every sample's high byte, shifted up 8).
 */
function run(values: Int32Array, bits: AdaptiveBitCoder, width: number, height: number, channels: number, maxValue: number, lowBytes: boolean): void {
  const model = new FallbackCascadeModel(width, channels, maxValue);
  const coder = new MixedSampleCoder(bits, channels, lowBytes ? 255 : maxValue);
  const order = model.channelOrder();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let o = 0; o < order.length; o++) {
        const c = order[o]!;
        model.predict(values, x, y, c);
        const i = (y * width + x) * channels + c;
        let value: number;
        if (lowBytes) {
          const high = values[i]! >>> 8;
          const m = model.muQ - high * 65536;
          value = high * 256 + coder.code(values[i]! & 0xff, m < 0 ? 0 : m > 255 * 256 ? 255 * 256 : m, model.scaleIndex, model.signContext, o);
        } else {
          value = coder.code(values[i]!, model.muQ, model.scaleIndex, model.signContext, o);
        }
        values[i] = value;
        model.update(value, x, c);
      }
    }
  }
}

/**
 * A mode 8 body (without the mode byte).
 * @param samples width * height * channels values in 0..maxValue
 * @param maxValue 1..65535 (65535 for lowBytes)
 * @param lowBytes code only each sample's low byte, given its high byte
 */
export function encodeMixedBody(samples: Samples, width: number, height: number, channels: number, maxValue: number, lowBytes: boolean): Uint8Array {
  const bits = AdaptiveBitCoder.encoder(1);
  run(Int32Array.from(samples), bits, width, height, channels, maxValue, lowBytes);
  return bits.finish();
}

/**
 * Decodes a mode 8 body into `out` (which for lowBytes already holds every sample's high byte, shifted up 8).
 * @throws CorruptStreamError when the body is damaged or cut short
 */
export function decodeMixedBody(body: Uint8Array, out: Samples, width: number, height: number, channels: number, maxValue: number, lowBytes: boolean): void {
  const values = Int32Array.from(out);
  const bits = AdaptiveBitCoder.decoder(1, body);
  run(values, bits, width, height, channels, maxValue, lowBytes);
  bits.finish();
  out.set(values);
}
