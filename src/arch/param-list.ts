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
}

/** Number of elements of a shape. */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Total number of scalars in a parameter list. */
export function paramCount(params: readonly ParamInfo[]): number {
  return params.reduce((sum, p) => sum + shapeSize(p.shape), 0);
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
