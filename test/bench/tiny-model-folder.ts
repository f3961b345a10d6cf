/**
 * A model folder for the bench's idfz tests: the `tiny` IDF preset with perturbed weights, exported to an integer
 * model (model.idfm + manifest.json) and, when asked, shipped with its float checkpoint in `checkpoint/`, so the
 * float and integer estimates describe the same model.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { idfParams } from '../../src/arch/idf-params.js';
import { idfPreset } from '../../src/arch/idf-presets.js';
import { Random } from '../../src/core/random.js';
import { sha256Hex } from '../../src/core/sha256.js';
import { writeIntegerIdf } from '../../src/engine/integer-idf-file.js';
import { adamaxState } from '../../src/train/adamax.js';
import { startBackend } from '../../src/train/backend.js';
import { saveCheckpoint } from '../../src/train/checkpoint.js';
import { exportIdf } from '../../src/train/export-idf.js';
import { initialParams } from '../../src/train/param-init.js';
import { syntheticImages } from '../helpers/tiny-model.js';

/**
 * Writes `root/<id>/` and returns its path.
 * @param withCheckpoint also write the float checkpoint into `checkpoint/`
 */
export async function writeTinyModelFolder(root: string, id: string, numericId: number, seed: number, withCheckpoint: boolean): Promise<string> {
  await startBackend('wasm');
  const spec = idfPreset('tiny', 3, seed);
  const params = initialParams(idfParams(spec), seed);
  const random = new Random(seed + 1);
  for (let i = 0; i < params.length; i++) params[i]! += random.nextNormal() * 0.05;
  const model = await exportIdf(spec, params, { count: 8, height: 16, width: 16, channels: 3, images: syntheticImages(8, 16, 9) });
  const folder = path.join(root, id);
  mkdirSync(folder, { recursive: true });
  const bytes = writeIntegerIdf(model);
  writeFileSync(path.join(folder, 'model.idfm'), bytes);
  writeFileSync(path.join(folder, 'manifest.json'), JSON.stringify({ id, numericId, file: 'model.idfm', sha256: sha256Hex(bytes), channels: 3, description: 'tiny bench test model' }));
  if (withCheckpoint) {
    saveCheckpoint(path.join(folder, 'checkpoint'), {
      spec,
      params,
      ema: params,
      optimizer: adamaxState(params.length),
      state: { imagesSeen: 0, steps: 0, trainSeconds: 0, randomState: [1, 2, 3, 4], bestValidationBpd: null, settings: {} },
    });
  }
  return folder;
}
