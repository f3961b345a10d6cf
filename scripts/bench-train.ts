/**
 * Training throughput benchmark: images/s of the given preset on CIFAR-10-sized data with 1 and with N workers
 * (data parallel), after a warm-up step. Run it on idle cores. Prints one JSON object.
 * Usage: npm run -s bench:train -- [--preset small] [--batch-size 64] [--steps 6] [--workers 2]
 */
import { parseArgs } from 'node:util';
import { idfPreset } from '../src/arch/idf-presets.js';
import { idfParams } from '../src/arch/idf-params.js';
import { idfMultiplyAdds } from '../src/arch/idf-cost.js';
import { initialParams } from '../src/train/param-init.js';
import { WorkerPool } from '../src/train/worker-pool.js';
import { Random } from '../src/core/random.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string', default: 'small' },
    'batch-size': { type: 'string', default: '64' },
    steps: { type: 'string', default: '6' },
    workers: { type: 'string', default: '2' },
  },
});
const spec = idfPreset(values.preset!, 3, 1);
const batchSize = Number(values['batch-size']);
const steps = Number(values.steps);
const random = new Random(1);
const count = batchSize * 4;
const images = new Uint8Array(count * 3072).map(() => random.nextInt(256));

async function imagesPerSecond(workers: number): Promise<number> {
  const params = initialParams(idfParams(spec), 1);
  const pool = await WorkerPool.start({ workers, backend: 'wasm', spec, initialParams: params, images, height: 32, width: 32, channels: 3 });
  const grad = new Float32Array(params.length);
  const batch = (s: number) => [...Array(batchSize).keys()].map((i) => (s * batchSize + i) % count);
  const flips = new Array<boolean>(batchSize).fill(false);
  try {
    await pool.step(batch(0), flips, grad);
    const start = performance.now();
    for (let s = 1; s <= steps; s++) await pool.step(batch(s), flips, grad);
    return (steps * batchSize) / ((performance.now() - start) / 1000);
  } finally {
    await pool.close();
  }
}

const workers = Number(values.workers);
const one = await imagesPerSecond(1);
const many = await imagesPerSecond(workers);
const macs = idfMultiplyAdds(spec, 32, 32);
console.log(
  JSON.stringify({
    preset: values.preset,
    batchSize,
    forwardMegaMacsPerImage: Number((macs / 1e6).toFixed(1)),
    imagesPerSecond1Worker: Number(one.toFixed(2)),
    [`imagesPerSecond${workers}Workers`]: Number(many.toFixed(2)),
    speedup: Number((many / one).toFixed(3)),
    trainingGflopsPerSecond: Number(((many * macs * 2 * 3) / 1e9).toFixed(2)),
  }),
);
