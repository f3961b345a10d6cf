/**
 * The integer IDF runner: the exact, integer-only twin of src/train/idf-graph.ts. `forward` maps a tile's pixels to
 * its latents and their integer prior parameters (what the encoder codes); `inverse` rebuilds the pixels from latents
 * that it requests one prior term at a time, in decode order, because every split prior's parameters depend on the
 * latents decoded before it. Same spec, same step order as the float graph; only ints, so any machine agrees.
 */
import { CorruptStreamError, InternalError } from '../core/errors.js';
import { idfLayout, type IdfSpec, type LevelLayout } from '../arch/idf-spec.js';
import { hasResnetLayout } from '../arch/net-spec.js';
import { PRIOR_PARTS } from '../arch/idf-params.js';
import type { Engine, ConvLayer } from './engine.js';
import { inversePermutation } from './engine.js';
import { tensor16, type Tensor16, type Tensor32 } from './tensor.js';
import { ACTIVATION_LIMIT, latentBound, mixtureWeights, MU_Q_LIMIT, type IntegerIdfModel } from './integer-idf-model.js';

/** Latents of one prior term with their integer prior parameters, n symbols and K components each. */
export interface PriorTerm {
  /** Latent values, HWC order of the term's tensor (n = height * width * channels). */
  readonly values: Int32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly components: number;
  /** n * K fixed-point means, [symbol][component]. */
  readonly muQ: Int32Array;
  /** n * K scale-grid indices, [symbol][component]. */
  readonly scaleIndex: Int32Array;
  /** n * K mixture weights (K > 1 only), [symbol][component]. */
  readonly weights: Int32Array | null;
}

/** Parameters of a term to decode (values still unknown). */
export type PriorParams = Omit<PriorTerm, 'values'>;

/** Decodes the values of one term from its parameters (the entropy decoder, supplied by the codec). */
export type TermDecoder = (params: PriorParams) => Int32Array;

/** An integer IDF bound to an engine (weights prepared once; reuse it for every tile). */
export class IntegerIdf {
  readonly spec: IdfSpec;
  private readonly layers = new Map<string, ConvLayer>();
  private readonly inversePermutations: Int32Array[];
  private readonly latentLimit: number;

  constructor(private readonly engine: Engine, private readonly model: IntegerIdfModel) {
    this.spec = model.spec;
    for (const [name, spec] of model.layers) this.layers.set(name, engine.prepareConv(spec));
    this.inversePermutations = model.spec.permutations.map((p) => inversePermutation(p));
    this.latentLimit = latentBound(model.spec);
  }

  private layer(name: string): ConvLayer {
    const layer = this.layers.get(name);
    if (!layer) throw new InternalError(`integer model has no layer ${name}`);
    return layer;
  }

  /** Runs network `prefix` (family of the coupling or split prior) on x. */
  private net(prefix: string, family: 'coupling' | 'split', x: Tensor16): Tensor16 | Tensor32 {
    const spec = family === 'coupling' ? this.spec.coupling : this.spec.splitPrior.net;
    const e = this.engine;
    if (hasResnetLayout(spec.family)) {
      let h = e.conv2d(this.layer(`${prefix}.in`), x) as Tensor16;
      for (let i = 0; i < spec.depth; i++) {
        const inner = e.conv2d(this.layer(`${prefix}.block${i}.conv1`), e.relu(h)) as Tensor16;
        h = e.add(h, e.conv2d(this.layer(`${prefix}.block${i}.conv2`), inner) as Tensor16, -ACTIVATION_LIMIT, ACTIVATION_LIMIT);
      }
      return e.conv2d(this.layer(`${prefix}.out`), e.relu(h)) as Tensor16 | Tensor32;
    }
    let state = x;
    for (let i = 0; i < spec.depth; i++) {
      const reduced = e.conv2d(this.layer(`${prefix}.dense${i}.reduce`), state) as Tensor16;
      state = e.concatChannels([state, e.conv2d(this.layer(`${prefix}.dense${i}.conv`), reduced) as Tensor16]);
    }
    return e.conv2d(this.layer(`${prefix}.out`), state) as Tensor16 | Tensor32;
  }

  /** The translation of coupling (level, k) for the context channels, as int16 values. */
  private translation(level: number, k: number, context: Tensor16): Int16Array {
    return (this.net(`level${level}.coupling${k}`, 'coupling', context) as Tensor16).data;
  }

  /** Applies coupling (level, k) forward (sign +1) or inverse (sign -1) to x, which has already been permuted. */
  private couple(level: number, k: number, x: Tensor16, layout: LevelLayout, sign: 1 | -1): Tensor16 {
    const e = this.engine;
    const contextChannels = layout.channels - layout.translated;
    const context = e.sliceChannels(x, 0, contextChannels);
    const target = e.sliceChannels(x, contextChannels, layout.channels);
    const t = this.translation(level, k, context);
    const values = target.data;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]! + sign * t[i]!;
      if (v > this.latentLimit || v < -this.latentLimit) throw new CorruptStreamError(`corrupt stream: latent ${v} outside the model's range`);
      values[i] = v;
    }
    return e.concatChannels([context, target]);
  }

  /** Integer prior parameters of the split at `level` from its kept channels. */
  private splitParams(level: number, kept: Tensor16, factored: number): PriorParams {
    const out = this.net(`level${level}.split`, 'split', kept) as Tensor32;
    const components = this.spec.splitPrior.components;
    const n = kept.height * kept.width * factored;
    const muQ = new Int32Array(n * components);
    const scaleIndex = new Int32Array(n * components);
    const weights = components > 1 ? new Int32Array(n * components) : null;
    const logits = components > 1 ? new Int32Array(components) : null;
    const stride = out.channels;
    const { min, max } = this.model.scaleIndexRange;
    for (let pos = 0; pos < kept.height * kept.width; pos++) {
      for (let c = 0; c < factored; c++) {
        const i = pos * factored + c;
        for (let k = 0; k < components; k++) {
          const channel = (part: number) => pos * stride + (part * components + k) * factored + c;
          muQ[i * components + k] = Math.min(MU_Q_LIMIT, Math.max(-MU_Q_LIMIT, out.data[channel(PRIOR_PARTS.mu)]!));
          scaleIndex[i * components + k] = Math.min(max, Math.max(min, out.data[channel(PRIOR_PARTS.logScale)]!));
          if (logits) logits[k] = out.data[channel(PRIOR_PARTS.logit)]!;
        }
        if (weights && logits) mixtureWeights(logits, 0, 1, components, weights, i * components);
      }
    }
    return { height: kept.height, width: kept.width, channels: factored, components, muQ, scaleIndex, weights };
  }

  /** Integer parameters of the top prior for a height x width x channels top tensor (the same at every position). */
  private topParams(height: number, width: number, channels: number): PriorParams {
    const components = this.spec.topPrior.components;
    const { muQ: topMu, scaleIndex: topScale, logitQ } = this.model.top;
    const n = height * width * channels;
    const muQ = new Int32Array(n * components);
    const scaleIndex = new Int32Array(n * components);
    const weights = components > 1 ? new Int32Array(n * components) : null;
    const channelWeights = new Int32Array(channels * components);
    for (let c = 0; c < channels; c++) mixtureWeights(logitQ, c, channels, components, channelWeights, c * components);
    for (let i = 0; i < n; i++) {
      const c = i % channels;
      for (let k = 0; k < components; k++) {
        muQ[i * components + k] = topMu[k * channels + c]!;
        scaleIndex[i * components + k] = topScale[k * channels + c]!;
        if (weights) weights[i * components + k] = channelWeights[c * components + k]!;
      }
    }
    return { height, width, channels, components, muQ, scaleIndex, weights };
  }

  /**
   * Encoder side: latents and prior parameters of a tile, in decode order (top prior first, then the split priors
   * from the last level down to level 0).
   * @param pixels height * width * C bytes, HWC; height and width multiples of 2^levels
   */
  forward(pixels: Uint8Array, height: number, width: number): PriorTerm[] {
    const spec = this.spec;
    const e = this.engine;
    const layouts = idfLayout(spec, height, width);
    const centre = 2 ** (spec.bitDepth - 1);
    const centred = new Int16Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) centred[i] = pixels[i]! - centre;
    let x = e.squeeze(tensor16(height, width, spec.imageChannels, centred));
    const splits: PriorTerm[] = [];
    layouts.forEach((layout, level) => {
      for (let k = 0; k < spec.couplingsPerLevel; k++) {
        x = e.gatherChannels(x, spec.permutations[level * spec.couplingsPerLevel + k]!);
        x = this.couple(level, k, x, layout, 1);
      }
      if (layout.factored > 0) {
        const kept = e.sliceChannels(x, 0, layout.channels - layout.factored);
        const factored = e.sliceChannels(x, layout.channels - layout.factored, layout.channels);
        splits.push({ ...this.splitParams(level, kept, layout.factored), values: Int32Array.from(factored.data) });
        x = e.squeeze(kept);
      }
    });
    const top = { ...this.topParams(x.height, x.width, x.channels), values: Int32Array.from(x.data) };
    return [top, ...splits.reverse()];
  }

  /** Checks decoded latents and stores them as int16 (a corrupt stream may decode anything). */
  private latentTensor(values: Int32Array, params: PriorParams): Tensor16 {
    const n = params.height * params.width * params.channels;
    if (values.length !== n) throw new InternalError(`term decoder returned ${values.length} values, expected ${n}`);
    const data = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v > this.latentLimit || v < -this.latentLimit) throw new CorruptStreamError(`corrupt stream: latent ${v} outside the model's range`);
      data[i] = v;
    }
    return tensor16(params.height, params.width, params.channels, data);
  }

  /**
   * Decoder side: rebuilds a tile's pixels, asking `decode` for each prior term's values in decode order.
   * @throws CorruptStreamError when decoded latents or pixels fall outside their ranges
   */
  inverse(height: number, width: number, decode: TermDecoder): Uint8Array {
    const spec = this.spec;
    const e = this.engine;
    const layouts = idfLayout(spec, height, width);
    const last = layouts[layouts.length - 1]!;
    const topParams = this.topParams(last.height, last.width, last.channels);
    let x = this.latentTensor(decode(topParams), topParams);
    for (let level = layouts.length - 1; level >= 0; level--) {
      const layout = layouts[level]!;
      if (layout.factored > 0) {
        const kept = e.unsqueeze(x);
        const params = this.splitParams(level, kept, layout.factored);
        x = e.concatChannels([kept, this.latentTensor(decode(params), params)]);
      }
      for (let k = spec.couplingsPerLevel - 1; k >= 0; k--) {
        x = this.couple(level, k, x, layout, -1);
        x = e.gatherChannels(x, this.inversePermutations[level * spec.couplingsPerLevel + k]!);
      }
    }
    const image = e.unsqueeze(x).data;
    const centre = 2 ** (spec.bitDepth - 1);
    const pixels = new Uint8Array(image.length);
    for (let i = 0; i < image.length; i++) {
      const v = image[i]! + centre;
      if (v < 0 || v > 255) throw new CorruptStreamError(`corrupt stream: decoded pixel value ${v} outside 0..255`);
      pixels[i] = v;
    }
    return pixels;
  }
}
