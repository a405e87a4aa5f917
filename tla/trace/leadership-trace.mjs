#!/usr/bin/env node
/**
 * Trace validation of the leadership protocol: checks that a JSON-lines trace of the simulator's
 * observable events (src/sim/leadership/simulator.ts LeadershipEvent; first line the header
 * {"members":[id, ...]} in rank order) is a behaviour of tla/LeadershipTrace.tla, with TLC when
 * Java and a local tla2tools.jar are there, else (or with --offline) with the npm tla-checker.
 *
 * Usage: node tla/trace/leadership-trace.mjs trace.jsonl [--offline] [--json]
 * Exit status: 0 the trace is a behaviour of the spec; 1 it is not; 2 bad trace or no checker.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findJar, flattenModule, javaAvailable, loadTlaChecker, runTlaChecker, runTlc, tlaDir } from '../run-tlc.mjs';
import { TraceFormatError } from './trace-to-tla.mjs';

const SPEC = 'LeadershipTrace';
const MC = 'MCLeadershipTraceRun';
const KINDS = new Set(['Persist', 'Grant', 'TakeOffice', 'StepDown', 'Crash', 'Restart', 'EndQuiet']);
const INVARIANTS = ['OneLeaderPerEpoch', 'EpochsIncrease', 'OfficeEpochsDistinct'];

/** Parses the trace: { members, events } with each event's file line kept. */
export function parseLeadershipTrace(text) {
  const rows = [];
  text.split('\n').forEach((line, k) => {
    if (line.trim() === '') return;
    try {
      rows.push({ line: k + 1, value: JSON.parse(line) });
    } catch (error) {
      throw new TraceFormatError(`line ${k + 1}: not JSON (${error.message})`);
    }
  });
  const members = rows[0]?.value?.members;
  if (!Array.isArray(members) || members.length < 1 || new Set(members).size !== members.length)
    throw new TraceFormatError('line 1 must be the header {"members":[id, ...]} with distinct ids');
  const events = rows.slice(1).map(({ line, value }) => {
    if (!KINDS.has(value?.ev)) throw new TraceFormatError(`line ${line}: unknown event ${JSON.stringify(value?.ev)}`);
    for (const f of ['member', ...(value.ev === 'Grant' ? ['to'] : [])])
      if (!members.includes(value[f])) throw new TraceFormatError(`line ${line}: ${f} ${value[f]} is not in the header`);
    return { ...value, line };
  });
  return { members, events };
}

/** The trace as a TLA+ sequence of uniform records (members renamed to their ranks). */
export function traceValue({ members, events }) {
  const rank = (id) => members.indexOf(id);
  const int = (x) => (Number.isSafeInteger(x) ? x : 0);
  const rec = (e) =>
    `[ev |-> "${e.ev}", m |-> ${rank(e.member)}, to |-> ${e.ev === 'Grant' ? rank(e.to) : 0}, e |-> ${int(e.epoch)}, ` +
    `p |-> ${int(e.promised)}, c |-> ${int(e.counter)}, lost |-> ${e.lost === true ? 'TRUE' : 'FALSE'}]`;
  return `<<${events.map(rec).join(',\n  ')}>>`;
}

function chooseChecker(offline) {
  if (!offline && javaAvailable()) return findJar(() => {}, { download: false }).then(({ jar }) => (jar ? { checker: 'TLC', jar } : offlineChecker()));
  return Promise.resolve(offlineChecker());
}
const offlineChecker = () => (loadTlaChecker() ? { checker: 'tla-checker' } : { checker: 'none' });

/** The index of the trace event replayed last in a counterexample: the first that failed is next. */
function stuckAt(output) {
  const all = [...output.matchAll(/\bi = (\d+)/g), ...output.matchAll(/"i"\s*:\s*(\d+)/g)];
  return all.length ? Math.max(...all.map((m) => Number(m[1]))) : undefined;
}

/**
 * Checks trace text. Returns { ok, checker, events, seconds, reason?, failedEvent?, failedLine? }:
 * ok iff every event is a step of LeadershipTrace and its invariants hold all along.
 */
export async function checkLeadershipTrace(text, { offline = false } = {}) {
  const parsed = parseLeadershipTrace(text);
  const n = parsed.members.length;
  const value = traceValue(parsed);
  const length = parsed.events.length;
  const { checker, jar } = await chooseChecker(offline);
  const head = `INIT Init\nNEXT Next\nINVARIANTS ${INVARIANTS.join(' ')}\n`;
  let result;
  if (checker === 'TLC') {
    const dir = mkdtempSync(join(tmpdir(), 'hs-ring-ltrace-'));
    try {
      copyFileSync(join(tlaDir, `${SPEC}.tla`), join(dir, `${SPEC}.tla`));
      writeFileSync(join(dir, `${MC}.tla`), `---- MODULE ${MC} ----\nEXTENDS ${SPEC}\nTraceRun ==\n  ${value}\n====\n`);
      writeFileSync(join(dir, `${MC}.cfg`), `CONSTANTS\n  N = ${n}\n  Trace <- TraceRun\n${head}`);
      result = runTlc(jar, dir, `${MC}.tla`, `${MC}.cfg`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else if (checker === 'tla-checker') {
    const source = flattenModule(tlaDir, SPEC);
    const cfg = `CONSTANT N = ${n}\nCONSTANT Trace = ${value.replace(/\n\s*/g, ' ')}\n${head}`;
    result = await runTlaChecker(source, cfg, { maxStates: length + 10, maxDepth: length + 10 });
  } else {
    return { ok: false, checker, events: length, seconds: 0, reason: 'no checker: neither TLC (java + tla2tools.jar) nor the npm tla-checker is available' };
  }
  const report = { ok: result.outcome === 'pass', checker, events: length, seconds: result.seconds };
  if (result.outcome === 'pass') {
    if (result.distinctStates !== undefined && result.distinctStates !== length + 1)
      return { ...report, ok: false, reason: `replayed ${result.distinctStates - 1} of ${length} events` };
    return report;
  }
  if (result.violated === 'deadlock') {
    const k = stuckAt(result.output);
    const failed = k === undefined ? undefined : parsed.events[k - 1];
    return {
      ...report,
      reason: `event ${k} (trace line ${failed?.line}) is not a step of LeadershipTrace: ${JSON.stringify(failed ? { ...failed, line: undefined } : null)}`,
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
    console.error('usage: node tla/trace/leadership-trace.mjs trace.jsonl [--offline] [--json]');
    return 2;
  }
  const report = await checkLeadershipTrace(readFileSync(file, 'utf8'), { offline: argv.includes('--offline') });
  if (argv.includes('--json')) console.log(JSON.stringify(report, null, 2));
  else if (report.ok) console.log(`${file}: ${report.events} events, a behaviour of LeadershipTrace (checked by ${report.checker} in ${report.seconds.toFixed(1)} s)`);
  else console.log(`${file}: NOT a behaviour of LeadershipTrace (checked by ${report.checker}): ${report.reason}`);
  if (report.ok) return 0;
  return report.error || report.checker === 'none' ? 2 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
    console.error(error.message);
    process.exit(2);
  });
}
