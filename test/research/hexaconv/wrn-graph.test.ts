import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { startBackend } from '../../../src/train/backend.js';
import { Random } from '../../../src/core/random.js';
import { paramOffsets } from '../../../src/arch/param-list.js';
import { pointGroup, type GroupName } from '../../../src/research/hexaconv/point-groups.js';
import { normLayers, wrnParams, type WrnSpec } from '../../../src/research/hexaconv/wrn-spec.js';
import { initialWrnParams } from '../../../src/research/hexaconv/initial-params.js';
import { WrnGraph, type NormMode } from '../../../src/research/hexaconv/wrn-graph.js';
import type { BatchMoments } from '../../../src/research/hexaconv/group-layers.js';
import { discGrid, maxDifference, transformMap } from './group-maps.js';

const TOLERANCE = 1e-5;

function specFor(group: GroupName): WrnSpec {
  return { kind: 'hexaconv-wrn', group, imageSize: 9, imageChannels: 3, classes: 5, blocksPerStage: 1, widths: [2, 3, 4], stemStride: 1, kernelSize: 3 };
}

/** Parameters with every bias, gamma and beta moved off its initial value, so no term is trivially zero. */
function randomParams(spec: WrnSpec, seed: number): Map<string, tf.Tensor> {
  const infos = wrnParams(spec);
  const flat = initialWrnParams(infos, seed);
  const random = new Random(seed + 1);
  const params = new Map<string, tf.Tensor>();
  for (const [name, { offset, size, shape }] of paramOffsets(infos)) {
    const values = flat.slice(offset, offset + size);
    if (!name.endsWith('.w')) for (let i = 0; i < size; i++) values[i]! += 0.3 * random.nextNormal();
    params.set(name, tf.tensor(values, [...shape]));
  }
  return params;
}

function runningMoments(graph: WrnGraph, seed: number): Map<string, BatchMoments> {
  const random = new Random(seed);
  const running = new Map<string, BatchMoments>();
  for (const norm of normLayers(graph.layout)) {
    const mean = Float32Array.from({ length: norm.channels }, () => 0.2 * random.nextNormal());
    const variance = Float32Array.from({ length: norm.channels }, () => 0.5 + random.nextFloat());
    running.set(norm.name, { mean: tf.tensor1d(mean), variance: tf.tensor1d(variance) });
  }
  return running;
}

function maskedInput(graph: WrnGraph, count: number, seed: number): { data: Float32Array; shape: number[] } {
  const grid = graph.layout.grids[0]!;
  const shape = [count, grid.rows, grid.columns, graph.spec.imageChannels];
  const random = new Random(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) {
    const cell = Math.floor(i / shape[3]!) % (grid.rows * grid.columns);
    data[i] = grid.mask[cell] ? random.nextNormal() : 0;
  }
  return { data, shape };
}

/** Every block output and the logits, as plain arrays, with their shapes. */
function outputs(graph: WrnGraph, params: Map<string, tf.Tensor>, input: Float32Array, shape: number[], mode: NormMode): Map<string, { data: Float32Array; shape: number[] }> {
  const result = new Map<string, { data: Float32Array; shape: number[] }>();
  tf.tidy(() => {
    const logits = graph.forward(params, tf.tensor4d(input, shape as [number, number, number, number]), mode, (name, value) => {
      result.set(name, { data: value.dataSync() as Float32Array, shape: value.shape });
    });
    result.set('logits', { data: logits.dataSync() as Float32Array, shape: logits.shape });
  });
  return result;
}

for (const groupName of ['p4', 'p4m', 'p6', 'p6m'] as const) {
  test(`${groupName} WideResNet: every block's output transforms as the group prescribes and the logits are invariant`, async () => {
    await startBackend('wasm');
    const spec = specFor(groupName);
    const group = pointGroup(groupName);
    const graph = new WrnGraph(spec, discGrid(group.lattice, 4));
    const params = randomParams(spec, 7);
    const running = runningMoments(graph, 9);
    const { data, shape } = maskedInput(graph, 2, 11);
    let worst = 0;
    for (const mode of [{ kind: 'train' }, { kind: 'infer', running }] as NormMode[]) {
      const reference = outputs(graph, params, data, shape, mode);
      assert.ok(maxDifference(reference.get('logits')!.data, new Float32Array(10)) > 1e-3, 'logits are not trivially zero');
      for (let g = 1; g < group.size; g++) {
        const moved = outputs(graph, params, transformMap(data, shape, group, g, 1), shape, mode);
        for (const [name, value] of reference) {
          const expected = name === 'logits' ? value.data : name === 'pooled' ? value.data : transformMap(value.data, value.shape, group, g, group.size);
          // The residual stream grows to |h| ~ 16 here, where one float32 ulp is 2e-6 and a convolution summed in
          // another order differs by a few: block outputs are compared relative to their largest magnitude (at least
          // 1), the logits and pooled features absolutely.
          const scale = name === 'logits' || name === 'pooled' ? 1 : Math.max(1, ...value.data.map(Math.abs));
          const error = maxDifference(moved.get(name)!.data, expected) / scale;
          worst = Math.max(worst, error);
          assert.ok(error <= TOLERANCE, `${groupName} ${mode.kind} element ${g} ${name}: max error ${error} (scale ${scale})`);
        }
      }
    }
    graph.dispose();
    tf.dispose([...params.values(), ...[...running.values()].flatMap((m) => [m.mean, m.variance])]);
    assert.ok(worst <= TOLERANCE);
  });
}
