/**
 * Multiply-add count of an IDF's forward pass for one image, from its parameter list and layout: what a training
 * step (about 3x this) or a coded image costs, to choose architectures by bits/dim per CPU-second.
 */
import { idfLayout, type IdfSpec } from './idf-spec.js';
import { idfParams } from './idf-params.js';
import { shapeSize } from './param-list.js';

/** Forward multiply-adds for one `height` x `width` image (convolutions only; everything else is small). */
export function idfMultiplyAdds(spec: IdfSpec, height: number, width: number): number {
  const layouts = idfLayout(spec, height, width);
  let total = 0;
  for (const param of idfParams(spec)) {
    const match = /^level(\d+)\..*\.w$/.exec(param.name);
    if (!match) continue;
    const layout = layouts[Number(match[1])]!;
    total += layout.height * layout.width * shapeSize(param.shape);
  }
  return total;
}
