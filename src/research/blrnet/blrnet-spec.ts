/**
 * Architecture of a probabilistic binary network (PBNet, Peters and Welling 2018) as plain data: the input geometry,
 * the hidden layers (3x3-style 'same' convolutions, optionally followed by 2x2 max-pooling, then dense layers) and
 * the output layer (always dense to `classes`, the last entry of `layers`). Invariant: a checked spec has every
 * pooled map size even, dense layers only after the convolutions, and the output layer last.
 */
import { ModelError } from '../../core/errors.js';

/** A binary convolution ('same' zero padding, stride 1), optionally followed by 2x2 max-pooling. */
export interface BlrnetConvLayer {
  readonly kind: 'conv';
  /** Output channels, 1..4096. */
  readonly filters: number;
  /** Odd kernel size, 1..7. */
  readonly kernelSize: number;
  /** 2x2 stride-2 max-pooling after batch norm (the paper's order: linear, batch norm, max-pool, binarise). */
  readonly pool: boolean;
}

/** A binary dense layer over the flattened (HWC) input. */
export interface BlrnetDenseLayer {
  readonly kind: 'dense';
  /** Outputs, 1..16384. */
  readonly units: number;
}

/** One layer of the network. */
export type BlrnetLayer = BlrnetConvLayer | BlrnetDenseLayer;

/** A whole network. The last layer is the output layer (dense, `classes` units, no binarisation). */
export interface BlrnetSpec {
  readonly kind: 'blrnet';
  /** Input height and width in pixels, 1..1024. */
  readonly height: number;
  readonly width: number;
  /** Input channels: 1 or 3. */
  readonly channels: number;
  /** Classes, 2..1000. */
  readonly classes: number;
  readonly layers: readonly BlrnetLayer[];
}

/** A layer with its input and output shapes resolved. */
export interface ResolvedLayer {
  readonly layer: BlrnetLayer;
  /** Index in spec.layers. */
  readonly index: number;
  /** Input map (dense layers: 1 x 1 x inputs after flattening). */
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  /** Fan-in of one output: k * k * inChannels for a conv, inputs for a dense layer. */
  readonly fanIn: number;
  /** Output map after pooling. */
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  /** Whether this is the output layer. */
  readonly isOutput: boolean;
}

/** Named networks. `mnist` is the paper's 32C3-MP2-64C3-MP2-512FC-10. */
export const BLRNET_PRESETS = ['mnist', 'cifar10', 'tiny'] as const;
export type BlrnetPresetName = (typeof BLRNET_PRESETS)[number];

const conv = (filters: number, pool: boolean): BlrnetConvLayer => ({ kind: 'conv', filters, kernelSize: 3, pool });
const dense = (units: number): BlrnetDenseLayer => ({ kind: 'dense', units });

/**
 * The spec of a preset for images of the given geometry.
 * - `mnist`: 32C3-MP2-64C3-MP2-512FC-10 (the paper's MNIST network, 1.63 M binary weights).
 * - `cifar10`: 32C3-32C3-MP2-64C3-64C3-MP2-128C3-128C3-MP2-512FC-10, a VGG-style network scaled down 4x in width
 *   from the paper's so that it trains on CPU cores (1.34 M binary weights).
 * - `tiny`: 4C3-MP2-8FC-10, for tests.
 * @throws ModelError when the geometry does not fit the preset (see checkBlrnetSpec)
 */
export function blrnetPreset(name: BlrnetPresetName, height: number, width: number, channels: number, classes = 10): BlrnetSpec {
  const layers: Record<BlrnetPresetName, BlrnetLayer[]> = {
    mnist: [conv(32, true), conv(64, true), dense(512), dense(classes)],
    cifar10: [conv(32, false), conv(32, true), conv(64, false), conv(64, true), conv(128, false), conv(128, true), dense(512), dense(classes)],
    tiny: [conv(4, true), dense(8), dense(classes)],
  };
  return checkBlrnetSpec({ kind: 'blrnet', height, width, channels, classes, layers: layers[name] }, `preset ${name}`);
}

function integerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Resolves the shapes of every layer.
 * @param where names the source in error messages
 * @throws ModelError when a pooled map has an odd size
 */
export function resolveLayers(spec: BlrnetSpec, where = 'blrnet'): ResolvedLayer[] {
  let [h, w, c] = [spec.height, spec.width, spec.channels];
  let flat = false;
  return spec.layers.map((layer, index) => {
    const isOutput = index === spec.layers.length - 1;
    if (layer.kind === 'conv') {
      if (layer.pool && (h % 2 !== 0 || w % 2 !== 0)) {
        throw new ModelError(`${where}: layer ${index}: cannot 2x2-pool a ${h}x${w} map (odd size); remove the pool or change the input size`);
      }
      const resolved = { layer, index, inHeight: h, inWidth: w, inChannels: c, fanIn: layer.kernelSize ** 2 * c,
        outHeight: layer.pool ? h / 2 : h, outWidth: layer.pool ? w / 2 : w, outChannels: layer.filters, isOutput };
      [h, w, c] = [resolved.outHeight, resolved.outWidth, resolved.outChannels];
      return resolved;
    }
    const inputs = flat ? c : h * w * c;
    flat = true;
    const resolved = { layer, index, inHeight: 1, inWidth: 1, inChannels: inputs, fanIn: inputs, outHeight: 1, outWidth: 1, outChannels: layer.units, isOutput };
    [h, w, c] = [1, 1, layer.units];
    return resolved;
  });
}

/**
 * Validates a spec read from a file or built in code.
 * @param where names the source in error messages
 * @throws ModelError naming the offending field
 */
export function checkBlrnetSpec(spec: BlrnetSpec, where: string): BlrnetSpec {
  const bad = (what: string) => new ModelError(`${where}: ${what}`);
  if (spec === null || typeof spec !== 'object' || spec.kind !== 'blrnet') throw bad('not a blrnet spec ("kind": "blrnet")');
  if (!integerIn(spec.height, 1, 1024) || !integerIn(spec.width, 1, 1024)) throw bad(`input size ${spec.height}x${spec.width} must be 1..1024 on each side`);
  if (spec.channels !== 1 && spec.channels !== 3) throw bad(`input channels ${spec.channels} must be 1 or 3`);
  if (!integerIn(spec.classes, 2, 1000)) throw bad(`classes ${spec.classes} must be an integer 2..1000`);
  if (!Array.isArray(spec.layers) || spec.layers.length < 1 || spec.layers.length > 64) throw bad('layers must be a list of 1..64 layers');
  let seenDense = false;
  spec.layers.forEach((layer, i) => {
    if (layer?.kind === 'conv') {
      if (seenDense) throw bad(`layer ${i}: a convolution cannot follow a dense layer`);
      if (!integerIn(layer.filters, 1, 4096)) throw bad(`layer ${i}: filters ${layer.filters} must be 1..4096`);
      if (!integerIn(layer.kernelSize, 1, 7) || layer.kernelSize % 2 === 0) throw bad(`layer ${i}: kernelSize ${layer.kernelSize} must be odd, 1..7`);
      if (typeof layer.pool !== 'boolean') throw bad(`layer ${i}: pool must be true or false`);
    } else if (layer?.kind === 'dense') {
      seenDense = true;
      if (!integerIn(layer.units, 1, 16384)) throw bad(`layer ${i}: units ${layer.units} must be 1..16384`);
    } else {
      throw bad(`layer ${i}: kind must be "conv" or "dense"`);
    }
  });
  const last = spec.layers[spec.layers.length - 1]!;
  if (last.kind !== 'dense' || last.units !== spec.classes) throw bad(`the last layer must be dense with ${spec.classes} units (the output layer)`);
  resolveLayers(spec, where);
  return spec;
}

/** A short text form of the layers, e.g. `32C3-MP2-64C3-MP2-512FC-10`. */
export function describeBlrnet(spec: BlrnetSpec): string {
  return spec.layers
    .map((layer, i) => {
      if (layer.kind === 'conv') return `${layer.filters}C${layer.kernelSize}${layer.pool ? '-MP2' : ''}`;
      return i === spec.layers.length - 1 ? `${layer.units}` : `${layer.units}FC`;
    })
    .join('-');
}
