/**
 * What a command may touch of the outside world. `main` builds it from `process`; tests build it from in-memory
 * streams, so every command runs in-process and its output can be read back.
 */
import type { Readable, Writable } from 'node:stream';

/** Streams and environment one CLI invocation uses. */
export interface CliContext {
  /** Data only: decoded images, `--json` results. */
  readonly stdout: Writable;
  /** Logs, progress bars, error lines. */
  readonly stderr: Writable;
  /** Input for `-` arguments. */
  readonly stdin: Readable;
  /** Whether stderr is a terminal (pretty logs, progress bars). */
  readonly stderrIsTTY: boolean;
  /** Whether stdout is a terminal: binary outputs (.idf files, images) refuse to go there. Default false. */
  readonly stdoutIsTTY?: boolean;
  /** Working directory that relative paths resolve against. */
  readonly cwd: string;
}

/** The context of the running process. */
export function processContext(): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
  };
}
