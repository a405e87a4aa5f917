/**
 * The layering of docs/design.md, checked on the TypeScript source (type-only imports
 * vanish from the built files): core ← wire ← link ← transport ← runtime ← cli, with config (which
 * needs only core and util) below transport, runtime, sim and cli. An import pointing back up would tie the
 * layers into a cycle, and a core that reached for the clock or the network could no longer be
 * driven alike by the simulator, the property tests and the UDP runtime.
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

test('layers: each layer imports only the layers below it', (t) => {
  const below: Record<string, readonly string[]> = {
    core: [],
    wire: ['core'],
    link: ['core', 'wire'],
    transport: ['config', 'util', 'errors.js'],
    runtime: ['core', 'wire', 'link', 'transport', 'config', 'util', 'errors.js'],
    sim: ['core', 'wire', 'link', 'runtime', 'config', 'util', 'errors.js'],
    viz: ['core'],
  };
  for (const [layer, allowed] of Object.entries(below)) t.deepEqual(importsOutside(layer, [layer, ...allowed]), [], layer);
});

/** Every import of a module in src/`dir` that is not relative: node: builtins, bare builtins ('dgram') and packages. */
function packageImports(dir: string): string[] {
  const out: string[] = [];
  for (const file of readdirSync(src + dir).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(`${src}${dir}/${file}`, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom|\bimport\s*\(?)\s*'([^.'][^']*)'/g)) out.push(`${dir}/${file} imports ${m[1]}`);
  }
  return out;
}

test('layers: the core imports no module outside it, and wire and link never reach the network', (t) => {
  t.deepEqual(packageImports('core'), []);
  for (const layer of ['wire', 'link']) {
    t.deepEqual(packageImports(layer).filter((i) => /dgram|node:net|dns/.test(i)), [], layer);
  }
});

test('layers: the core is pure: no node: modules, clock, timers, randomness or process', (t) => {
  const banned = /from\s*'node:|\bimport\s*\(|\bDate\b|Math\.random|\bset(?:Timeout|Interval|Immediate)\b|\bperformance\b|\bprocess\./;
  const files = readdirSync(src + 'core').filter((f) => f.endsWith('.ts'));
  t.true(files.length > 0);
  for (const file of files) {
    const lines = readFileSync(`${src}core/${file}`, 'utf8').split('\n');
    const hits = lines.map((l, i) => [l, i + 1] as const).filter(([l]) => banned.test(l)).map(([l, i]) => `core/${file}:${i}: ${l.trim()}`);
    t.deepEqual(hits, [], file);
  }
});
