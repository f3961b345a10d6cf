/**
 * The integer model file (`.idfm`): what `idfz export` writes and the codec loads. Layout (little-endian):
 *   0  "IDFM"   4  version u8 (1 or 2)   5  three zero bytes   8  header length H u32   12  UTF-8 JSON header (H bytes)
 *   12+H  per layer, in header order: weights, int32 bias [out], u16 multipliers [out], u8 shifts [out]; nothing
 *         after the last layer. Weights are int8 [k][k][in][out], or, for a layer whose header entry has
 *         "weightBits": 1 (version 2 only), ceil(n / 8) bytes of packed +-1 weights: weight i (same order) is bit
 *         i % 8 (least significant first) of byte floor(i / 8), 1 = +1, 0 = -1; unused high bits of the last byte 0.
 * The writer packs the layers of `binary` networks whose weights are all +-1 and writes version 2 only then, so a
 * model without packed layers is byte-identical to a version-1 file and every version-1 file keeps its meaning.
 * The header holds the architecture (with its permutations), the layer list, the integer top prior and the scale
 * range. Every field is checked against the architecture before anything is allocated from it. Tap masks (the `hex`
 * family) are not stored: they follow from the architecture, and masked taps are stored as 0.
 */
import { ModelError } from '../core/errors.js';
import { checkIdfSpec, idfLayout, sizeMultiple, type IdfSpec } from '../arch/idf-spec.js';
import { idfParams } from '../arch/idf-params.js';
import type { ParamInfo } from '../arch/param-list.js';
import type { ConvSpec, ElementType } from './index.js';
import { MU_Q_LIMIT, type IntegerIdfModel } from './integer-idf-model.js';

const MAGIC = 'IDFM';
/** Version of files without packed layers; PACKED_VERSION adds "weightBits": 1 layers. */
const VERSION = 1;
const PACKED_VERSION = 2;
const MAX_HEADER_BYTES = 1 << 24;

interface LayerHeader {
  name: string;
  kernelSize: number;
  inChannels: number;
  outChannels: number;
  lo: number;
  hi: number;
  output: ElementType;
  /** 1: packed +-1 weights (version 2); absent: int8. */
  weightBits?: 1;
}

interface FileHeader {
  spec: IdfSpec;
  scaleIndexRange: { min: number; max: number };
  top: { muQ: number[]; scaleIndex: number[]; logitQ: number[] };
  layers: LayerHeader[];
}

function weightCount(layer: Pick<LayerHeader, 'kernelSize' | 'inChannels' | 'outChannels'>): number {
  return layer.kernelSize * layer.kernelSize * layer.inChannels * layer.outChannels;
}

function weightBytes(layer: Pick<LayerHeader, 'kernelSize' | 'inChannels' | 'outChannels' | 'weightBits'>): number {
  return layer.weightBits === 1 ? Math.ceil(weightCount(layer) / 8) : weightCount(layer);
}

function layerBytes(layer: Pick<LayerHeader, 'kernelSize' | 'inChannels' | 'outChannels' | 'weightBits'>): number {
  return weightBytes(layer) + layer.outChannels * (4 + 2 + 1);
}

/** Packs +-1 weights one bit each (1 = +1), least significant bit first. */
function packSigns(weights: Int8Array): Uint8Array {
  const packed = new Uint8Array(Math.ceil(weights.length / 8));
  for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) packed[i >> 3]! |= 1 << (i & 7);
  return packed;
}

/** Unpacks n +-1 weights; null when a padding bit of the last byte is set. */
function unpackSigns(packed: Uint8Array, n: number): Int8Array | null {
  const weights = new Int8Array(n);
  for (let i = 0; i < n; i++) weights[i] = (packed[i >> 3]! >> (i & 7)) & 1 ? 1 : -1;
  return n % 8 !== 0 && packed[packed.length - 1]! >> (n % 8) !== 0 ? null : weights;
}

/** Names of the layers whose kernels are binary in the architecture. */
function binaryLayers(spec: IdfSpec): Set<string> {
  return new Set(idfParams(spec).filter((p) => p.binary).map((p) => p.name.slice(0, -2)));
}

/** Serialises an integer model. */
export function writeIntegerIdf(model: IntegerIdfModel): Uint8Array {
  const layers = [...model.layers.values()];
  const binary = binaryLayers(model.spec);
  const packed = new Set(layers.filter((l) => binary.has(l.name!) && l.weights.every((w) => w === 1 || w === -1)).map((l) => l.name!));
  const header: FileHeader = {
    spec: model.spec,
    scaleIndexRange: model.scaleIndexRange,
    top: { muQ: [...model.top.muQ], scaleIndex: [...model.top.scaleIndex], logitQ: [...model.top.logitQ] },
    layers: layers.map((l) => ({ name: l.name!, kernelSize: l.kernelSize, inChannels: l.inChannels, outChannels: l.outChannels, lo: l.requant.lo, hi: l.requant.hi, output: l.requant.output, ...(packed.has(l.name!) ? { weightBits: 1 as const } : {}) })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const total = 12 + json.length + header.layers.reduce((sum, l) => sum + layerBytes(l), 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  bytes[4] = packed.size > 0 ? PACKED_VERSION : VERSION;
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  let at = 12 + json.length;
  for (const l of layers) {
    const weights = packed.has(l.name!) ? packSigns(l.weights) : new Uint8Array(l.weights.buffer, l.weights.byteOffset, l.weights.length);
    bytes.set(weights, at);
    at += weights.length;
    for (let o = 0; o < l.outChannels; o++, at += 4) view.setInt32(at, Number(l.bias?.[o] ?? 0), true);
    for (let o = 0; o < l.outChannels; o++, at += 2) view.setUint16(at, Number(l.requant.multipliers[o]), true);
    for (let o = 0; o < l.outChannels; o++, at += 1) bytes[at] = Number(l.requant.shifts[o]);
  }
  return bytes;
}

/** Conv layer names and shapes the architecture requires, from its parameter list. */
function expectedLayers(spec: IdfSpec): Map<string, ParamInfo> {
  const expected = new Map<string, ParamInfo>();
  for (const p of idfParams(spec)) if (p.name.endsWith('.w')) expected.set(p.name.slice(0, -2), p);
  return expected;
}

function intArray(values: unknown, length: number, lo: number, hi: number, what: string, source: string): Int32Array {
  if (!Array.isArray(values) || values.length !== length || values.some((v) => !Number.isInteger(v) || v < lo || v > hi)) {
    throw new ModelError(`${source}: ${what} must be ${length} integers in ${lo}..${hi}`);
  }
  return Int32Array.from(values as number[]);
}

/**
 * Parses a model file.
 * @param source file name for messages
 * @throws ModelError when any field is malformed or does not match the architecture
 */
export function readIntegerIdf(bytes: Uint8Array, source: string): IntegerIdfModel {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) throw new ModelError(`${source}: not an idfz integer model (no IDFM magic)`);
  const version = bytes[4]!;
  if ((version !== VERSION && version !== PACKED_VERSION) || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new ModelError(`${source}: model file version ${version} is not supported (expected ${VERSION} or ${PACKED_VERSION}); a newer idfz may read it`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (headerLength > MAX_HEADER_BYTES || 12 + headerLength > bytes.length) throw new ModelError(`${source}: header length ${headerLength} at byte 8 exceeds the file`);
  let header: FileHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + headerLength))) as FileHeader;
  } catch (error) {
    throw new ModelError(`${source}: model header is not valid JSON (${(error as Error).message})`);
  }
  const spec = checkIdfSpec(header.spec, source);
  const expected = expectedLayers(spec);
  if (!Array.isArray(header.layers) || header.layers.length !== expected.size) throw new ModelError(`${source}: expected ${expected.size} layers for the architecture`);
  let at = 12 + headerLength;
  const layers = new Map<string, ConvSpec>();
  for (const l of header.layers) {
    const param = expected.get(l?.name);
    if (!param || layers.has(l.name)) throw new ModelError(`${source}: unexpected or repeated layer ${String(l?.name)}`);
    const shape = param.shape;
    if (l.weightBits !== undefined && (l.weightBits !== 1 || version !== PACKED_VERSION)) {
      throw new ModelError(`${source}: layer ${l.name} has weightBits ${String(l.weightBits)}; only 1, and only in a version-${PACKED_VERSION} file`);
    }
    if (l.kernelSize !== shape[0] || l.inChannels !== shape[2] || l.outChannels !== shape[3] || (l.output !== 'int16' && l.output !== 'int32')) {
      throw new ModelError(`${source}: layer ${l.name} does not match the architecture's shape ${shape.join('x')}`);
    }
    const size = layerBytes(l);
    if (at + size > bytes.length) throw new ModelError(`${source}: layer ${l.name} at byte ${at} runs past the end of the file`);
    const stored = weightBytes(l);
    const weights = l.weightBits === 1 ? unpackSigns(bytes.subarray(at, at + stored), weightCount(l)) : new Int8Array(bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + stored));
    if (!weights) throw new ModelError(`${source}: layer ${l.name}: padding bits after the last packed weight at byte ${at + stored - 1} must be 0`);
    at += stored;
    const bias = new Int32Array(l.outChannels);
    for (let o = 0; o < l.outChannels; o++, at += 4) bias[o] = view.getInt32(at, true);
    const multipliers = new Int32Array(l.outChannels);
    for (let o = 0; o < l.outChannels; o++, at += 2) multipliers[o] = view.getUint16(at, true);
    const shifts = new Int32Array(l.outChannels);
    for (let o = 0; o < l.outChannels; o++, at += 1) shifts[o] = bytes[at]!;
    layers.set(l.name, { name: l.name, kernelSize: l.kernelSize, inChannels: l.inChannels, outChannels: l.outChannels, weights, bias, ...(param.taps ? { mask: [...param.taps] } : {}), requant: { multipliers, shifts, lo: l.lo, hi: l.hi, output: l.output } });
  }
  if (at !== bytes.length) throw new ModelError(`${source}: ${bytes.length - at} unexpected bytes after the last layer at byte ${at}`);
  const multiple = sizeMultiple(spec);
  const layouts = idfLayout(spec, multiple, multiple);
  const topSize = spec.topPrior.components * layouts[layouts.length - 1]!.channels;
  const range = header.scaleIndexRange;
  if (!range || !Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 0 || range.max < range.min || range.max > 65535) {
    throw new ModelError(`${source}: invalid scaleIndexRange`);
  }
  const top = {
    muQ: intArray(header.top?.muQ, topSize, -MU_Q_LIMIT, MU_Q_LIMIT, 'top.muQ', source),
    scaleIndex: intArray(header.top?.scaleIndex, topSize, range.min, range.max, 'top.scaleIndex', source),
    logitQ: intArray(header.top?.logitQ, topSize, -(2 ** 20), 2 ** 20, 'top.logitQ', source),
  };
  return { spec, layers, top, scaleIndexRange: { min: range.min, max: range.max } };
}
