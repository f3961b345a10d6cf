/**
 * Developer measurement for issue 9: the training cost of the HexaConv WideResNets at candidate parameter budgets.
 * For each budget and group: parameters, multiply-adds per image (forward), and the measured training cost (full
 * steps through the data-parallel pool: input pipeline, forward, backward) on random images. Two clocks:
 * wall time, and the process's CPU time (all threads), which on a machine shared with other jobs still says what
 * one dedicated core would take. Seconds per epoch on two idle cores are estimated as CPU seconds per image * epoch
 * images / 2 (CIFAR-10: 45,000 training images). One JSON line per measurement on stdout.
 * With --dataset folder the images are 64 x 64 with 30 classes (the AID template) and an epoch is --epoch-images
 * (default 7,200: AID's 10,000 images less the 20% test and 10% validation).
 * Usage: node dist/scripts/hexaconv-cost.js [--budgets 60000,120000] [--groups z2,hex,p6] [--workers 1]
 *   [--batch 50] [--steps 4] [--blocks N] [--dataset cifar10|folder] [--epoch-images N]
 */
import { parseArgs } from 'node:util';
import { Random } from '../src/core/random.js';
import { makeDataset } from '../src/data/dataset.js';
import { configureLog } from '../src/core/log.js';
import { isGroupName, type GroupName } from '../src/research/hexaconv/point-groups.js';
import { wrnMultiplyAdds, wrnParamCount, normLayers, wrnLayout } from '../src/research/hexaconv/wrn-spec.js';
import { wrnSpecForBudget, wrnTemplate } from '../src/research/hexaconv/wrn-presets.js';
import { initialWrnParams } from '../src/research/hexaconv/initial-params.js';
import { wrnParams } from '../src/research/hexaconv/wrn-spec.js';
import { initialRunning } from '../src/research/hexaconv/wrn-checkpoint.js';
import { WrnPool } from '../src/research/hexaconv/wrn-pool.js';

const { values } = parseArgs({
  options: {
    budgets: { type: 'string', default: '60000' },
    groups: { type: 'string', default: 'z2,hex,p6' },
    workers: { type: 'string', default: '1' },
    batch: { type: 'string', default: '50' },
    steps: { type: 'string', default: '4' },
    blocks: { type: 'string' },
    dataset: { type: 'string', default: 'cifar10' },
    'epoch-images': { type: 'string' },
  },
});
if (values.dataset !== 'cifar10' && values.dataset !== 'folder') throw new Error(`--dataset cifar10 or folder, not ${values.dataset}`);
const dataset = values.dataset;
const side = dataset === 'cifar10' ? 32 : 64;
const classes = dataset === 'cifar10' ? 10 : 30;
configureLog('warn', false);
const workers = Number(values.workers);
const batch = Number(values.batch);
const steps = Number(values.steps);
const EPOCH_IMAGES = Number(values['epoch-images'] ?? (dataset === 'cifar10' ? 45_000 : 7_200));

const random = new Random(1);
const count = batch * 2;
const images = makeDataset({
  name: 'random',
  count,
  height: side,
  width: side,
  channels: 3,
  images: Uint8Array.from({ length: count * side * side * 3 }, () => random.nextInt(256)),
  labels: Uint16Array.from({ length: count }, () => random.nextInt(classes)),
});

for (const budget of values.budgets.split(',').map(Number)) {
  for (const group of values.groups.split(',')) {
    if (!isGroupName(group)) throw new Error(`unknown group ${group}`);
    const spec = wrnSpecForBudget(group as GroupName, wrnTemplate(dataset, classes, values.blocks === undefined ? undefined : Number(values.blocks)), budget);
    const pool = await WrnPool.start({
      workers,
      backend: 'wasm',
      spec,
      params: initialWrnParams(wrnParams(spec), 1),
      running: initialRunning(spec),
      normChannels: normLayers(wrnLayout(spec)).map((n) => n.channels),
      images,
      normalisation: { mean: [125, 123, 114], std: [63, 62, 66] },
    });
    const grad = new Float32Array(wrnParamCount(spec));
    const moments = new Float32Array(initialRunning(spec).length);
    const indices = [...Array(batch).keys()];
    const augmentations = indices.map(() => ({ flip: false, dx: 0, dy: 0 }));
    await pool.step(indices, augmentations, grad, moments); // warm-up: first-call compilation and allocation
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let s = 0; s < steps; s++) await pool.step(indices, augmentations, grad, moments);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    await pool.close();
    const measured = steps * batch;
    const cpuSecondsPerImage = (cpu.user + cpu.system) / 1e6 / measured;
    console.log(JSON.stringify({
      dataset, budget, group, widths: spec.widths, params: wrnParamCount(spec), forwardMultiplyAdds: wrnMultiplyAdds(spec), workers, batch, steps,
      wallSecondsPerImage: Number((seconds / measured).toFixed(4)), cpuSecondsPerImage: Number(cpuSecondsPerImage.toFixed(4)),
      estimatedEpochSecondsTwoCores: Math.round((cpuSecondsPerImage * EPOCH_IMAGES) / 2),
    }));
  }
}
