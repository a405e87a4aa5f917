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
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flattenModule, runTlaChecker, runTlc, tlaDir } from '../run-tlc.mjs';
import { NO_CHECKER, chooseChecker, replayReport, runIfMain } from './replay.mjs';
import { TRACE_MODULE, parseTrace, traceToTla } from './trace-to-tla.mjs';

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
    return { ok: false, checker, events: generated.length, seconds: 0, reason: NO_CHECKER };
  }
  return replayReport(result, { checker, events: parsed.events, spec: 'HirschbergSinclair' });
}

runIfMain(import.meta.url, { script: 'tla/trace/check-trace.mjs', spec: 'HirschbergSinclair', check: checkTrace });
