import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';
import { commandsFor, packageVersion } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { processContext } from '../../src/cli/context.js';

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

test('every command entry loads the factory of the command it names, and --help lists them all', async () => {
  const state = { exitCode: 0 };
  const help = (await runCli(['--help'])).stdout.toString();
  for (const entry of COMMANDS) {
    const command = (await entry.load())(processContext(), state);
    assert.equal(command.name(), entry.name);
    assert.match(help, new RegExp(`^  ${entry.name}\\b`, 'm'));
  }
});

test('a run loads only the command it names; help, a missing or a mistyped command load all', () => {
  const names = (args: string[]): string[] => commandsFor(args).map((entry) => entry.name);
  assert.deepEqual(names(['compress', 'a.png']), ['compress']);
  assert.deepEqual(names(['-q', 'decompress', 'info']), ['decompress']);
  assert.deepEqual(names(['--log-level', 'info', 'models']), ['models'], 'the value of --log-level is not a command');
  assert.equal(names(['--help']).length, COMMANDS.length);
  assert.equal(names([]).length, COMMANDS.length);
  assert.deepEqual(names(['--version']), []);
  assert.equal(names(['comprss', 'a.png']).length, COMMANDS.length);
});

test('a mistyped command is a usage error that suggests the right one', async () => {
  const result = await runCli(['comprss', 'a.png']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /compress/);
});
