/**
 * `idfz models [--dir FOLDER] [--json]`: the installed models (or those in FOLDER) with their ids, fixed numeric
 * ids, channels and descriptions, as a table or one JSON array; the installed table ends with the models compress
 * uses without --model. A broken model folder is a warning on stderr; the other models are still listed.
 */
import { Command } from 'commander';
import path from 'node:path';
import type { CommandFactory } from '../command.js';
import { DEFAULT_GREY_MODEL_ID, DEFAULT_MODEL_ID, defaultModel, installedModelsFolder, listModels } from '../../zoo/index.js';

interface ModelsFlags {
  dir?: string;
  json?: boolean;
}

/** The `models` command. */
export const modelsCommand: CommandFactory = (ctx) =>
  new Command('models')
    .description('list the installed models (the ids --model takes)')
    .option('--dir <folder>', 'list the model folders in this folder instead of the installed ones')
    .option('--json', 'print one JSON array of the models\' manifests')
    .action(async (flags: ModelsFlags) => {
      const root = flags.dir === undefined ? installedModelsFolder() : path.resolve(ctx.cwd, flags.dir);
      const { models, problems } = await listModels(root);
      for (const problem of problems) ctx.stderr.write(`idfz: warning: ${problem}\n`);
      if (flags.json) {
        ctx.stdout.write(`${JSON.stringify(models)}\n`);
        return;
      }
      if (models.length === 0) {
        ctx.stdout.write(`no models in ${root}\n`);
        return;
      }
      const rows = [['id', 'numeric id', 'channels', 'sha256', 'description'], ...models.map((m) => [
        m.id, String(m.numericId), m.channels === 1 ? 'grey' : 'RGB', `${m.sha256.slice(0, 12)}...`, m.description,
      ])];
      const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
      for (const row of rows) ctx.stdout.write(`${row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('  ')}\n`);
      if (flags.dir !== undefined) return; // compress picks its default among the installed models only
      for (const [kind, channels, wanted] of [['RGB', 3, DEFAULT_MODEL_ID], ['grey', 1, DEFAULT_GREY_MODEL_ID]] as const) {
        const record = await defaultModel(channels, root);
        const model = record ? record.id : `none (${wanted} is not installed), the fallback coder`;
        ctx.stdout.write(`default for ${kind} images (compress without --model): ${model}\n`);
      }
    });
