/**
 * The layering of docs/design.md, checked on the TypeScript source (type-only imports count
 * too: a type from above ties the layers as surely as a value): core ← wire ← link ← node ←
 * transport/runtime ← cluster/cli/bench, with config (which needs only core and util) below
 * transport, sim over core..node, and viz over core alone. Every folder of src/ and every
 * top-level module has a rule; a new one fails this test until it gets one. Nothing imports the
 * CLI, and the core stays pure, so the simulator, the property tests and the UDP runtime drive it
 * alike.
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** What each folder (and top-level module) of src/ may import, besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  'errors.ts': [],
  util: [],
  core: [],
  wire: ['core'],
  link: ['core', 'wire'],
  node: ['core', 'wire', 'link'],
  config: ['core', 'util', 'errors.ts'],
  transport: ['config', 'util', 'errors.ts'],
  runtime: ['core', 'wire', 'link', 'node', 'transport', 'config', 'util', 'errors.ts'],
  sim: ['core', 'wire', 'link', 'node', 'config', 'util', 'errors.ts'],
  viz: ['core'],
  cluster: ['core', 'wire', 'link', 'node', 'transport', 'runtime', 'sim', 'config', 'util', 'errors.ts'],
  bench: ['core', 'wire', 'link', 'node', 'transport', 'runtime', 'sim', 'cluster', 'config', 'util', 'errors.ts'],
  cli: ['core', 'wire', 'link', 'node', 'transport', 'runtime', 'sim', 'cluster', 'bench', 'viz', 'config', 'util', 'errors.ts'],
  'index.ts': ['runtime', 'node', 'core', 'config', 'link', 'errors.ts'],
};

/** Every .ts file under src/`entry` (a folder, or one top-level module), relative to src/. */
function filesOf(entry: string): string[] {
  if (!statSync(src + entry).isDirectory()) return [entry];
  return readdirSync(src + entry, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${entry}/${f}`);
}

/** The top-level entry of src/ (folder or module) a relative import in src/`file` reaches. */
function topOf(file: string, spec: string): string {
  const top = posix.normalize(posix.join(posix.dirname(file), spec)).split('/')[0]!;
  return top.replace(/\.js$/, '.ts');
}

/** The module specifiers `text` imports: static imports and re-exports (one line, or the closing line of a list), and dynamic import('x'). */
function specifiers(text: string): string[] {
  const found = [...text.matchAll(/^(?:import|export|\})[^'\n]*\sfrom\s*'([^']+)';?\s*$/gm), ...text.matchAll(/^import\s*'([^']+)';?\s*$/gm), ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)];
  return found.map((m) => m[1]!);
}

/** "file imports target" for each relative import of `entry`'s files that reaches outside `allowed`. */
function importsOutside(entry: string, allowed: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of filesOf(entry)) {
    const text = readFileSync(src + file, 'utf8');
    for (const spec of specifiers(text).filter((x) => x.startsWith('.'))) {
      const top = topOf(file, spec);
      if (top !== entry && !allowed.includes(top)) out.push(`${file} imports ${spec}`);
    }
  }
  return out;
}

test('layers: every folder and top-level module of src/ has a rule', (t) => {
  const entries = readdirSync(src).filter((e) => e.endsWith('.ts') || statSync(src + e).isDirectory());
  t.true(entries.length > 5, `src/ found at ${src}`);
  t.deepEqual(entries.filter((e) => !(e in ALLOWED)), [], 'entries of src/ without a rule in ALLOWED');
});

test('layers: each layer imports only the layers below it', (t) => {
  for (const [entry, allowed] of Object.entries(ALLOWED)) {
    if (!readdirSync(src).includes(entry)) continue;
    t.deepEqual(importsOutside(entry, allowed), [], entry);
  }
});

test('layers: nothing outside the CLI imports it, and the bench imports neither the CLI nor the viewer', (t) => {
  for (const entry of Object.keys(ALLOWED).filter((e) => e !== 'cli')) {
    t.deepEqual(importsOutside(entry, Object.keys(ALLOWED).filter((e) => e !== 'cli')), [], entry);
  }
  t.false(ALLOWED.bench!.includes('cli'));
  t.false(ALLOWED.bench!.includes('viz'));
});

/** Every import of a module in src/`entry` that is not relative: node: builtins, bare builtins ('dgram') and packages. */
function packageImports(entry: string): string[] {
  const out: string[] = [];
  for (const file of filesOf(entry)) {
    const text = readFileSync(src + file, 'utf8');
    for (const spec of specifiers(text).filter((x) => !x.startsWith('.'))) out.push(`${file} imports ${spec}`);
  }
  return out;
}

test('layers: the core imports no module outside it, and wire, link and node never reach the network', (t) => {
  t.deepEqual(packageImports('core'), []);
  for (const layer of ['wire', 'link', 'node']) {
    t.deepEqual(packageImports(layer).filter((i) => /dgram|node:net|dns/.test(i)), [], layer);
  }
});

test('layers: src/ imports only runtime dependencies and Node builtins, never a dev dependency', (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  // Optional peers (the plotting library) are loaded only where a command needs them, with a clear message if absent.
  const runtime = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const bad: string[] = [];
  for (const entry of Object.keys(ALLOWED)) {
    if (!readdirSync(src).includes(entry)) continue;
    for (const line of packageImports(entry)) {
      const name = line.split(' imports ')[1]!;
      const pkgName = name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!;
      if (name.startsWith('node:') || runtime.has(pkgName)) continue;
      if (['events', 'dgram', 'net', 'fs', 'path', 'url', 'os', 'crypto'].includes(pkgName)) continue;
      bad.push(line);
    }
  }
  t.deepEqual(bad, []);
});

test('layers: the core and the node layer are pure: no node: modules, clock, timers, randomness or process', (t) => {
  const banned = /from\s*'node:|\bimport\s*\(|\bDate\b|Math\.random|\bset(?:Timeout|Interval|Immediate)\b|\bperformance\b|\bprocess\./;
  for (const entry of ['core', 'node']) {
    const files = filesOf(entry);
    t.true(files.length > 0);
    for (const file of files) {
      const lines = readFileSync(src + file, 'utf8').split('\n');
      const hits = lines.map((l, i) => [l, i + 1] as const).filter(([l]) => banned.test(l)).map(([l, i]) => `${file}:${i}: ${l.trim()}`);
      t.deepEqual(hits, [], file);
    }
    t.deepEqual(packageImports(entry), [], entry);
  }
});

test('layers: the verdict is pure: node/verdict.ts imports nothing and touches no clock or process', (t) => {
  const text = readFileSync(src + 'node/verdict.ts', 'utf8');
  t.notRegex(text, /\bimport\b|\bDate\b|\bperformance\b|\bprocess\.|Math\.random/);
});
