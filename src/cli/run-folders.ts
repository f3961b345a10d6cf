/**
 * The CLI's rules for training-run folders: a new run never overwrites a checkpoint and --resume needs one; a compact
 * copy goes to another folder that holds no checkpoint, and takes the run's log and curve along. Invariant: every
 * refusal is a UsageError (exit 2) that says what to pass instead.
 */
import { copyFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';

/** Tells whether a folder holds a checkpoint of one stack. */
export type HasCheckpoint = (dir: string) => boolean;

/**
 * Checks --out against --resume.
 * @param name the stack's name in "holds no NAME checkpoint to resume" ('' for IDF, 'blrnet', 'SNF')
 * @throws UsageError when resuming a folder without a checkpoint, or starting a run in one that holds a checkpoint
 */
export function checkRunFolder(outDir: string, resuming: boolean, hasCheckpoint: HasCheckpoint, name = ''): void {
  if (resuming && !hasCheckpoint(outDir)) throw new UsageError(`--resume: ${outDir} holds no ${name ? `${name} ` : ''}checkpoint to resume`);
  if (!resuming && hasCheckpoint(outDir)) throw new UsageError(`${outDir} already holds a checkpoint: pass --resume to continue it, or choose another --out`);
}

/**
 * Checks the folders of a compact copy (--checkpoint to --out).
 * @param drops what the copy leaves out, for the message when both are the same folder
 * @returns both folders as given, resolved against `cwd`
 * @throws UsageError when they are the same folder or --out already holds a checkpoint
 */
export function compactFolders(cwd: string, flags: { readonly checkpoint: string; readonly out: string }, hasCheckpoint: HasCheckpoint, drops: string): { from: string; to: string } {
  const from = path.resolve(cwd, flags.checkpoint);
  const to = path.resolve(cwd, flags.out);
  if (from === to) throw new UsageError(`--out must differ from --checkpoint (the compact copy drops ${drops})`);
  if (hasCheckpoint(to)) throw new UsageError(`${to} already holds a checkpoint; choose another --out`);
  return { from, to };
}

/** Copies the run's log.jsonl and curve.svg (those that exist) from `from` to `to`. */
export function copyRunFiles(from: string, to: string): void {
  for (const name of ['log.jsonl', 'curve.svg']) if (existsSync(path.join(from, name))) copyFileSync(path.join(from, name), path.join(to, name));
}
