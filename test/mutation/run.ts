/**
 * `npm run mutation`: Stryker over each folder of MUTATION_FOLDERS with that folder's focused
 * tests, then the score per folder with the listed equivalents left out (score.ts).
 *
 *   npm run mutation                       every folder but the opt-in ones
 *   npm run mutation -- src/core           one folder
 *   npm run mutation -- src/core/leadership   an opt-in folder (folders.ts)
 *   npm run mutation -- --files src/core/hs.ts   only these files, or lines (src/node/ring.ts:20-25):
 *                                          a rerun whose results replace those of the same mutants in the folder's report
 *   npm run mutation -- --concurrency 1    Stryker's parallel test processes (default 2)
 *   npm run mutation -- --score-only       rescore the last reports (after editing equivalent.json)
 *
 * Reports go to dist/mutation/<folder>.json and .html, the sandboxes to dist/mutation/tmp (both
 * under dist/, which git ignores). Exit code 1 if a folder scores below THRESHOLD.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogLevel } from '@stryker-mutator/api/core';
import { Stryker } from '@stryker-mutator/core';
import { type MutationFolder, MUTATION_FOLDERS } from './folders.js';
import { type FolderScore, mergeRerun, readEquivalents, readReport, scoreFolder } from './score.js';

/** The score every folder must reach, equivalents excluded. */
export const THRESHOLD = 90;
const OUT = 'dist/mutation';
const EQUIVALENTS = 'test/mutation/equivalent.json';
/**
 * A mutant may take TIMEOUT_FACTOR times the unmutated run plus TIMEOUT_MS. The unmutated run is
 * timed once, at the start; the shared machine's load can triple before the end, and a survivor
 * slowed that much must not pass for a mutant that loops (Stryker counts a timeout as detected).
 */
const TIMEOUT_MS = 20_000;
const TIMEOUT_FACTOR = 3;
/** A mutant that timed out is run again alone with this long: the load, not the mutant, may have been slow. */
const RECHECK_MS = 180_000;
/** Preloaded into each test process: a property stops at its first counterexample (no shrinking). */
const PRELOAD = './dist/test/mutation/stop-at-first-failure.js';

/** A tool in this checkout's node_modules, by absolute path: the sandbox has no node_modules of its own to run from. */
function tool(path: string): string {
  return resolve('node_modules', path);
}

function reportName(folder: string): string {
  return folder.replace(/^src\//, '').replace(/\//g, '-');
}

function parseArgs(argv: readonly string[]): { folders: MutationFolder[]; files: string[]; concurrency: number; scoreOnly: boolean } {
  const folders: MutationFolder[] = [];
  const files: string[] = [];
  let concurrency = 2;
  let scoreOnly = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--concurrency') concurrency = Number(argv[++i]);
    else if (a === '--files') while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) files.push(argv[++i]!);
    else if (a === '--score-only') scoreOnly = true;
    else {
      const f = MUTATION_FOLDERS.find((m) => m.folder === a.replace(/\/$/, ''));
      if (!f) throw new Error(`unknown folder ${a}; known: ${MUTATION_FOLDERS.map((m) => m.folder).join(', ')}`);
      folders.push(f);
    }
  }
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) throw new Error('--concurrency must be a positive integer');
  for (const file of files) {
    // The deepest folder holding the file (src/core/leadership before src/core).
    const owner = MUTATION_FOLDERS.filter((m) => file.startsWith(`${m.folder}/`)).sort((a, b) => b.folder.length - a.folder.length)[0];
    if (!owner) throw new Error(`${file} is in none of ${MUTATION_FOLDERS.map((m) => m.folder).join(', ')}`);
    if (!folders.includes(owner)) folders.push(owner);
  }
  return { folders: folders.length > 0 ? folders : MUTATION_FOLDERS.filter((m) => !m.optIn), files, concurrency, scoreOnly };
}

async function mutate(f: MutationFolder, files: readonly string[], concurrency: number): Promise<void> {
  const own = files.filter((file) => file.startsWith(`${f.folder}/`));
  const mutate = own.length > 0 ? own : [`${f.folder}/**/*.ts`, ...(f.skip ?? []).map((s) => `!${f.folder}/${s}`)];
  // A run over some files only (--files) is kept apart and merged into the folder's full report when scoring.
  const name = own.length > 0 ? `${reportName(f.folder)}.rerun` : reportName(f.folder);
  if (own.length === 0) rmSync(`${OUT}/${name}.rerun.json`, { force: true });
  const started = Date.now();
  const command = `node ${tool('ava/entrypoints/cli.mjs')} --fail-fast --timeout=60s --node-arguments="--import=${PRELOAD}" ${f.tests.join(' ')}`;
  // Kept until the timed-out mutants are rechecked in it.
  rmSync(`${OUT}/tmp`, { recursive: true, force: true });
  const results = await new Stryker({
    mutate,
    testRunner: 'command',
    // ava directly (no npx): a mutant costs its tests' time only. --fail-fast: one failure kills it.
    commandRunner: { command },
    // Once per run: the sandbox holds every mutant behind a switch, which the command's environment sets.
    buildCommand: `node ${tool('typescript/bin/tsc')} -p tsconfig.json`,
    coverageAnalysis: 'off',
    concurrency,
    timeoutMS: TIMEOUT_MS,
    timeoutFactor: TIMEOUT_FACTOR,
    tempDirName: `${OUT}/tmp`,
    cleanTempDir: false,
    ignorePatterns: ['dist', 'results', 'tla/states', 'docs', 'examples'],
    reporters: ['json', 'html', 'progress'],
    jsonReporter: { fileName: `${OUT}/${name}.json` },
    htmlReporter: { fileName: `${OUT}/${name}.html` },
    fileLogLevel: 'off' as LogLevel,
    logLevel: 'info' as LogLevel,
    plugins: [],
  }).runMutationTest();
  console.log(`${f.folder}: Stryker took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
  await recheckTimeouts(`${OUT}/${name}.json`, command, results.filter((r) => r.status === 'Timeout').map((r) => r.id), concurrency);
  rmSync(`${OUT}/tmp`, { recursive: true, force: true });
  // A --files run over a folder already run in full: fold its results into the full report at
  // once, so that successive reruns add up rather than replace each other.
  const full = `${OUT}/${reportName(f.folder)}.json`;
  if (own.length > 0 && existsSync(full)) foldRerun(full, `${OUT}/${name}.json`);
}

/** Runs `command` in `cwd` with mutant `id` switched on; its status, or Timeout after `ms` (the whole process group is killed). */
function runMutant(command: string, cwd: string, id: string, ms: number): Promise<'Killed' | 'Survived' | 'Timeout'> {
  return new Promise((done) => {
    const child = spawn(command, { cwd, shell: true, detached: true, stdio: 'ignore', env: { ...process.env, __STRYKER_ACTIVE_MUTANT__: id } });
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      done('Timeout');
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done(code === 0 ? 'Survived' : 'Killed');
    });
  });
}

/**
 * Each mutant Stryker timed out on, run again in the sandbox (`concurrency` at a time) with RECHECK_MS: one that now
 * passes was a survivor the machine's load slowed, one that fails is killed, and only one that
 * still runs out keeps Timeout (it loops). The JSON report is updated; the HTML one is Stryker's.
 */
async function recheckTimeouts(report: string, command: string, ids: readonly string[], concurrency: number): Promise<void> {
  if (ids.length === 0) return;
  const sandbox = readdirSync(`${OUT}/tmp`).find((d) => d.startsWith('sandbox-'));
  if (!sandbox || !existsSync(report)) throw new Error(`cannot recheck ${ids.length} timed-out mutants: no sandbox or report`);
  const status = new Map<string, string>();
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) status.set(id, await runMutant(command, `${OUT}/tmp/${sandbox}`, id, RECHECK_MS));
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const r = readReport(report);
  const files = Object.fromEntries(Object.entries(r.files).map(([f, v]) => [f, { ...v, mutants: v.mutants.map((m) => ({ ...m, status: status.get(m.id) ?? m.status })) }]));
  writeFileSync(report, JSON.stringify({ ...r, files }));
  const counts = [...status.values()].reduce<Record<string, number>>((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {});
  console.log(`${ids.length} timed-out mutants rechecked alone (${RECHECK_MS / 1000} s each at most): ${JSON.stringify(counts)}`);
}

/** Writes the full report with the rerun's statuses in place and removes the rerun's report. */
function foldRerun(full: string, rerun: string): void {
  const merged = mergeRerun(readReport(full), readReport(rerun));
  writeFileSync(full, JSON.stringify(merged.report));
  rmSync(rerun, { force: true });
  console.log(`${full}: ${merged.replaced} mutants rescored from the rerun`);
  for (const file of merged.stale) console.log(`  ${file} changed since the full run: its rerun results are not used (rerun the folder)`);
}

function print(folder: string, s: FolderScore): void {
  console.log(
    `${folder}: ${s.score} % (${s.detected} detected, ${s.missed} survived, ${s.equivalent} equivalent listed, ${s.invalid} invalid, ${s.total} mutants; Stryker's raw score ${s.rawScore} %)`,
  );
  for (const v of s.survivors.filter((x) => x.equivalent === undefined)) {
    console.log(`  SURVIVED ${v.file}:${v.line} ${v.mutator}: ${v.code}  ->  ${v.replacement.replace(/\s+/g, ' ')}`);
  }
  for (const e of s.unmatched) console.log(`  listed as equivalent but no such survivor (stale entry?): ${e.file} ${e.mutator} ${e.line}`);
}

async function main(): Promise<number> {
  const { folders, files, concurrency, scoreOnly } = parseArgs(process.argv.slice(2));
  mkdirSync(OUT, { recursive: true });
  if (!scoreOnly) for (const f of folders) await mutate(f, files, concurrency);
  const equivalents = readEquivalents(EQUIVALENTS);
  let below = false;
  for (const f of folders) {
    const base = `${OUT}/${reportName(f.folder)}`;
    if (!existsSync(`${base}.json`) && existsSync(`${base}.rerun.json`)) {
      // No full run of the folder yet: score what the --files run covered, and say so.
      const partial = readReport(`${base}.rerun.json`);
      console.log(`${f.folder}: no full run; only the files of the last --files run: ${Object.keys(partial.files).join(', ')}`);
      print(f.folder, scoreFolder(partial, f.folder, equivalents, f.skip));
      below = true;
      continue;
    }
    let report = readReport(`${base}.json`);
    if (existsSync(`${base}.rerun.json`)) {
      const merged = mergeRerun(report, readReport(`${base}.rerun.json`));
      report = merged.report;
      console.log(`${f.folder}: ${merged.replaced} mutants rescored from the later run over ${base}.rerun.json`);
      for (const file of merged.stale) console.log(`  ${file} changed since the full run: its later results are not used (rerun the folder)`);
    }
    const s = scoreFolder(report, f.folder, equivalents, f.skip);
    print(f.folder, s);
    if (s.score < THRESHOLD) below = true;
  }
  return below ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`mutation: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
