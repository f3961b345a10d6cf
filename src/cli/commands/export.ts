/**
 * `idfz export`: turns a float checkpoint into a shippable integer model folder: `model.idfm` (weights, integer
 * priors, architecture) and `manifest.json` (id, fixed numeric id, sha256, training record).
 */
import { Command, Option } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CommandFactory } from '../command.js';
import { integerIn } from '../option-parsers.js';
import { UsageError } from '../../core/errors.js';
import { log } from '../../core/log.js';
import { sha256Hex } from '../../core/sha256.js';
import { atomicWrite } from '../../core/atomic-write.js';
import { idfParams } from '../../arch/idf-params.js';
import { effectiveParamCount } from '../../arch/param-list.js';
import { idfMultiplyAdds } from '../../arch/idf-cost.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { exportIdf } from '../../train/export-idf.js';
import { startBackend } from '../../train/backend.js';
import { writeIntegerIdf } from '../../engine/integer-idf-file.js';
import { DATASET_NAMES, openDataset, type DatasetName } from '../../data/open-dataset.js';
import { sliceDataset } from '../../data/dataset.js';

/** Model ids: kebab-case, as used for the models/ folder, the registry and --model. */
const MODEL_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
/** The model file name inside a model folder. */
export const MODEL_FILE = 'model.idfm';

interface ExportFlags {
  output: string;
  id: string;
  numericId: number;
  dataset: DatasetName;
  data: string;
  calibrationImages: number;
  description?: string;
  force?: boolean;
}

/** Builds `idfz export`. */
export const exportCommand: CommandFactory = (ctx) =>
  new Command('export')
    .description('export a trained float checkpoint as an integer model folder for the codec')
    .argument('<checkpoint>', 'checkpoint folder written by idfz train')
    .requiredOption('-o, --output <dir>', 'model folder to write (e.g. models/cifar10)')
    .requiredOption('--id <id>', 'model id (kebab-case)')
    .requiredOption('--numeric-id <n>', 'fixed numeric id written into every .idf file (never reuse one)', integerIn('--numeric-id', 1, 2 ** 32 - 1))
    .addOption(new Option('--dataset <name>', 'training dataset, for calibration').choices(DATASET_NAMES).makeOptionMandatory())
    .requiredOption('--data <path>', 'training data folder or file')
    .option('--calibration-images <n>', 'training images used to calibrate activation scales', integerIn('--calibration-images', 1, 100000), 512)
    .option('--description <text>', 'one line describing the model')
    .option('-f, --force', 'replace an existing model folder')
    .action(async (checkpointDir: string, flags: ExportFlags) => {
      if (!MODEL_ID.test(flags.id)) throw new UsageError(`Expected a kebab-case model id for --id but received "${flags.id}"`);
      const outDir = path.resolve(ctx.cwd, flags.output);
      if (existsSync(path.join(outDir, 'manifest.json')) && !flags.force) throw new UsageError(`${outDir} already holds a model: pass -f to replace it`);
      const checkpoint = loadCheckpoint(path.resolve(ctx.cwd, checkpointDir));
      const training = await openDataset(flags.dataset, path.resolve(ctx.cwd, flags.data), 'train', { maxImages: flags.calibrationImages });
      const calibration = sliceDataset(training, 0, Math.min(flags.calibrationImages, training.count));
      await startBackend('wasm');
      const model = await exportIdf(checkpoint.spec, checkpoint.ema, calibration);
      const bytes = writeIntegerIdf(model);
      mkdirSync(outDir, { recursive: true });
      await atomicWrite(path.join(outDir, MODEL_FILE), bytes, { force: true });
      const spec = checkpoint.spec;
      const manifest = {
        id: flags.id,
        numericId: flags.numericId,
        file: MODEL_FILE,
        sha256: sha256Hex(bytes),
        channels: spec.imageChannels,
        description: flags.description ?? `IDF, ${spec.levels} levels x ${spec.couplingsPerLevel} couplings, ${spec.coupling.family} width ${spec.coupling.width}`,
        trainedOn: { dataset: training.name.replace(/\[.*$/, ''), imagesSeen: checkpoint.state.imagesSeen, trainHours: Number((checkpoint.state.trainSeconds / 3600).toFixed(3)), ...(checkpoint.state.settings.initializedFrom ? { initializedFrom: checkpoint.state.settings.initializedFrom } : {}) },
        architecture: { levels: spec.levels, couplingsPerLevel: spec.couplingsPerLevel, coupling: spec.coupling, splitPrior: spec.splitPrior, topPrior: spec.topPrior, parameters: effectiveParamCount(idfParams(spec)), multiplyAddsPer32x32: idfMultiplyAdds(spec, 32, 32) },
        results: { validationBpdFloat: checkpoint.state.bestValidationBpd },
      };
      await atomicWrite(path.join(outDir, 'manifest.json'), new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), { force: true });
      log.info({ model: flags.id, bytes: bytes.length, sha256: manifest.sha256 }, 'exported');
      ctx.stdout.write(`${outDir}: ${flags.id} (${bytes.length} bytes, sha256 ${manifest.sha256.slice(0, 16)}...)\n`);
    });

