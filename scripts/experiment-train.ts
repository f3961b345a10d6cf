/**
 * Developer experiment: trains an IDF preset (with optional JSON overrides) on CIFAR-10 for a few minutes and prints
 * the validation bits/dim, to compare architectures by bpd per CPU-minute.
 * Usage: node dist/scripts/experiment-train.js OUT_DIR MINUTES PRESET ['{"coupling":{...}}'] [lr] [batch]
 */
import { readCifar10 } from '../src/data/cifar10.js';
import { splitValidation } from '../src/data/dataset.js';
import { idfPreset } from '../src/arch/idf-presets.js';
import { trainIdf } from '../src/train/trainer.js';
import { configureLog } from '../src/core/log.js';

const [out = 'runs/exp', minutes = '5', preset = 'small', overrides = '{}', lr = '2e-3', batch = '64', workers = '2'] = process.argv.slice(2);
configureLog('info', false);
const full = await readCifar10('data/cifar-10-batches-bin', 'train');
const { train, validation } = splitValidation(full, { count: 5000 });
const spec = { ...idfPreset(preset, 3, 1), ...JSON.parse(overrides) };
const result = await trainIdf(
  { spec },
  {
    outDir: out,
    train,
    validation,
    batchSize: Number(batch),
    workers: Number(workers),
    backend: 'wasm',
    seed: 1,
    schedule: { learningRate: Number(lr), warmupImages: 5000, decayPerEpoch: 0.95 },
    clipNorm: 100,
    emaDecay: 0.995,
    epochs: null,
    minutes: Number(minutes),
    checkpointMinutes: 1000,
    validateEveryImages: 10000,
    validationLimit: 1000,
    flips: true,
  },
);
console.log(JSON.stringify(result));
