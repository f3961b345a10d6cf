import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';
import { packageVersion } from '../../src/cli/main.js';

test('--help lists usage on stdout and exits 0', async () => {
  const result = await runCli(['--help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout.toString(), /Usage: idfz/);
  assert.equal(result.stderr, '');
});

test('--version prints the package version', async () => {
  const result = await runCli(['--version']);
  assert.equal(result.code, 0);
  assert.equal(result.stdout.toString().trim(), packageVersion());
});

test('an unknown option is a usage error: one line on stderr, exit 2', async () => {
  const result = await runCli(['--no-such-option']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^idfz: unknown option '--no-such-option'/);
  assert.equal(result.stdout.length, 0);
});

test('an invalid --log-level is a usage error', async () => {
  const result = await runCli(['--log-level', 'loud', '--help']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /loud/);
});
