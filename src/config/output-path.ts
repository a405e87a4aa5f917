/**
 * The one rule for every output path (--trace, -o, bench --out): the folder that is to hold the
 * output must already exist. hs-ring creates the file, or bench's one results folder, never the
 * folders above it: a typo then fails in a second with one line, instead of minutes later, or
 * silently in a tree of new folders.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidConfigError } from '../errors.js';

/** Checks, before any work is done, that `path` can be written as a file: its folder exists and it is not itself a folder. */
export function checkOutputFile(path: string, flag: string): void {
  if (!path) throw new InvalidConfigError(`${flag} needs a file name`);
  checkParent(path, flag);
  if (kindOf(path) === 'folder') throw new InvalidConfigError(`${flag} ${path}: is a folder, name a file`);
}

/** Creates the output folder `path` now (its parent must exist), so that a bad path fails before the run. */
export function prepareOutputFolder(path: string, flag: string): void {
  if (!path) throw new InvalidConfigError(`${flag} needs a folder name`);
  checkParent(path, flag);
  const kind = kindOf(path);
  if (kind === 'folder') return;
  if (kind === 'file') throw new InvalidConfigError(`${flag} ${path}: is a file, name a folder`);
  try {
    // Never recursive: Node's recursive mkdir does not return on some paths (under /proc, say).
    mkdirSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'error');
    throw new InvalidConfigError(`${flag} ${path}: cannot create the folder (${why})`);
  }
}

function checkParent(path: string, flag: string): void {
  const folder = dirname(resolve(path));
  const kind = kindOf(folder);
  if (kind === 'missing') throw new InvalidConfigError(`${flag} ${path}: folder ${folder} does not exist`);
  if (kind === 'file') throw new InvalidConfigError(`${flag} ${path}: ${folder} is not a folder`);
}

function kindOf(path: string): 'missing' | 'file' | 'folder' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
