/**
 * The model registry: the models installed in the package's own `models/` folder (found relative to this file, so
 * it works from a checkout and after `npm install -g`), model folders named by path, lookup by the fixed numeric id
 * that `.idf` files store, and loading a model file with its sha256 verified on every load. Invariant: bytes handed
 * out by loadModel always match the sha256 of their manifest.
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../core/errors.js';
import { readFileInto } from '../core/read-file-into.js';
import { sha256 } from '../core/sha256.js';
import { MAX_MANIFEST_BYTES, MODEL_ID_PATTERN, parseManifest, type ModelRecord } from './model-manifest.js';

/** The model used when `--model` is not given, for RGB images. */
export const DEFAULT_MODEL_ID = 'natural';
/** The model used when `--model` is not given, for grey images (when installed). */
export const DEFAULT_GREY_MODEL_ID = 'natural-grey';
/** Largest model file accepted, in bytes (checked before reading it): 1 GiB. */
export const MAX_MODEL_BYTES = 2 ** 30;

/** A model file in memory, verified against its manifest's sha256. */
export interface LoadedModel {
  /** The model's manifest. */
  readonly record: ModelRecord;
  /** The model file's bytes. */
  readonly bytes: Uint8Array;
  /** sha256 of `bytes` (32 bytes), as written into `.idf` headers. */
  readonly sha256: Uint8Array;
}

/** What listModels found: valid models sorted by id, and one line per folder that could not be used. */
export interface ModelListing {
  readonly models: readonly ModelRecord[];
  readonly problems: readonly string[];
}

/** The package's installed-models folder: `models/` at the package root. */
export function installedModelsFolder(): string {
  return fileURLToPath(new URL('../../../models/', import.meta.url));
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Reads a whole file with a size limit checked before reading.
 * @throws ModelError when the file is missing, unreadable, not a regular file or too large
 */
async function readBounded(file: string, maxBytes: number, what: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
    const info = await handle.stat();
    if (!info.isFile()) throw new ModelError(`${file}: ${what} is not a regular file`);
    if (info.size > maxBytes) throw new ModelError(`${file}: ${what} of ${info.size} bytes is above the limit of ${maxBytes} bytes`);
    const bytes = new Uint8Array(info.size);
    return bytes.subarray(0, await readFileInto(handle, bytes));
  } catch (error) {
    if (error instanceof ModelError) throw error;
    const code = errnoOf(error);
    if (code === 'ENOENT') throw new ModelError(`${file}: ${what} is missing; reinstall or re-export the model`, { cause: error });
    throw new ModelError(`${file}: cannot read the ${what} (${code ?? String(error)})`, { cause: error });
  } finally {
    await handle?.close();
  }
}

/**
 * Reads the manifest of one model folder.
 * @param folder absolute path of a folder holding manifest.json and the model file
 * @throws ModelError when the folder has no readable, valid manifest
 */
export async function readModelFolder(folder: string): Promise<ModelRecord> {
  const manifestPath = path.join(folder, 'manifest.json');
  const info = await stat(folder).catch(() => null);
  if (!info?.isDirectory()) throw new ModelError(`${folder}: not a model folder (no such folder)`);
  const text = new TextDecoder().decode(await readBounded(manifestPath, MAX_MANIFEST_BYTES, 'model manifest'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`${manifestPath}: invalid model manifest: not JSON (${(error as Error).message}); re-export the model`, { cause: error });
  }
  return parseManifest(json, folder, manifestPath);
}

/** The folder of models/ that holds the research commands' checkpoints (snf, blrnet, hexaconv): not codec models. */
export const RESEARCH_FOLDER = 'research';

/**
 * Lists the models in a folder of model folders (all but RESEARCH_FOLDER). Folders without a valid manifest, a folder name that differs from
 * the model's id, and numeric ids used twice are reported in `problems` (those models are left out), so one broken
 * model does not hide the others.
 * @param root folder of model folders; default the installed models; a missing folder lists nothing
 */
export async function listModels(root = installedModelsFolder()): Promise<ModelListing> {
  const entries = await readdir(root, { withFileTypes: true }).catch((error: unknown) => {
    if (errnoOf(error) === 'ENOENT') return [];
    throw new ModelError(`${root}: cannot list the models folder (${errnoOf(error) ?? String(error)})`, { cause: error });
  });
  const found: ModelRecord[] = [];
  const problems: string[] = [];
  const modelFolders = entries.filter((e) => e.isDirectory() && e.name !== RESEARCH_FOLDER);
  for (const entry of modelFolders.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    try {
      const record = await readModelFolder(path.join(root, entry.name));
      if (record.id !== entry.name) {
        problems.push(`${path.join(root, entry.name)}: the folder name differs from the model id "${record.id}"; rename the folder`);
      } else {
        found.push(record);
      }
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      problems.push(error.message);
    }
  }
  const byNumericId = new Map<number, ModelRecord[]>();
  for (const record of found) byNumericId.set(record.numericId, [...(byNumericId.get(record.numericId) ?? []), record]);
  const models: ModelRecord[] = [];
  for (const record of found) {
    const sharing = byNumericId.get(record.numericId)!;
    if (sharing.length === 1) models.push(record);
    else if (sharing[0] === record) {
      problems.push(`models ${sharing.map((r) => r.id).join(', ')} share numeric id ${record.numericId}; none of them is used`);
    }
  }
  return { models, problems };
}

/** Options of resolveModel. */
export interface ResolveModelOptions {
  /** Folder that relative paths resolve against; default process.cwd(). */
  cwd?: string;
  /** Folder of installed models; default installedModelsFolder(). */
  root?: string;
}

/**
 * Resolves `--model ID|PATH`: an id of an installed model, or the path of a model folder (anything with a path
 * separator or a leading dot, or an existing folder that is not an installed id).
 * @throws ModelError when no installed model has the id and no model folder is at the path
 */
export async function resolveModel(idOrPath: string, options: ResolveModelOptions = {}): Promise<ModelRecord> {
  const cwd = options.cwd ?? process.cwd();
  const root = options.root ?? installedModelsFolder();
  const looksLikePath = /[/\\]/.test(idOrPath) || idOrPath.startsWith('.');
  if (!looksLikePath && MODEL_ID_PATTERN.test(idOrPath)) {
    const { models } = await listModels(root);
    const installed = models.find((record) => record.id === idOrPath);
    if (installed) return installed;
    const asFolder = await stat(path.resolve(cwd, idOrPath)).catch(() => null);
    if (!asFolder?.isDirectory()) {
      const names = models.map((record) => record.id).join(', ') || 'none';
      throw new ModelError(`model "${idOrPath}" is not installed (installed: ${names}); give an id from \`idfz models\` or the path of a model folder`);
    }
  }
  return readModelFolder(path.resolve(cwd, idOrPath));
}

/**
 * The model to use when `--model` is not given: DEFAULT_MODEL_ID for 3 colour channels, DEFAULT_GREY_MODEL_ID for
 * 1, when installed, valid and not superseded.
 * @param colourChannels 1 or 3
 * @returns the record, or null when that model is not installed
 */
export async function defaultModel(colourChannels: number, root = installedModelsFolder()): Promise<ModelRecord | null> {
  const id = colourChannels === 1 ? DEFAULT_GREY_MODEL_ID : DEFAULT_MODEL_ID;
  const { models } = await listModels(root);
  return models.find((record) => record.id === id && record.channels === colourChannels && !record.supersededBy) ?? null;
}

/**
 * The installed model with a numeric id (for decompress), among `extra` records first, then the installed ones.
 * Superseded models count: a file keeps naming the numeric id it was compressed with.
 * @returns the record, or null when none has it
 */
export async function findModelByNumericId(
  numericId: number, extra: readonly ModelRecord[] = [], root = installedModelsFolder(),
): Promise<ModelRecord | null> {
  const fromExtra = extra.find((record) => record.numericId === numericId);
  if (fromExtra) return fromExtra;
  const { models } = await listModels(root);
  return models.find((record) => record.numericId === numericId) ?? null;
}

/**
 * Reads a model's file and checks its sha256 against the manifest.
 * @throws ModelError when the file is missing, too large, or its sha256 differs from the manifest's
 */
export async function loadModel(record: ModelRecord): Promise<LoadedModel> {
  const file = path.join(record.folder, record.file);
  const bytes = await readBounded(file, MAX_MODEL_BYTES, `model file of "${record.id}"`);
  const digest = sha256(bytes);
  const hex = Buffer.from(digest).toString('hex');
  if (hex !== record.sha256) {
    throw new ModelError(
      `${file}: sha256 ${hex.slice(0, 16)}... does not match the manifest's ${record.sha256.slice(0, 16)}...: the model ` +
        'file is damaged or was replaced; reinstall idfz or re-export the model',
    );
  }
  return { record, bytes, sha256: digest };
}
