/**
 * The integer inference engine: the ops a flow's coupling and prior networks need, on one kernel set chosen at
 * creation ('wasm' or 'reference'). Every argument is validated here, once, for both kernel sets, so the kernels
 * see only valid input. Invariant: an op's result depends only on its arguments, never on the kernel set, the
 * machine or the thread count (exact integer arithmetic throughout).
 */
import { InternalError, ModelError, UsageError } from '../core/errors.js';
import { checkConvSpec, denseAsConv, type ConvSpec, type DenseSpec } from './conv-spec.js';
import { KERNEL_NAMES, type KernelName, type Kernels, type PreparedConv } from './kernels.js';
import { createReferenceKernels } from './reference/reference-kernels.js';
import { checkRequantization, integerArray, INT16_MAX, INT16_MIN, type Requantization } from './requantize.js';
import { checkTensor, elementTypeOf, tensor16, type ElementType, type Tensor, type Tensor16, type Tensor32,
  type TensorOf } from './tensor.js';
import { DEFAULT_WASM_MEMORY_BYTES, MAX_WASM_MEMORY_BYTES, WASM_PAGE_BYTES } from './wasm/wasm-arena.js';
import { createWasmKernels } from './wasm/wasm-kernels.js';

/** Options of createEngine. */
export interface EngineOptions {
  /** Kernel set (default 'wasm'). Both give identical results; 'reference' is slow and readable. */
  readonly kernel?: KernelName;
  /**
   * WASM linear memory limit in bytes (packed weights of all prepared layers plus the largest op's tensors),
   * WASM_PAGE_BYTES..MAX_WASM_MEMORY_BYTES, default DEFAULT_WASM_MEMORY_BYTES (1 GiB). Ignored by 'reference'.
   */
  readonly maxMemoryBytes?: number;
}

/** A convolution prepared by an engine; use it only with that engine. */
export interface ConvLayer<E extends ElementType = ElementType> {
  readonly name: string;
  readonly kernelSize: number;
  readonly stride: number;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Element type of the output. */
  readonly output: E;
}

/** A dense layer prepared by an engine; use it only with that engine. */
export interface DenseLayer<E extends ElementType = ElementType> {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  /** Element type of the output. */
  readonly output: E;
}

/**
 * Creates an engine. Layers it prepares live (in WASM memory) as long as the engine: make one engine per model.
 * An engine is single-threaded; use one per worker.
 * @throws UsageError for an unknown kernel name or a memory limit out of range; InternalError when the WASM
 *   module was not built
 */
export function createEngine(options: EngineOptions = {}): Engine {
  const kernel = options.kernel ?? 'wasm';
  if (!KERNEL_NAMES.includes(kernel)) {
    throw new UsageError(`Expected a kernel in ${KERNEL_NAMES.join(', ')} but received "${String(kernel)}"`);
  }
  const maxMemoryBytes = options.maxMemoryBytes ?? DEFAULT_WASM_MEMORY_BYTES;
  if (!Number.isInteger(maxMemoryBytes) || maxMemoryBytes < WASM_PAGE_BYTES || maxMemoryBytes > MAX_WASM_MEMORY_BYTES) {
    throw new UsageError(`Expected an engine memory limit of ${WASM_PAGE_BYTES}..${MAX_WASM_MEMORY_BYTES} bytes ` +
      `but received ${maxMemoryBytes}`);
  }
  return new Engine(kernel === 'wasm' ? createWasmKernels(maxMemoryBytes) : createReferenceKernels());
}

/** Integer ops on HWC tensors (see src/engine/README.md for every op's exact definition). */
export class Engine {
  private readonly prepared = new WeakMap<object, PreparedConv>();

  /** Use createEngine. */
  constructor(private readonly kernels: Kernels) {}

  /** The kernel set this engine runs on. */
  get kernel(): KernelName {
    return this.kernels.name;
  }

  /**
   * Validates a k x k convolution (1x1 included), applies its tap mask and packs its weights.
   * @throws ModelError on an invalid spec; LimitError when the engine's memory limit is reached
   */
  prepareConv<E extends ElementType>(spec: ConvSpec<E>): ConvLayer<E> {
    const conv = checkConvSpec(spec);
    const layer: ConvLayer<E> = Object.freeze({ name: conv.name, kernelSize: conv.kernelSize, stride: conv.stride,
      inChannels: conv.inChannels, outChannels: conv.outChannels, output: spec.requant.output });
    this.prepared.set(layer, this.kernels.prepareConv(conv));
    return layer;
  }

  /**
   * Validates and packs a dense layer (run as a 1x1 convolution over the flattened input).
   * @throws ModelError on an invalid spec; LimitError when the engine's memory limit is reached
   */
  prepareDense<E extends ElementType>(spec: DenseSpec<E>): DenseLayer<E> {
    const conv = checkConvSpec(denseAsConv(spec));
    const layer: DenseLayer<E> = Object.freeze({ name: conv.name, inputs: conv.inChannels,
      outputs: conv.outChannels, output: spec.requant.output });
    this.prepared.set(layer, this.kernels.prepareConv(conv));
    return layer;
  }

  /**
   * 'Same' convolution (TensorFlow padding: output ceil(height / stride) x ceil(width / stride)).
   * @param x int16 tensor with layer.inChannels channels
   * @throws ModelError when x does not fit the layer; LimitError when it does not fit the engine's memory
   */
  conv2d<E extends ElementType>(layer: ConvLayer<E>, x: Tensor16): TensorOf<E> {
    const prepared = this.preparedOf(layer);
    checkActivation(x, `${layer.name} input`);
    if (x.channels !== layer.inChannels) {
      throw new ModelError(`${layer.name}: expects ${layer.inChannels} input channels but received ` +
        `${x.height}x${x.width}x${x.channels}; check the model against its architecture`);
    }
    return this.kernels.conv2d(prepared, x) as TensorOf<E>;
  }

  /**
   * Dense layer over x flattened in HWC order; the result is 1 x 1 x outputs.
   * @param x int16 tensor of height * width * channels === layer.inputs elements
   * @throws ModelError when x does not fit the layer
   */
  dense<E extends ElementType>(layer: DenseLayer<E>, x: Tensor16): TensorOf<E> {
    const prepared = this.preparedOf(layer);
    checkActivation(x, `${layer.name} input`);
    if (x.data.length !== layer.inputs) {
      throw new ModelError(`${layer.name}: expects ${layer.inputs} inputs but received ` +
        `${x.height}x${x.width}x${x.channels}; check the model against its architecture`);
    }
    return this.kernels.conv2d(prepared, tensor16(1, 1, layer.inputs, x.data)) as TensorOf<E>;
  }

  /**
   * Requantises an int32 tensor per channel: clamp(floor((x * M[c] + 2^(s[c]-1)) / 2^s[c]), lo, hi).
   * @throws ModelError on an invalid requantisation or one whose channel count differs from x's
   */
  requantize<E extends ElementType>(x: Tensor32, rq: Requantization<E>): TensorOf<E> {
    checkTensor(x, 'requantize input');
    if (!(x.data instanceof Int32Array)) throw new ModelError('requantize: the input must be an int32 tensor');
    return this.kernels.requantize(x, checkRequantization(rq, x.channels, 'requantize')) as TensorOf<E>;
  }

  /**
   * Saturating add: clamp(a + b, lo, hi), the sum taken exactly.
   * @param lo inclusive lower bound, default -32768
   * @param hi inclusive upper bound, default 32767
   * @throws ModelError when shapes differ or the bounds are not integers with -32768 <= lo <= hi <= 32767
   */
  add(a: Tensor16, b: Tensor16, lo = INT16_MIN, hi = INT16_MAX): Tensor16 {
    checkActivation(a, 'add input a');
    checkActivation(b, 'add input b');
    if (a.height !== b.height || a.width !== b.width || a.channels !== b.channels) {
      throw new ModelError(`add: shapes differ (${shape(a)} and ${shape(b)})`);
    }
    checkBounds(lo, hi, 'add');
    return this.kernels.addClamp(a, b, lo, hi);
  }

  /**
   * clamp(x, lo, hi) elementwise.
   * @throws ModelError unless -32768 <= lo <= hi <= 32767 are integers
   */
  clamp(x: Tensor16, lo: number, hi: number): Tensor16 {
    checkActivation(x, 'clamp input');
    checkBounds(lo, hi, 'clamp');
    return this.kernels.clamp(x, lo, hi);
  }

  /** ReLU: clamp(x, 0, 32767). */
  relu(x: Tensor16): Tensor16 {
    return this.clamp(x, 0, INT16_MAX);
  }

  /**
   * The IDF squeeze (space-to-depth 2x2, as tf.spaceToDepth(x, 2) on NHWC):
   * out[y][x][(dy * 2 + dx) * C + c] = in[2y + dy][2x + dx][c].
   * @throws ModelError when height or width is odd
   */
  squeeze<A extends Int16Array | Int32Array>(x: Tensor<A>): Tensor<A> {
    checkTensor(x, 'squeeze input');
    if (x.height % 2 !== 0 || x.width % 2 !== 0) {
      throw new ModelError(`squeeze: height and width must be even but the input is ${shape(x)}; pad the image to a ` +
        'multiple of 2^levels');
    }
    return this.kernels.squeeze(x) as Tensor<A>;
  }

  /**
   * The inverse of squeeze (depth-to-space 2x2, as tf.depthToSpace(x, 2) on NHWC).
   * @throws ModelError when channels is not a multiple of 4
   */
  unsqueeze<A extends Int16Array | Int32Array>(x: Tensor<A>): Tensor<A> {
    checkTensor(x, 'unsqueeze input');
    if (x.channels % 4 !== 0) throw new ModelError(`unsqueeze: channels must be a multiple of 4 but the input is ${shape(x)}`);
    return this.kernels.unsqueeze(x) as Tensor<A>;
  }

  /**
   * Gathers channels: out channel j = x channel indices[j]. A permutation of 0..C-1 permutes the channels (see
   * inversePermutation for the way back).
   * @throws ModelError when indices is empty or holds a value outside 0..C-1
   */
  gatherChannels<A extends Int16Array | Int32Array>(x: Tensor<A>, indices: ArrayLike<number>): Tensor<A> {
    checkTensor(x, 'gatherChannels input');
    if (indices.length < 1) throw new ModelError('gatherChannels: needs at least one index');
    const checked = integerArray(indices, indices.length, 0, x.channels - 1, 'gatherChannels: index');
    return this.kernels.gatherChannels(x, checked) as Tensor<A>;
  }

  /**
   * Concatenates along channels, in order.
   * @throws ModelError when there are no parts or their height, width or element type differ
   */
  concatChannels<A extends Int16Array | Int32Array>(parts: readonly Tensor<A>[]): Tensor<A> {
    if (parts.length < 1) throw new ModelError('concatChannels: needs at least one tensor');
    const first = parts[0]!;
    parts.forEach((part, i) => {
      checkTensor(part, `concatChannels part ${i}`);
      if (part.height !== first.height || part.width !== first.width || elementTypeOf(part) !== elementTypeOf(first)) {
        throw new ModelError(`concatChannels: part ${i} is ${elementTypeOf(part)} ${shape(part)} but part 0 is ` +
          `${elementTypeOf(first)} ${shape(first)}`);
      }
    });
    return this.kernels.concatChannels(parts) as Tensor<A>;
  }

  /**
   * Channels start..end-1.
   * @throws ModelError unless 0 <= start < end <= channels are integers
   */
  sliceChannels<A extends Int16Array | Int32Array>(x: Tensor<A>, start: number, end: number): Tensor<A> {
    checkTensor(x, 'sliceChannels input');
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > x.channels) {
      throw new ModelError(`sliceChannels: range ${start}..${end} must satisfy 0 <= start < end <= ${x.channels}`);
    }
    return this.kernels.sliceChannels(x, start, end - start) as Tensor<A>;
  }

  private preparedOf(layer: ConvLayer | DenseLayer): PreparedConv {
    const prepared = this.prepared.get(layer);
    if (prepared === undefined) {
      throw new InternalError(`internal error: layer ${layer.name} was not prepared by this engine`);
    }
    return prepared;
  }
}

/**
 * The inverse of a channel permutation: gathering with it undoes gathering with `permutation`.
 * @throws ModelError when `permutation` is not a permutation of 0..n-1
 */
export function inversePermutation(permutation: ArrayLike<number>): Int32Array {
  const n = permutation.length;
  const checked = integerArray(permutation, n, 0, n - 1, 'permutation');
  const inverse = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (inverse[checked[i]!] !== -1) {
      throw new ModelError(`permutation: value ${checked[i]} appears twice; the model's permutation is corrupt`);
    }
    inverse[checked[i]!] = i;
  }
  return inverse;
}

function checkActivation(x: Tensor, what: string): void {
  checkTensor(x, what);
  if (!(x.data instanceof Int16Array)) throw new ModelError(`${what}: must be an int16 activation tensor`);
}

function checkBounds(lo: number, hi: number, what: string): void {
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < INT16_MIN || hi > INT16_MAX || lo > hi) {
    throw new ModelError(`${what}: bounds [${lo}, ${hi}] must be integers with ${INT16_MIN} <= lo <= hi <= ${INT16_MAX}`);
  }
}

function shape(x: Tensor): string {
  return `${x.height}x${x.width}x${x.channels}`;
}
