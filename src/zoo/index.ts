/**
 * The zoo's public API: model manifests, the registry of installed models and model folders, and verified model
 * loading. Other layers import from here only.
 */
export {
  MAX_MANIFEST_BYTES, MODEL_ID_PATTERN, NO_MODEL_NUMERIC_ID, parseManifest, type ModelRecord,
} from './model-manifest.js';
export {
  DEFAULT_GREY_MODEL_ID, DEFAULT_MODEL_ID, MAX_MODEL_BYTES, defaultModel, findModelByNumericId, installedModelsFolder,
  listModels, loadModel, readModelFolder, resolveModel, type LoadedModel, type ModelListing, type ResolveModelOptions,
} from './model-registry.js';
