/**
 * The file of an integer PBNet (`.blrnet`): magic `IDFZBLRN`, format version (u32), header length (u32), a JSON
 * header (spec, weight bits), the payload, and the sha256 of everything before it. The payload holds per layer the
 * weights packed at 1 bit (MAP: 1 = +1, 0 = -1) or 2 bits (ternary: 00 = 0, 01 = +1, 11 = -1), then int32
 * thresholds (hidden layers) or ranks (output layer), little-endian. Invariant: a network is returned only after every field, count, range and
 * the hash have been checked; nothing is allocated from an unchecked length.
 */
import { ModelError } from '../../core/errors.js';
import { sha256, sha256Hex } from '../../core/sha256.js';
import { accumulatorBound, type IntegerHiddenLayer, type IntegerMapNetwork } from './integer-map-network.js';
import { checkBlrnetSpec, resolveLayers, type BlrnetSpec } from './blrnet-spec.js';

const MAGIC = 'IDFZBLRN';
const VERSION = 1;
const PREFIX_BYTES = 8 + 4 + 4;
const HASH_BYTES = 32;
const MAX_HEADER_BYTES = 1 << 20;

interface Header {
  readonly spec: BlrnetSpec;
  readonly weightBits: 1 | 2;
}

function packedBytes(count: number, bits: number): number {
  return Math.ceil((count * bits) / 8);
}

function packWeights(weights: Int8Array, bits: 1 | 2): Uint8Array {
  const out = new Uint8Array(packedBytes(weights.length, bits));
  for (let i = 0; i < weights.length; i++) {
    const code = bits === 1 ? (weights[i]! > 0 ? 1 : 0) : weights[i]! === 0 ? 0 : weights[i]! > 0 ? 1 : 3;
    out[(i * bits) >> 3]! |= code << ((i * bits) & 7);
  }
  return out;
}

function unpackWeights(bytes: Uint8Array, count: number, bits: 1 | 2, what: string): Int8Array {
  const out = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const code = (bytes[(i * bits) >> 3]! >> ((i * bits) & 7)) & ((1 << bits) - 1);
    if (bits === 1) out[i] = code === 1 ? 1 : -1;
    else if (code === 2) throw new ModelError(`${what}: weight ${i} has the invalid code 2`);
    else out[i] = code === 0 ? 0 : code === 1 ? 1 : -1;
  }
  return out;
}

function int32Bytes(values: Int32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return out;
}

/** Sizes of every part of the payload, from the spec alone. */
function layout(spec: BlrnetSpec, bits: 1 | 2): { weights: number; values: number; bytes: number }[] {
  return resolveLayers(spec).map((r) => ({
    weights: r.fanIn * r.outChannels,
    values: r.isOutput ? r.outChannels * (2 * accumulatorBound(r) + 1) : r.outChannels,
  })).map((part) => ({ ...part, bytes: packedBytes(part.weights, bits) + part.values * 4 }));
}

/** Serialises an integer network; MAP networks (weights +-1 only) use 1 bit per weight, others 2. */
export function encodeIntegerNetwork(network: IntegerMapNetwork): Uint8Array {
  const all = [...network.hidden.map((h) => h.weights), network.output.weights];
  const bits: 1 | 2 = all.every((w) => w.every((x) => x !== 0)) ? 1 : 2;
  const header = new TextEncoder().encode(JSON.stringify({ spec: network.spec, weightBits: bits } satisfies Header));
  const parts: Uint8Array[] = [header];
  network.hidden.forEach((h) => parts.push(packWeights(h.weights, bits), int32Bytes(h.thresholds)));
  parts.push(packWeights(network.output.weights, bits), int32Bytes(network.output.ranks));
  const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  const out = new Uint8Array(PREFIX_BYTES + body.length + HASH_BYTES);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, header.length, true);
  out.set(body, PREFIX_BYTES);
  out.set(sha256(out.subarray(0, out.length - HASH_BYTES)), out.length - HASH_BYTES);
  return out;
}

/**
 * Parses and validates a `.blrnet` file.
 * @param source file name for messages
 * @throws ModelError for a wrong magic or version, a hash mismatch, a malformed header, sizes that do not match the
 *   spec, or a value out of range
 */
export function decodeIntegerNetwork(bytes: Uint8Array, source: string): IntegerMapNetwork {
  const bad = (what: string) => new ModelError(`${source}: ${what}; re-export it with \`idfz blrnet export\``);
  if (bytes.length < PREFIX_BYTES + HASH_BYTES || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw bad('not an idfz integer PBNet file (bad magic)');
  const hashed = bytes.subarray(0, bytes.length - HASH_BYTES);
  if (sha256Hex(hashed) !== Buffer.from(bytes.subarray(bytes.length - HASH_BYTES)).toString('hex')) throw bad('sha256 mismatch (the file is damaged or truncated)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== VERSION) throw bad(`format version ${view.getUint32(8, true)} is not ${VERSION}`);
  const headerBytes = view.getUint32(12, true);
  const body = hashed.subarray(PREFIX_BYTES);
  if (headerBytes > MAX_HEADER_BYTES || headerBytes > body.length) throw bad(`header length ${headerBytes} is out of range`);
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(body.subarray(0, headerBytes))) as Header;
  } catch (error) {
    throw bad(`header is not JSON (${(error as Error).message})`);
  }
  if (header?.weightBits !== 1 && header?.weightBits !== 2) throw bad(`weightBits ${String(header?.weightBits)} must be 1 or 2`);
  const spec = checkBlrnetSpec(header.spec, source);
  const bits = header.weightBits;
  const parts = layout(spec, bits);
  const expected = headerBytes + parts.reduce((n, p) => n + p.bytes, 0);
  if (body.length !== expected) throw bad(`payload holds ${body.length - headerBytes} bytes but the network needs ${expected - headerBytes}`);
  const resolved = resolveLayers(spec);
  let at = headerBytes;
  const read = (r: (typeof resolved)[number]) => {
    const part = parts[r.index]!;
    const weights = unpackWeights(body.subarray(at, at + packedBytes(part.weights, bits)), part.weights, bits, `${source}: layer ${r.index}`);
    at += packedBytes(part.weights, bits);
    const values = new Int32Array(part.values);
    const data = new DataView(body.buffer, body.byteOffset + at, part.values * 4);
    for (let i = 0; i < part.values; i++) values[i] = data.getInt32(i * 4, true);
    at += part.values * 4;
    return { weights, values };
  };
  const hidden: IntegerHiddenLayer[] = resolved.slice(0, -1).map((r) => {
    const { weights, values } = read(r);
    const bound = accumulatorBound(r);
    values.forEach((t, o) => {
      if (t < -bound || t > bound + 1) throw bad(`layer ${r.index} channel ${o}: threshold ${t} outside [${-bound}, ${bound + 1}]`);
    });
    return { weights, thresholds: values };
  });
  const last = resolved[resolved.length - 1]!;
  const { weights, values: ranks } = read(last);
  const bound = accumulatorBound(last);
  const span = 2 * bound + 1;
  for (let i = 0; i < ranks.length; i++) {
    if (ranks[i]! < 0 || ranks[i]! >= ranks.length) throw bad(`output rank ${i} is ${ranks[i]}, outside [0, ${ranks.length})`);
    if (i % span !== 0 && ranks[i]! < ranks[i - 1]!) throw bad(`output ranks of class ${Math.floor(i / span)} are not monotone`);
  }
  return { spec, hidden, output: { weights, bound, ranks } };
}
