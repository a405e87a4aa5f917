/**
 * The layering of README's architecture, checked on the TypeScript source (type-only imports
 * vanish from the built files): config is a leaf that transport, runtime, sim and cli import, so
 * an import from config back up into any of them would tie the layers into a cycle.
 */
import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** "file imports target" for each relative import of a module in src/`dir` whose top folder (or top-level module) is not in `allowed`. */
function importsOutside(dir: string, allowed: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of readdirSync(src + dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(`${src}${dir}/${file}`, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom|\bimport\s*\(?)\s*'(\.{1,2}\/[^']+)'/g)) {
      const top = posix.normalize(`${dir}/${m[1]}`).split('/')[0]!;
      if (!allowed.includes(top)) out.push(`${dir}/${file} imports ${m[1]}`);
    }
  }
  return out;
}

test('layers: src/config imports only core, util and errors, never transport, runtime, link, sim or cli', (t) => {
  t.true(readdirSync(src + 'config').length > 0, `src/config found at ${src}`);
  t.deepEqual(importsOutside('config', ['config', 'core', 'util', 'errors.js']), []);
});
