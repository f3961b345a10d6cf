/**
 * Running the command-line codecs the bench compares against (cjxl, opj_compress, avifenc and their decoders):
 * finding out whether a tool is installed, running it on files in a private scratch folder, and explaining a failure
 * in one line. Invariant: a tool is run with an argument vector (no shell), and the scratch folder is removed on close.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { InternalError, type IdfzError } from '../core/errors.js';
import type { Availability } from './bench-codec.js';

/** Longest a single tool run may take (a stuck tool must not hang the bench): 10 minutes. */
const TOOL_TIMEOUT_MS = 600_000;

interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

function exec(tool: string, args: readonly string[]): Promise<ToolOutput & { error: ExecFileException | null }> {
  return new Promise((resolve) => {
    execFile(tool, [...args], { timeout: TOOL_TIMEOUT_MS, maxBuffer: 16 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ error, stdout, stderr });
    });
  });
}

/**
 * Whether `tool` can be started, with its version as it reports it.
 * @param versionArgs arguments that make the tool print its version (its exit code is ignored)
 * @param versionPattern picks the version out of stdout + stderr; the first line is used when it does not match
 * @param install what to install when the tool is missing, e.g. `the Debian package libjxl-tools`
 */
export async function probeTool(tool: string, versionArgs: readonly string[], versionPattern: RegExp, install: string): Promise<Availability> {
  const { error, stdout, stderr } = await exec(tool, versionArgs);
  if (error?.code === 'ENOENT') return { available: false, reason: `${tool} is not installed (not on PATH); install ${install}` };
  if (error?.code === 'EACCES') return { available: false, reason: `${tool} cannot be run (permission denied)` };
  const text = `${stdout}\n${stderr}`;
  const version = versionPattern.exec(text)?.[0] ?? text.trim().split('\n')[0] ?? '';
  return { available: true, version: `${tool} ${version}`.trim() };
}

/**
 * Runs `tool args` and waits for it.
 * @param fail builds the error thrown when the tool fails; it receives a one-line explanation
 * @throws what `fail` builds, when the tool exits non-zero, is killed, times out or cannot be started
 */
export async function runTool(tool: string, args: readonly string[], fail: (message: string) => IdfzError): Promise<void> {
  const { error, stderr, stdout } = await exec(tool, args);
  if (!error) return;
  const said = `${stderr}\n${stdout}`.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const last = said.at(-1);
  const how = error.code === 'ENOENT' ? 'is not installed' : error.killed ? `was stopped after ${TOOL_TIMEOUT_MS / 1000} s` : `exited with code ${String(error.code ?? error.signal)}`;
  throw fail(`${tool} ${how}${last ? `: ${last}` : ''}`);
}

/** A private temporary folder for one codec's files, created on first use and removed by `remove`. */
export class ScratchFolder {
  private dir: string | undefined;

  /** The path of `name` inside the folder (creating the folder on first use). */
  async file(name: string): Promise<string> {
    this.dir ??= await mkdtemp(path.join(os.tmpdir(), 'idfz-bench-'));
    if (path.basename(name) !== name) throw new InternalError(`internal error: scratch file name ${name} is not a plain name`);
    return path.join(this.dir, name);
  }

  /** Deletes the folder and everything in it. */
  async remove(): Promise<void> {
    if (this.dir === undefined) return;
    await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
