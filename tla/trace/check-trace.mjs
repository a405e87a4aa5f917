#!/usr/bin/env node
/**
 * Checks that a JSON-lines trace of the core (see trace-to-tla.mjs for the format) is a behaviour
 * of tla/HirschbergSinclair.tla, by model-checking the generated TraceHS module: with TLC when
 * Java and a tla2tools.jar ($TLA2TOOLS_JAR or the cache of run-tlc.mjs) are there, else with the
 * npm tla-checker. The check always goes through the TLA+ spec.
 *
 * Usage: node tla/trace/check-trace.mjs trace.jsonl [--offline] [--json]
 * Exit status: 0 the trace is a behaviour of the spec; 1 it is not; 2 the trace or the checker
 * could not be used.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findJar, flattenModule, javaAvailable, loadTlaChecker, runTlaChecker, runTlc, tlaDir } from '../run-tlc.mjs';
import { TRACE_MODULE, parseTrace, traceToTla } from './trace-to-tla.mjs';

/** Picks the checker: TLC if Java and a local jar are there (no download), else tla-checker. */
async function chooseChecker(offline) {
  if (!offline && javaAvailable()) {
    const { jar } = await findJar(() => {}, { download: false });
    if (jar) return { checker: 'TLC', jar };
  }
  if (loadTlaChecker()) return { checker: 'tla-checker' };
  return { checker: 'none' };
}

/**
 * tla-checker evaluates a definition at every use, so `Trace == <<...>>` costs time linear in the
 * trace at every step; given as a constant in the cfg it is evaluated once (3x faster at N = 5).
 * TLC's cfg has no records, so TLC keeps the definition.
 */
function traceAsConstant(source, cfg) {
  const m = /\nTrace == (<<[\s\S]*?\n>>)\n/.exec(source);
  if (!m) throw new Error('generated module has no Trace definition');
  return { source: source.replace(m[0], '\nCONSTANT Trace\n'), cfg: `${cfg}CONSTANT Trace = ${m[1].replace(/\n\s*/g, ' ')}\n` };
}

/** The index of the trace event replayed last in a checker's counterexample: the first that failed is next. */
function stuckAt(output) {
  const all = [...output.matchAll(/\bi = (\d+)/g)];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
}

/**
 * Checks trace text. Returns { ok, checker, events, seconds, reason?, failedEvent?, failedLine? }.
 * ok is true iff every event is a step of the spec and every invariant holds along the way.
 */
export async function checkTrace(text, { offline = false } = {}) {
  const parsed = parseTrace(text);
  const generated = traceToTla(parsed);
  const { checker, jar } = await chooseChecker(offline);
  let result;
  if (checker === 'TLC') {
    const dir = mkdtempSync(join(tmpdir(), 'hs-ring-trace-'));
    try {
      copyFileSync(join(tlaDir, 'HirschbergSinclair.tla'), join(dir, 'HirschbergSinclair.tla'));
      writeFileSync(join(dir, `${TRACE_MODULE}.tla`), generated.source);
      writeFileSync(join(dir, `${TRACE_MODULE}.cfg`), generated.cfg);
      result = runTlc(jar, dir, `${TRACE_MODULE}.tla`, `${TRACE_MODULE}.cfg`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else if (checker === 'tla-checker') {
    const { source, cfg } = traceAsConstant(flattenModule(tlaDir, TRACE_MODULE, { [TRACE_MODULE]: generated.source }), generated.cfg);
    result = await runTlaChecker(source, cfg, { maxStates: generated.length + 10, maxDepth: generated.length + 10 });
  } else {
    return { ok: false, checker, events: generated.length, seconds: 0, reason: 'no checker: neither TLC (java + tla2tools.jar) nor the npm tla-checker is available' };
  }
  const report = { ok: result.outcome === 'pass', checker, events: generated.length, seconds: result.seconds };
  if (result.outcome === 'pass') {
    // The replay must have reached the end: one state per event plus the initial one.
    if (result.distinctStates !== undefined && result.distinctStates !== generated.length + 1) {
      return { ...report, ok: false, reason: `replayed ${result.distinctStates - 1} of ${generated.length} events` };
    }
    return report;
  }
  if (result.violated === 'deadlock') {
    const k = stuckAt(result.output);
    const failed = k === undefined ? undefined : parsed.events[k - 1];
    return {
      ...report,
      reason: `event ${k} (trace line ${failed?.line}) is not a step of HirschbergSinclair: ${JSON.stringify(failed ? { ...failed, line: undefined } : null)}`,
      failedEvent: k,
      failedLine: failed?.line,
    };
  }
  if (result.outcome === 'fail') return { ...report, reason: `invariant ${result.violated} violated along the trace` };
  return { ...report, error: true, reason: `checker error: ${result.violated}\n${result.output.slice(-3000)}` };
}

async function main(argv) {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: node tla/trace/check-trace.mjs trace.jsonl [--offline] [--json]');
    return 2;
  }
  const report = await checkTrace(readFileSync(file, 'utf8'), { offline: argv.includes('--offline') });
  if (argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else if (report.ok) console.log(`${file}: ${report.events} events, a behaviour of HirschbergSinclair (checked by ${report.checker} in ${report.seconds.toFixed(1)} s)`);
  else console.log(`${file}: NOT a behaviour of HirschbergSinclair (checked by ${report.checker}): ${report.reason}`);
  if (report.ok) return 0;
  return report.error || report.checker === 'none' ? 2 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(error.message);
    process.exit(2);
  });
}
