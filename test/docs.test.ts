// The documents a user reads: a README short enough to read in five minutes, with no lab notebook
// in it; every relative link in README.md and docs/ leading somewhere; and `hs-ring --help`
// working after the documented install step (npm install -g of the packed tarball).
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const repo = process.cwd();
const docs = ['README.md', ...readdirSync(join(repo, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.*)$/gm)].map((m) => slug(m[1]!)));
}

test('README: under 10 KB, for a newcomer, with no dated measurement or history in it', (t) => {
  const text = readFileSync(join(repo, 'README.md'), 'utf8');
  t.true(Buffer.byteLength(text) < 10 * 1024, `README.md is ${Buffer.byteLength(text)} bytes`);
  t.deepEqual(text.match(/\b20\d\d-\d\d-\d\d\b/g) ?? [], [], 'no dates');
  t.deepEqual(text.match(/\b(was|before that|earlier:|re-measured)\b[^.\n]*\d/gi) ?? [], [], 'no "was N" history');
  for (const heading of ['Quick start', 'Use it as a library', 'Exit codes']) t.regex(text, new RegExp(`^## ${heading}$`, 'm'));
  for (const command of ['./run-ring.sh', 'npm ci && npm test', 'npm link', 'npx hs-ring', 'npm install -g']) t.true(text.includes(command), command);
  for (const d of docs.filter((f) => f !== 'README.md')) t.true(text.includes(`(${d})`), `README links ${d}`);
});

test('docs: every relative link in README.md and docs/*.md resolves to a file (and a heading, with #)', (t) => {
  const broken: string[] = [];
  let checked = 0;
  for (const doc of docs) {
    const text = readFileSync(join(repo, doc), 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/i.test(target)) continue;
      checked += 1;
      const [path, hash] = target.split('#') as [string, string | undefined];
      const file = path === '' ? join(repo, doc) : join(repo, dirname(doc), path);
      if (!existsSync(file)) broken.push(`${doc}: ${target} (no ${relative(repo, file)})`);
      else if (hash !== undefined && (statSync(file).isDirectory() || !anchors(file).has(hash))) broken.push(`${doc}: ${target} (no heading #${hash})`);
    }
  }
  t.true(checked > 20, `${checked} links checked`);
  t.deepEqual(broken, []);
});

test('install: `npm pack` builds first, and after `npm install -g` of the tarball, `hs-ring --help` works', async (t) => {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
  t.regex(pkg.scripts.prepack ?? '', /npm run build|tsc/, 'npm pack builds dist first (a fresh clone has none)');
  const bin = join(repo, pkg.bin['hs-ring']!);
  t.is(readFileSync(bin, 'utf8').split('\n')[0], '#!/usr/bin/env node', 'the bin starts with a shebang');

  const dir = mkdtempSync(join(tmpdir(), 'hs-ring-install-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // The suite has just built dist: pack it as is (--ignore-scripts skips prepack's second build).
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: repo });
  const tarball = join(dir, packed.stdout.trim().split('\n').pop()!);
  const prefix = join(dir, 'prefix');
  await exec('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], { timeout: 180_000 });
  const help = await exec(join(prefix, 'bin', 'hs-ring'), ['--help'], { env: { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}` } });
  t.regex(help.stdout, /Usage: hs-ring <command>/);
  t.regex(help.stdout, /hs-ring launch/);
  const version = await exec(join(prefix, 'bin', 'hs-ring'), ['--version']);
  t.is(version.stdout.trim(), '0.1.0');
});
