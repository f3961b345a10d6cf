/**
 * The `manifest.json` of a model folder (`models/<id>/`), as `idfz export` writes it, and its validation: every
 * field is checked before the registry trusts it (a kebab-case id, a numeric id that is a uint32 other than the
 * reserved 0, a plain file name inside the folder, a 64-hex sha256, 1 or 3 channels, and for a model a newer one
 * replaced, the id of that model). Invariant: a ModelRecord only ever holds values that passed these checks.
 */
import { ModelError } from '../core/errors.js';

/** Model ids: kebab-case, the same string for the folder, the registry key, `--model` and the manifest. */
export const MODEL_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The numeric id written into `.idf` files whose tiles use no learned model (every tile coded with the fallback
 * coder). No model may use it.
 */
export const NO_MODEL_NUMERIC_ID = 0;

/** Largest manifest.json accepted, in bytes (checked before reading it). */
export const MAX_MANIFEST_BYTES = 1 << 20;

/** One installed (or explicitly named) model, as its manifest describes it. */
export interface ModelRecord {
  /** Kebab-case id (the folder name for installed models). */
  readonly id: string;
  /** Fixed numeric id written into every `.idf` file, 1..2^32-1, never reused for another model. */
  readonly numericId: number;
  /** File name of the model inside its folder (no path separators). */
  readonly file: string;
  /** sha256 of the model file, 64 lower-case hex characters. */
  readonly sha256: string;
  /** Colour channels the model codes: 1 (grey) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** One line describing the model. */
  readonly description: string;
  /** What the model was trained on, as the manifest says (free-form JSON), or null. */
  readonly trainedOn: unknown;
  /**
   * The id of the model that replaced this one; absent for a current model. A superseded model stays installed
   * under its own id and numeric id (e.g. `natural-v1`, numeric id 2) so that files compressed with it decode.
   */
  readonly supersededBy?: string;
  /** Measured results, as the manifest says (free-form JSON), or null. */
  readonly results: unknown;
  /** Absolute path of the model folder. */
  readonly folder: string;
}

function fieldError(source: string, field: string, problem: string): ModelError {
  return new ModelError(`${source}: invalid model manifest: "${field}" ${problem}; re-export the model with idfz export`);
}

/**
 * Validates a parsed manifest.
 * @param json the parsed manifest.json
 * @param folder absolute path of the model folder (kept in the record)
 * @param source the manifest's path, for messages
 * @throws ModelError naming the first bad field
 */
export function parseManifest(json: unknown, folder: string, source: string): ModelRecord {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelError(`${source}: invalid model manifest: expected a JSON object; re-export the model with idfz export`);
  }
  const m = json as Record<string, unknown>;
  const { id, numericId, file, sha256, channels, description, supersededBy } = m;
  if (typeof id !== 'string' || !MODEL_ID_PATTERN.test(id)) throw fieldError(source, 'id', 'must be a kebab-case string');
  if (typeof numericId !== 'number' || !Number.isInteger(numericId) || numericId < 1 || numericId > 0xffffffff) {
    throw fieldError(source, 'numericId', `must be an integer 1..${0xffffffff}`);
  }
  if (typeof file !== 'string' || file === '' || file === '.' || file === '..' || /[/\\]/.test(file)) {
    throw fieldError(source, 'file', 'must be a file name inside the model folder');
  }
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw fieldError(source, 'sha256', 'must be 64 lower-case hex characters');
  }
  if (channels !== 1 && channels !== 3) throw fieldError(source, 'channels', 'must be 1 or 3');
  if (description !== undefined && typeof description !== 'string') throw fieldError(source, 'description', 'must be a string');
  if (supersededBy !== undefined && supersededBy !== null
    && (typeof supersededBy !== 'string' || !MODEL_ID_PATTERN.test(supersededBy) || supersededBy === id)) {
    throw fieldError(source, 'supersededBy', 'must be the kebab-case id of another model');
  }
  return {
    id,
    numericId,
    file,
    sha256,
    channels,
    description: description ?? '',
    ...(typeof supersededBy === 'string' ? { supersededBy } : {}),
    trainedOn: m.trainedOn ?? null,
    results: m.results ?? null,
    folder,
  };
}
