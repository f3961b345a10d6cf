/**
 * The options every training command shares (src/cli/training-options.ts, option-parsers.ts) and the sub-command
 * group (command-group.ts): defaults, ranges, the house error form, and `idfz: ` error lines through the context.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import { Command } from 'commander';
import { cliOutput, commandGroup } from '../../src/cli/command-group.js';
import { numberAtLeast, numberIn } from '../../src/cli/option-parsers.js';
import { backendOption, checkpointMinutesOption, epochsOption, minutesOption, runLimits, seedOption, validateEveryOption, warmupImagesOption, workersOption } from '../../src/cli/training-options.js';

function program(): Command {
  return new Command('t')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined })
    .addOption(backendOption())
    .addOption(workersOption())
    .addOption(minutesOption())
    .addOption(checkpointMinutesOption())
    .addOption(epochsOption());
}

test('shared training options: defaults, parsed values and refusals', () => {
  assert.deepEqual(program().parse([], { from: 'user' }).opts(), { backend: 'wasm', workers: Math.max(1, availableParallelism()), checkpointMinutes: 5 });
  const given = program().parse(['--backend', 'cpu', '--workers', '3', '--minutes', '0.5', '--checkpoint-minutes', '2', '--epochs', '7'], { from: 'user' }).opts();
  assert.deepEqual(given, { backend: 'cpu', workers: 3, minutes: 0.5, checkpointMinutes: 2, epochs: 7 });
  for (const [args, message] of [
    [['--workers', '0'], /Expected an integer 1\.\.256 for --workers but received "0"/],
    [['--minutes', '0'], /Expected a number in \(0, 1000000\] for --minutes/],
    [['--epochs', '1.5'], /Expected an integer 1\.\.100000 for --epochs/],
    [['--backend', 'gpu'], /Allowed choices are wasm, tensorflow, cpu/],
  ] as const) {
    assert.throws(() => program().parse([...args], { from: 'user' }), message, args.join(' '));
  }
  assert.equal(workersOption('threads (per share)').description, 'threads (per share)');
  assert.deepEqual(runLimits({ checkpointMinutes: 5 }), { epochs: null, minutes: null, checkpointMinutes: 5 });
  assert.deepEqual(runLimits({ epochs: 7, minutes: 0.5, checkpointMinutes: 2 }), { epochs: 7, minutes: 0.5, checkpointMinutes: 2 });
});

test('--seed, --warmup-images, --validate-every: per-command defaults and descriptions, one range each', () => {
  const parse = (args: string[]) => new Command('t').exitOverride().configureOutput({ writeErr: () => undefined })
    .addOption(seedOption('seed of the latents', 0)).addOption(warmupImagesOption(10000)).addOption(validateEveryOption(25000))
    .parse(args, { from: 'user' }).opts();
  assert.deepEqual(parse([]), { seed: 0, warmupImages: 10000, validateEvery: 25000 });
  assert.deepEqual(parse(['--seed', '2147483647', '--warmup-images', '0', '--validate-every', '1']), { seed: 2 ** 31 - 1, warmupImages: 0, validateEvery: 1 });
  assert.throws(() => parse(['--seed', '2147483648']), /Expected an integer 0\.\.2147483647 for --seed but received "2147483648"/);
  assert.throws(() => parse(['--warmup-images', '-1']), /Expected an integer 0\.\.1000000000 for --warmup-images/);
  assert.throws(() => parse(['--validate-every', '0']), /Expected an integer 1\.\.1000000000 for --validate-every/);
  assert.equal(seedOption('seed of the run', 1).description, 'seed of the run');
  assert.equal(seedOption('seed of the run', 1).defaultValue, 1);
});

test('numberIn and numberAtLeast: closed ranges, the house error form', () => {
  assert.equal(numberIn('--m', 0, 0.999)('0.999'), 0.999);
  assert.equal(numberIn('--m', 0, 0.999)('0'), 0);
  assert.throws(() => numberIn('--m', 0, 0.999)('1'), /^UsageError: Expected a number in \[0, 0\.999\] for --m but received "1"$/);
  assert.throws(() => numberIn('--m', 0, 1)(' '), /received " "/);
  assert.equal(numberAtLeast('--w', 0)('0'), 0);
  assert.equal(numberAtLeast('--w', 0)('1e3'), 1000);
  assert.throws(() => numberAtLeast('--w', 0)('-1'), /^UsageError: Expected a number >= 0 for --w but received "-1"$/);
  assert.throws(() => numberAtLeast('--w', 0)('Infinity'), /received "Infinity"/);
});

test('commandGroup: sub-commands inherit the output; errors are thrown and written as one idfz: line', async () => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let written = '';
  stderr.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const ctx = { stdout, stderr, stdin: Readable.from([]), stderrIsTTY: false, cwd: '/' };
  const group = commandGroup(ctx, 'g', 'a group');
  let ran = false;
  group.command('run').option('--n <n>', 'n').action(() => {
    ran = true;
  });
  await group.parseAsync(['run'], { from: 'user' });
  assert.equal(ran, true);
  assert.equal(group.description(), 'a group');
  assert.throws(() => group.parse(['run', '--bogus'], { from: 'user' }), (error: Error & { code?: string }) => error.code === 'commander.unknownOption');
  assert.match(written, /^idfz: unknown option '--bogus'\n$/);
  // cliOutput is what the program itself uses: help text to stdout, the same one-line errors.
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  cliOutput(ctx).writeOut!('help text');
  assert.equal(out, 'help text');
});
