import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelError } from '../../../src/core/errors.js';
import { snfPreset } from '../../../src/research/snf/snf-presets.js';
import { checkSnfSpec } from '../../../src/research/snf/snf-spec.js';

const MNIST = { height: 28, width: 28, channels: 1 };

test('new models train R alone with the reconstruction loss; specs written before the choice existed read as training both', () => {
  const spec = snfPreset('fc', { gradient: 'self-normalizing', image: MNIST });
  assert.equal(spec.reconstructionGradient, 'inverse');
  assert.equal(snfPreset('fc', { gradient: 'self-normalizing', image: MNIST, reconstructionGradient: 'both' }).reconstructionGradient, 'both');
  const { reconstructionGradient: _omitted, ...older } = spec;
  assert.equal(checkSnfSpec(JSON.parse(JSON.stringify(older)), 'old.json').reconstructionGradient, 'both');
  assert.equal(checkSnfSpec(spec, 'new.json'), spec);
  assert.throws(() => checkSnfSpec({ ...spec, reconstructionGradient: 'forward' }, 'bad.json'), (e: unknown) => e instanceof ModelError && /bad\.json: unknown reconstructionGradient "forward"/.test(e.message));
});
