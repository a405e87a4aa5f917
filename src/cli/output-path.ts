import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/**
 * Checks, before any work is done, that `path` can be written as a file: its folder exists and
 * it is not itself a folder. A run whose output cannot be saved should fail in a second with one
 * line, not after minutes with a stack trace and its results lost.
 */
export function checkOutputFile(path: string, flag: string): void {
  if (!path) throw new ConfigError(`${flag} needs a file name`);
  const folder = dirname(resolve(path));
  const kind = kindOf(folder);
  if (kind === 'missing') throw new ConfigError(`${flag} ${path}: folder ${folder} does not exist`);
  if (kind === 'file') throw new ConfigError(`${flag} ${path}: ${folder} is not a folder`);
  if (kindOf(path) === 'folder') throw new ConfigError(`${flag} ${path}: is a folder, name a file`);
}

/** Creates the output folder `path` (and its parents) now, so that a bad path fails before the run. */
export function prepareOutputFolder(path: string, flag: string): void {
  if (!path) throw new ConfigError(`${flag} needs a folder name`);
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? 'a file is in the way' : code === 'EACCES' ? 'permission denied' : (code ?? 'error');
    throw new ConfigError(`${flag} ${path}: cannot create the folder (${why})`);
  }
}

function kindOf(path: string): 'missing' | 'file' | 'folder' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}
