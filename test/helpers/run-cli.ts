/**
 * Runs the idfz CLI in-process with in-memory streams, for tests: returns exit code, stdout bytes and stderr text.
 */
import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * @param args arguments after `idfz`
 * @param options stdin bytes for `-` inputs, working directory
 */
export async function runCli(args: readonly string[], options: { stdin?: Buffer; cwd?: string } = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => outChunks.push(chunk));
  stderr.on('data', (chunk: Buffer) => errChunks.push(chunk));
  const code = await main(['node', 'idfz', ...args], {
    stdout,
    stderr,
    stdin: Readable.from(options.stdin ? [options.stdin] : []),
    stderrIsTTY: false,
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout: Buffer.concat(outChunks), stderr: Buffer.concat(errChunks).toString('utf8') };
}
