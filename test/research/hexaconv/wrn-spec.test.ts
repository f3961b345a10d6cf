import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GROUP_NAMES } from '../../../src/research/hexaconv/point-groups.js';
import { checkWrnSpec, convLayers, normLayers, wrnLayout, wrnMultiplyAdds, wrnParamCount, wrnParams, type WrnSpec } from '../../../src/research/hexaconv/wrn-spec.js';
import { PAPER_BUDGETS, wrnSpecForBudget, wrnTemplate } from '../../../src/research/hexaconv/wrn-presets.js';

const PAPER_WIDTHS = { z2: [15, 31, 61], hex: [17, 35, 69], p4: [8, 16, 30], p4m: [5, 12, 21], p6: [8, 14, 28], p6m: [5, 10, 20] } as const;

function paperSpec(group: keyof typeof PAPER_WIDTHS): WrnSpec {
  return { kind: 'hexaconv-wrn', group, imageSize: 32, imageChannels: 3, classes: 10, blocksPerStage: 4, widths: [...PAPER_WIDTHS[group]], stemStride: 1, kernelSize: 3 };
}

test("the official CIFAR-10 widths give the paper's equal budget of about 0.34 M parameters in every group", () => {
  for (const group of GROUP_NAMES) {
    const count = wrnParamCount(paperSpec(group));
    assert.ok(count > 330_000 && count < 345_000, `${group}: ${count}`);
  }
  // z2: 26 convolutions of 3x3 (and 2 shortcuts) over 15/31/61 channels.
  assert.equal(wrnParamCount(paperSpec('z2')), 338_456);
});

test('cost: about 0.06 G multiply-adds per image for z2 and 0.9 G for p6 on the 37 x 50 grid, as the issue says', () => {
  const z2 = wrnMultiplyAdds(paperSpec('z2'));
  const p6 = wrnMultiplyAdds(paperSpec('p6'));
  assert.ok(z2 > 0.05e9 && z2 < 0.07e9, `z2 ${z2}`);
  assert.ok(p6 > 0.8e9 && p6 < 1.0e9, `p6 ${p6}`);
  // The stem of z2 by hand: 32 * 32 cells * 9 taps * 3 inputs * 15 outputs.
  const stemOnly: WrnSpec = { ...paperSpec('z2'), widths: [15] };
  const layout = wrnLayout(stemOnly);
  assert.equal(convLayers(layout)[0]!.name, 'stem');
});

test('layout: WRN-26 structure, shortcuts where shapes change, parameter names and shapes', () => {
  const spec = paperSpec('p6');
  const layout = wrnLayout(spec);
  assert.equal(layout.blocks.length, 12);
  assert.equal(convLayers(layout).length, 1 + 24 + 2);
  assert.equal(normLayers(layout).length, 25);
  assert.deepEqual(layout.grids.map((g) => [g.rows, g.columns]), [[37, 50], [19, 25], [10, 13]]);
  assert.deepEqual(layout.blocks.filter((b) => b.shortcut).map((b) => b.conv1.name), ['stage1.block0.conv1', 'stage2.block0.conv1']);
  const params = new Map(wrnParams(spec).map((p) => [p.name, p.shape]));
  assert.deepEqual(params.get('stem.w'), [8, 3, 7]); // lifting: one input orientation, 7 hexagon cells
  assert.deepEqual(params.get('stage0.block0.conv1.w'), [8, 8, 42]); // 6 orientations x 7 cells
  assert.deepEqual(params.get('stage1.block0.shortcut.w'), [14, 8, 6]);
  assert.deepEqual(params.get('head.w'), [28, 10]);
  const aid = wrnSpecForBudget('p6m', wrnTemplate('folder', 30), PAPER_BUDGETS.folder);
  assert.deepEqual(wrnLayout(aid).grids.map((g) => [g.rows, g.columns]), [[74, 101], [37, 51], [19, 26], [10, 13]]);
});

test('equal budgets: every group lands within 5% of the budget (10% at 60 k, where a p6m channel is 7% of it)', () => {
  for (const budget of [60_000, 100_000, 340_000]) {
    for (const group of GROUP_NAMES) {
      const spec = wrnSpecForBudget(group, wrnTemplate('cifar10', 10), budget);
      const count = wrnParamCount(spec);
      assert.ok(Math.abs(count - budget) / budget < (budget < 100_000 ? 0.1 : 0.05), `${group} at ${budget}: ${count} (${spec.widths})`);
    }
  }
});

test('checkWrnSpec accepts a valid spec and names the first bad field', () => {
  const good = paperSpec('hex');
  assert.deepEqual(checkWrnSpec(JSON.parse(JSON.stringify(good)), 'x'), good);
  const cases: [Partial<WrnSpec> | null, RegExp][] = [
    [null, /not a HexaConv WideResNet spec/],
    [{ group: 'p3' as never }, /group must be one of/],
    [{ imageSize: 4 }, /imageSize/],
    [{ imageChannels: 2 }, /imageChannels/],
    [{ classes: 1 }, /classes/],
    [{ blocksPerStage: 0 }, /blocksPerStage/],
    [{ widths: [] }, /widths/],
    [{ widths: [4, 0] }, /widths/],
    [{ stemStride: 3 as never }, /stemStride/],
    [{ kernelSize: 4 }, /kernelSize/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => checkWrnSpec(change === null ? null : { ...good, ...change }, 'spec.json'), (error: Error) => error.name === 'ModelError' && message.test(error.message) && error.message.startsWith('spec.json: '));
  }
});
