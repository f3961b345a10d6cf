/**
 * Keeps the module boundaries of docs/ARCHITECTURE.md honest: reads every import in src/ and checks that each layer
 * imports only the layers it may, and that only src/image imports sharp and only src/train (and research) tfjs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './helpers/paths.js';

const SRC = path.join(REPO_ROOT, 'src');

/** layer -> layers it may import (besides itself). `cli` may import everything. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  image: ['core'],
  data: ['core', 'image'],
  arch: ['core'],
  entropy: ['core'],
  container: ['core'],
  engine: ['core', 'arch'],
  train: ['core', 'arch', 'data', 'entropy', 'engine'],
  zoo: ['core', 'arch', 'engine'],
  codec: ['core', 'image', 'engine', 'entropy', 'container', 'zoo', 'arch'],
  bench: ['core', 'image', 'data', 'codec', 'zoo', 'train', 'arch', 'entropy', 'engine'],
  research: ['core', 'data', 'train', 'arch', 'engine', 'image'],
};

/** External packages only some layers may import. */
const RESTRICTED_PACKAGES: Record<string, readonly string[]> = {
  sharp: ['image'],
  '@tensorflow/': ['train', 'research'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push(match[1] ?? match[2]!);
  }
  return found;
}

function layerOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

test('every src/ import respects the layer table', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const layer = layerOf(file);
    const allowed = layer === 'cli' ? null : ALLOWED[layer];
    if (layer !== 'cli' && !allowed) {
      violations.push(`${path.relative(SRC, file)}: layer "${layer}" is not in the table`);
      continue;
    }
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        const targetLayer = layerOf(target);
        if (allowed && targetLayer !== layer && !allowed.includes(targetLayer)) {
          violations.push(`${path.relative(SRC, file)} imports ${targetLayer} (${spec})`);
        }
        continue;
      }
      for (const [pkg, layers] of Object.entries(RESTRICTED_PACKAGES)) {
        if (spec === pkg || spec.startsWith(pkg.endsWith('/') ? pkg : `${pkg}/`)) {
          if (!layers.includes(layer)) violations.push(`${path.relative(SRC, file)} imports ${spec}`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the layer check sees imports (it cannot pass vacuously)', () => {
  const files = sourceFiles(SRC);
  assert.ok(files.length > 0);
  assert.ok(files.some((file) => importsOf(file).length > 0));
  assert.deepEqual(importsOf(path.join(SRC, 'cli', 'main.ts')).includes('commander'), true);
});
