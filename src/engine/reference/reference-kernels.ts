/**
 * The reference kernel set: plain TypeScript, the definition every other kernel set is tested against.
 * Invariant: preparation keeps the validated layer as is (no repacking), so what runs is what was specified.
 */
import type { Kernels } from '../kernels.js';
import { referenceConv2d } from './reference-conv.js';
import { referenceAddClamp, referenceClamp, referenceRequantize } from './reference-elementwise.js';
import { referenceConcatChannels, referenceGatherChannels, referenceSliceChannels, referenceSqueeze,
  referenceUnsqueeze } from './reference-layout.js';

/** Creates the reference kernel set (stateless). */
export function createReferenceKernels(): Kernels {
  return {
    name: 'reference',
    prepareConv: (conv) => ({ conv }),
    conv2d: (layer, x) => referenceConv2d(layer.conv, x),
    requantize: referenceRequantize,
    addClamp: referenceAddClamp,
    clamp: referenceClamp,
    squeeze: referenceSqueeze,
    unsqueeze: referenceUnsqueeze,
    gatherChannels: referenceGatherChannels,
    concatChannels: referenceConcatChannels,
    sliceChannels: referenceSliceChannels,
  };
}
