/**
 * The named parameters of an architecture, in a fixed order, with shapes and initialisation hints. Training stores
 * them as one flat float32 vector in this order; export reads them back by name. Conv kernels are [kh, kw, in, out]
 * (tfjs NHWC filter layout), biases [out].
 */

/** How a parameter starts (hints for the trainer). */
export type ParamInit =
  | { readonly kind: 'he'; readonly gain?: number } // normal, std = gain * sqrt(2 / fan_in)
  | { readonly kind: 'zeros' }
  | { readonly kind: 'values'; readonly values: readonly number[] }; // repeated to fill the shape

/** One parameter. */
export interface ParamInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: ParamInit;
  /**
   * Conv kernels only: a k * k tap mask [ky][kx] (1 kept, 0 removed). Removed taps are stored in the flat vector
   * (as zeros) but multiplied by 0 in the graph, so they never matter and are not counted as parameters.
   */
  readonly taps?: readonly number[];
  /**
   * Conv kernels only: the kernel is binarised in the graph (sign, +1 at 0) and multiplied by the per-output-channel
   * scale `<layer>.s`; the stored floats are latent weights that only the straight-through gradient sees.
   */
  readonly binary?: boolean;
}

/** Number of elements of a shape. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Total number of scalars in a parameter list. */
export function paramCount(params: readonly ParamInfo[]): number {
  return params.reduce((sum, p) => sum + shapeSize(p.shape), 0);
}

/**
 * Parameters that matter: like paramCount, but masked taps (`taps`) are not counted. A binary kernel's weights are
 * counted one each (they take one bit each in a model file; see binaryWeightCount).
 */
export function effectiveParamCount(params: readonly ParamInfo[]): number {
  return params.reduce((sum, p) => {
    if (!p.taps) return sum + shapeSize(p.shape);
    const kept = p.taps.filter((t) => t !== 0).length;
    return sum + (shapeSize(p.shape) / p.taps.length) * kept;
  }, 0);
}

/** Number of binary (+-1) weights in a parameter list. */
export function binaryWeightCount(params: readonly ParamInfo[]): number {
  return params.reduce((sum, p) => sum + (p.binary ? shapeSize(p.shape) : 0), 0);
}

/** Offsets of each parameter in the flat vector, by name. */
export function paramOffsets(params: readonly ParamInfo[]): Map<string, { offset: number; size: number; shape: readonly number[] }> {
  const offsets = new Map<string, { offset: number; size: number; shape: readonly number[] }>();
  let offset = 0;
  for (const p of params) {
    const size = shapeSize(p.shape);
    offsets.set(p.name, { offset, size, shape: p.shape });
    offset += size;
  }
  return offsets;
}
