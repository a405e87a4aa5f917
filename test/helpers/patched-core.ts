/**
 * A copy of the ring election's core with a hand-made mutant in it, loaded beside the real one:
 * the files of src/core (not its subfolders) are transpiled into a scratch folder, the mutant's
 * snippets replaced first. Each snippet must occur exactly once, so a test built on it fails
 * loudly when the source it names has changed, instead of silently testing unchanged code.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import type * as Announcing from '../../src/core/announcing-node.js';
import type * as Hs from '../../src/core/hs.js';

/** One change to one file of src/core: `from` (exactly once in the file) becomes `to`. */
export interface CoreChange {
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

export type PatchedCore = typeof Hs & typeof Announcing;

const CORE = 'src/core';

/** Loads hs.js and announcing-node.js from a copy of src/core with `changes` applied; `dispose` removes the copy. */
export async function loadPatchedCore(changes: readonly CoreChange[]): Promise<{ core: PatchedCore; dispose: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-core-'));
  const fail = (why: string) => {
    rmSync(dir, { recursive: true, force: true });
    return new Error(why);
  };
  const files = readdirSync(CORE).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  for (const c of changes) if (!files.includes(c.file)) throw fail(`no file ${CORE}/${c.file}`);
  // ES modules, as in the project, which the scratch folder is outside of.
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  for (const file of files) {
    let source = readFileSync(join(CORE, file), 'utf8');
    for (const c of changes.filter((x) => x.file === file)) {
      const at = source.indexOf(c.from);
      if (at < 0 || source.indexOf(c.from, at + 1) >= 0) throw fail(`${CORE}/${file} must contain exactly once: ${c.from}`);
      source = source.slice(0, at) + c.to + source.slice(at + c.from.length);
    }
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), js);
  }
  const load = (name: string) => import(pathToFileURL(resolve(dir, name)).href);
  const core = { ...(await load('announcing-node.js')), ...(await load('hs.js')) } as PatchedCore;
  return { core, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
