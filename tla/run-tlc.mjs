#!/usr/bin/env node
/**
 * Model-checks every model listed in tla/models.json and compares each outcome with the
 * expected one: result (pass/fail), the violated property of a non-property model, and the
 * recorded distinct-state count, so that a silent change of a model is noticed.
 *
 * Checker: TLC (java + tla2tools.jar) when available; the jar comes from $TLA2TOOLS_JAR, else
 * ~/.cache/hs-ring/tla2tools-1.7.4.jar, else a download of v1.7.4 checked against its sha256.
 * Without Java or a jar, or with --offline, it falls back to the npm package tla-checker (WASM)
 * on the models marked "offline", checking their invariants only: tla-checker passes liveness
 * properties that need fairness, so it is not trusted with them.
 *
 * Usage: node tla/run-tlc.mjs [--offline] [--json] [--only NAME[,NAME...]]
 * Exit status 0 iff every model behaved as expected. TLC writes its states into a temporary
 * directory, never into the repository.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The tla/ directory: specs, models and models.json. */
export const tlaDir = dirname(fileURLToPath(import.meta.url));

/** The TLA+ tools release the runner downloads, and the sha256 its jar must have. */
export const TLA_TOOLS_VERSION = '1.7.4';
export const TLA_TOOLS_URL = `https://github.com/tlaplus/tlaplus/releases/download/v${TLA_TOOLS_VERSION}/tla2tools.jar`;
export const TLA_TOOLS_SHA256 = '936a262061c914694dfd669a543be24573c45d5aa0ff20a8b96b23d01e050e88';
const cachedJar = join(homedir(), '.cache', 'hs-ring', `tla2tools-${TLA_TOOLS_VERSION}.jar`);
const second = 1000;
const downloadTimeout = 30 * second;

/** The model table: name, files, expected outcome and recorded state counts. */
export function loadModels() {
  return JSON.parse(readFileSync(join(tlaDir, 'models.json'), 'utf8')).models;
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** True when a `java` binary runs. */
export function javaAvailable() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Finds tla2tools.jar: { jar, source } or { jar: undefined, reasons } listing why each source failed.
 * `log` receives progress messages (the download attempt).
 */
export async function findJar(log = () => {}, { download = true } = {}) {
  const reasons = [];
  const fromEnv = process.env.TLA2TOOLS_JAR;
  if (fromEnv) {
    if (existsSync(fromEnv)) return { jar: fromEnv, source: `$TLA2TOOLS_JAR (${fromEnv})` };
    reasons.push(`$TLA2TOOLS_JAR=${fromEnv} does not exist`);
  }
  if (existsSync(cachedJar)) {
    if (sha256(cachedJar) === TLA_TOOLS_SHA256) return { jar: cachedJar, source: `cache (${cachedJar})` };
    reasons.push(`${cachedJar} does not have the sha256 of v${TLA_TOOLS_VERSION}; ignored`);
  }
  if (!download) {
    reasons.push('no download attempted');
    return { jar: undefined, reasons };
  }
  log(`downloading tla2tools.jar v${TLA_TOOLS_VERSION} from ${TLA_TOOLS_URL}`);
  try {
    const response = await fetch(TLA_TOOLS_URL, { signal: AbortSignal.timeout(downloadTimeout) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== TLA_TOOLS_SHA256) throw new Error(`sha256 ${digest} is not the expected ${TLA_TOOLS_SHA256}`);
    mkdirSync(dirname(cachedJar), { recursive: true });
    // Write then rename, so an interrupted download never leaves a truncated jar in the cache.
    writeFileSync(`${cachedJar}.part`, bytes);
    renameSync(`${cachedJar}.part`, cachedJar);
    return { jar: cachedJar, source: `download (${TLA_TOOLS_URL}, cached in ${cachedJar})` };
  } catch (error) {
    const cause = error?.cause?.code ?? error?.cause?.message ?? '';
    // Where only the npm registry and Debian are reachable this always fails: say what to do instead.
    reasons.push(`download of ${TLA_TOOLS_URL} failed: ${error.message}${cause ? ` (${cause})` : ''}; `
      + 'TLC is in no package registry: copy a tla2tools.jar onto this machine and set TLA2TOOLS_JAR to its path');
  }
  return { jar: undefined, reasons };
}

/** Copies every .tla and .cfg of `dir` into a fresh temporary directory, so TLC writes nothing here. */
function scratchCopy(dir) {
  const work = mkdtempSync(join(tmpdir(), 'hs-ring-tlc-'));
  for (const f of readdirSync(dir)) if (f.endsWith('.tla') || f.endsWith('.cfg')) copyFileSync(join(dir, f), join(work, f));
  return work;
}

/** Reads TLC's output: outcome, violated property, distinct states. */
export function parseTlcOutput(out) {
  // The final count, not one from a Progress(...) line.
  const counts = [...out.matchAll(/([\d,]+) distinct states found/g)];
  const distinctStates = counts.length ? Number(counts[counts.length - 1][1].replaceAll(',', '')) : undefined;
  if (/Model checking completed\. No error has been found\./.test(out)) return { outcome: 'pass', distinctStates };
  const inv = /Error: Invariant (\w+) is violated/.exec(out);
  if (inv) return { outcome: 'fail', violated: inv[1], distinctStates };
  if (/Error: Temporal properties were violated/.test(out)) return { outcome: 'fail', violated: 'temporal property', distinctStates };
  if (/Error: Deadlock reached/.test(out)) return { outcome: 'fail', violated: 'deadlock', distinctStates };
  const err = /Error: (.*)/.exec(out);
  return { outcome: 'error', violated: err ? err[1] : 'TLC did not finish', distinctStates };
}

/**
 * Runs TLC on `module` with `config`, both files in `dir` (copied to a temporary directory first).
 * Returns { outcome: 'pass' | 'fail' | 'error', violated?, distinctStates?, seconds, output }.
 */
export function runTlc(jar, dir, module, config) {
  const work = scratchCopy(dir);
  const began = Date.now();
  try {
    const r = spawnSync(
      'java',
      ['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-workers', 'auto', '-metadir', join(work, 'states'),
        '-cleanup', '-config', config, module],
      { cwd: work, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    return { ...parseTlcOutput(output), seconds: (Date.now() - began) / second, output };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// tla-checker (WASM) fallback

let tlaChecker;
/** Loads tla-checker, or returns undefined when the package is not installed. */
export function loadTlaChecker() {
  if (tlaChecker !== undefined) return tlaChecker || undefined;
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('tla-checker');
    tlaChecker = { main, wasm: join(dirname(main), 'tla_checker_bg.wasm') };
  } catch {
    tlaChecker = false;
    return undefined;
  }
  return tlaChecker;
}

async function tlaCheckerModule() {
  const found = loadTlaChecker();
  if (!found) throw new Error('npm package tla-checker is not installed (npm install)');
  const mod = await import(found.main);
  if (!found.ready) {
    mod.initSync({ module: readFileSync(found.wasm) });
    found.ready = true;
  }
  return mod;
}

/**
 * tla-checker takes one module as a string: inline the user modules that `name` EXTENDS (found
 * in `dir`), keeping standard modules in one EXTENDS line.
 */
export function flattenModule(dir, name, sources = {}) {
  const standard = new Set();
  const seen = new Set();
  const bodies = [];
  const read = (m) => sources[m] ?? readFileSync(join(dir, `${m}.tla`), 'utf8');
  const isUser = (m) => m in sources || existsSync(join(dir, `${m}.tla`));
  const visit = (m) => {
    if (seen.has(m)) return;
    seen.add(m);
    const lines = read(m).split('\n');
    const start = lines.findIndex((l) => /^-{4,}\s*MODULE\s+\w+\s*-{4,}\s*$/.test(l));
    const end = lines.findIndex((l) => /^={4,}\s*$/.test(l));
    if (start < 0 || end < 0) throw new Error(`${m}.tla: no module header or footer`);
    const body = [];
    for (const line of lines.slice(start + 1, end)) {
      const ext = /^EXTENDS\s+(.*)$/.exec(line);
      if (!ext) {
        body.push(line);
        continue;
      }
      for (const e of ext[1].split(',').map((s) => s.trim()).filter(Boolean)) {
        if (isUser(e)) visit(e);
        else standard.add(e);
      }
    }
    bodies.push(`\\* ---- from ${m}.tla ----`, ...body);
  };
  visit(name);
  // tla-checker keeps only one VARIABLES declaration: fold later one-line declarations into the first.
  const first = bodies.findIndex((l) => /^VARIABLES?\b/.test(l));
  const extra = [];
  for (let k = first + 1; first >= 0 && k < bodies.length; k++) {
    const decl = /^VARIABLES?\s+([\w\s,]+?)\s*(\\\*.*)?$/.exec(bodies[k]);
    if (decl) {
      extra.push(...decl[1].split(',').map((v) => v.trim()));
      bodies[k] = `\\* (declared above) ${bodies[k]}`;
    }
  }
  if (extra.length) bodies[first] = bodies[first].replace(/^VARIABLES?/, `VARIABLES ${extra.join(', ')},`);
  return [`---- MODULE ${name} ----`, `EXTENDS ${[...standard].join(', ')}`, ...bodies, '===='].join('\n');
}

/**
 * tla-checker's cfg parser has no `C <- D`: declare nothing for C and define C == D instead, at
 * the end of the flattened source (tla-checker resolves definitions regardless of their order).
 * Returns { source, cfg } without the substitutions.
 */
export function inlineSubstitutions(source, cfg) {
  const subs = [...cfg.matchAll(/^\s*(\w+)\s*<-\s*(\w+)\s*$/gm)].map((m) => [m[1], m[2]]);
  let out = source;
  for (const [c] of subs) {
    out = out.replace(new RegExp(`^(CONSTANTS?\\s+.*)$`, 'm'), (line) =>
      line.replace(new RegExp(`,\\s*${c}\\b|\\b${c}\\s*,\\s*`), ''),
    );
  }
  const defs = subs.map(([c, d]) => `${c} == ${d}`).join('\n');
  out = out.replace(/\n====$/, `\n${defs}\n====`);
  return { source: out, cfg: cfg.replace(/^\s*\w+\s*<-\s*\w+\s*$/gm, '') };
}

/** Drops what tla-checker must not judge: temporal PROPERTIES (fairness is not honoured) and VIEW. */
export function safetyOnlyConfig(cfg) {
  const out = [];
  let skipping = false;
  for (const line of cfg.split('\n')) {
    const keyword = /^([A-Z_]+)\b/.exec(line)?.[1];
    if (keyword) skipping = keyword === 'PROPERTY' || keyword === 'PROPERTIES' || keyword === 'VIEW';
    if (!skipping) out.push(line);
  }
  return out.join('\n');
}

/** The invariant names of a cfg, in order: tla-checker reports a violated invariant by index. */
export function invariantNames(cfg) {
  const names = [];
  let inInvariants = false;
  for (const raw of cfg.split('\n')) {
    const line = raw.replace(/\\\*.*$/, '');
    const keyword = /^([A-Z_]+)\b/.exec(line)?.[1];
    if (keyword) {
      inInvariants = keyword === 'INVARIANT' || keyword === 'INVARIANTS';
      if (inInvariants) names.push(...line.slice(keyword.length).trim().split(/\s+/).filter(Boolean));
    } else if (inInvariants) names.push(...line.trim().split(/\s+/).filter(Boolean));
  }
  return names;
}

/**
 * Checks a single-module source with tla-checker against the safety part of `cfg`.
 * Returns { outcome, violated?, distinctStates?, seconds, output }.
 */
export async function runTlaChecker(source, cfg, { maxStates = 5_000_000, maxDepth = 100_000 } = {}) {
  const mod = await tlaCheckerModule();
  ({ source, cfg } = inlineSubstitutions(source, cfg));
  const safeCfg = safetyOnlyConfig(cfg);
  const began = Date.now();
  const raw = mod.check_spec_with_options(
    source,
    JSON.stringify({ cfg_source: safeCfg, max_states: maxStates, max_depth: maxDepth, allow_deadlock: false }),
  );
  const seconds = (Date.now() - began) / second;
  const r = JSON.parse(raw);
  const distinctStates = r.states_explored;
  if (r.success) return { outcome: 'pass', distinctStates, seconds, output: raw };
  const index = /Invariant (\d+) violated/.exec(r.error_message ?? '');
  if (r.error_type === 'InvariantViolation' && index) {
    const violated = invariantNames(safeCfg)[Number(index[1])] ?? `invariant #${index[1]}`;
    return { outcome: 'fail', violated, distinctStates, seconds, output: raw };
  }
  if (/deadlock/i.test(`${r.error_type} ${r.error_message}`)) {
    return { outcome: 'fail', violated: 'deadlock', distinctStates, seconds, output: raw };
  }
  return { outcome: 'error', violated: `${r.error_type}: ${r.error_message}`, distinctStates, seconds, output: raw };
}

// ---------------------------------------------------------------------------------------------

/** Compares a result with the model's expectations; returns the list of mismatches. */
function mismatches(model, result, checker) {
  const problems = [];
  if (result.outcome !== model.expect) problems.push(`expected ${model.expect}, got ${result.outcome}${result.violated ? ` (${result.violated})` : ''}`);
  else if (model.expect === 'fail' && model.violated && result.violated !== model.violated)
    problems.push(`expected ${model.violated} violated, got ${result.violated}`);
  const recorded = checker === 'TLC' ? model.distinctStates : model.offlineStates;
  // A failing run stops early: its count depends on worker timing, so only passing runs are pinned.
  if (model.expect === 'pass' && recorded !== undefined && result.distinctStates !== recorded)
    problems.push(`distinct states ${result.distinctStates}, recorded ${recorded}: the model changed (update tla/models.json if intended)`);
  return problems;
}

/** Runs the models and returns { checker, note, results, ok }. */
export async function runModels({ offline = false, only, log = () => {} } = {}) {
  let models = loadModels();
  if (only) models = models.filter((m) => only.includes(m.name));
  let checker = 'TLC';
  let note = '';
  let jar;
  if (offline) {
    checker = 'tla-checker';
    note = '--offline: TLC not used';
  } else if (!javaAvailable()) {
    checker = 'tla-checker';
    note = 'java not found on PATH';
  } else {
    const found = await findJar(log);
    if (found.jar) {
      jar = found.jar;
      note = `tla2tools.jar from ${found.source}`;
    } else {
      checker = 'tla-checker';
      note = `no tla2tools.jar: ${found.reasons.join('; ')}`;
    }
  }
  if (checker === 'tla-checker') {
    log(`TLC unavailable (${note}); falling back to tla-checker (WASM) on the small models, invariants only`);
    if (!loadTlaChecker()) {
      return { checker: 'none', note: `${note}; tla-checker not installed either (run npm install)`, results: [], ok: false };
    }
    models = models.filter((m) => m.offline);
  }
  const results = [];
  for (const model of models) {
    log(`${model.name}: checking with ${checker} ...`);
    const result =
      checker === 'TLC'
        ? runTlc(jar, tlaDir, model.module, model.config)
        : await runTlaChecker(
            flattenModule(tlaDir, model.module.replace(/\.tla$/, '')),
            readFileSync(join(tlaDir, model.config), 'utf8'),
          );
    const problems = mismatches(model, result, checker);
    const entry = {
      name: model.name,
      checker,
      expect: model.expect,
      outcome: result.outcome,
      violated: result.violated,
      distinctStates: result.distinctStates,
      recordedStates: checker === 'TLC' ? model.distinctStates : model.offlineStates,
      seconds: result.seconds,
      ok: problems.length === 0,
      problems,
    };
    if (!entry.ok && result.outcome === 'error') entry.output = result.output.slice(-4000);
    results.push(entry);
    log(formatRow(entry));
  }
  return { checker, note, results, ok: results.length > 0 && results.every((r) => r.ok) };
}

function formatRow(r) {
  const outcome = r.outcome + (r.violated ? ` (${r.violated})` : '');
  const verdict = r.ok ? 'as expected' : `UNEXPECTED: ${r.problems.join('; ')}`;
  return `${r.name.padEnd(16)} ${outcome.padEnd(34)} ${String(r.distinctStates ?? '?').padStart(9)} states ${r.seconds.toFixed(1).padStart(7)} s  ${verdict}`;
}

async function main(argv) {
  const offline = argv.includes('--offline');
  const json = argv.includes('--json');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? argv[onlyIndex + 1]?.split(',') : undefined;
  const log = json ? () => {} : (s) => console.log(s);
  const report = await runModels({ offline, only, log });
  if (json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`checker: ${report.checker} (${report.note})`);
    if (report.checker === 'tla-checker') console.log('tla-checker checked invariants only; liveness needs TLC.');
    for (const r of report.results) if (r.output) console.log(`--- ${r.name} output ---\n${r.output}`);
    console.log(report.ok ? 'all models as expected' : 'SOME MODELS DID NOT BEHAVE AS EXPECTED');
  }
  return report.ok ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(error);
    process.exit(2);
  });
}
