/**
 * Paths tests use: the repository root (tests run from dist/test/...), fixtures, and the shared real data beside the
 * checkout (../shared/data), which is read-only.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Project fixtures. */
export const FIXTURES = path.join(REPO_ROOT, 'fixtures');
/** Real data shared beside the checkout. */
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');
